/**
 * The index file written after the PDFs in each bulk-PDF ZIP (CONTRACT C5.5–C5.6): pure builders
 * for `index.json` and `index.csv`, one entry per PDF in ZIP order.
 */

/** One PDF in a ZIP, as the index describes it (C5.6's exact keys, in that order). */
export interface IndexEntry {
  accountNumber: string;
  documentType: 'Invoice' | 'CreditMemo' | 'DebitMemo';
  documentNumber: string;
  /** When the document was created. */
  documentCreatedOn: Date;
  pdfFileName: string;
  /** When the PDF file was generated. */
  pdfFileCreatedOn: Date;
}

/** Index date-times are `yyyy-MM-ddTHH:mm:ssZ`, without milliseconds (C0.4, C7 #33). */
export const indexDateTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The index file's name in the ZIP (C7 #6: `index.*`, our choice). */
export const indexFileName = (format: 'JSON' | 'CSV'): string =>
  format === 'JSON' ? 'index.json' : 'index.csv';

const row = (e: IndexEntry): string[] => [
  e.accountNumber,
  e.documentType,
  e.documentNumber,
  indexDateTime(e.documentCreatedOn),
  e.pdfFileName,
  indexDateTime(e.pdfFileCreatedOn),
];

export const INDEX_COLUMNS = [
  'accountNumber',
  'documentType',
  'documentNumber',
  'documentCreatedOn',
  'pdfFileName',
  'pdfFileCreatedOn',
] as const;

/** `{"_metadata":[…]}` with C5.6's keys in order. */
export const buildIndexJson = (entries: readonly IndexEntry[]): Buffer =>
  Buffer.from(
    JSON.stringify({
      _metadata: entries.map((e) => {
        const values = row(e);
        return Object.fromEntries(INDEX_COLUMNS.map((k, i) => [k, values[i]]));
      }),
    }),
    'utf8',
  );

/** RFC 4180 §2.6–2.7: quote a field holding a comma, quote or line break; double its quotes. */
const csvField = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** RFC 4180 CSV, UTF-8, CRLF after every record including the last, header row first (C5.6). */
export const buildIndexCsv = (entries: readonly IndexEntry[]): Buffer =>
  Buffer.from(
    [INDEX_COLUMNS.join(','), ...entries.map((e) => row(e).map(csvField).join(','))]
      .map((l) => `${l}\r\n`)
      .join(''),
    'utf8',
  );

/** The index file (name and bytes) in the requested format. */
export const buildIndexFile = (
  format: 'JSON' | 'CSV',
  entries: readonly IndexEntry[],
): { name: string; data: Buffer } => ({
  name: indexFileName(format),
  data: format === 'JSON' ? buildIndexJson(entries) : buildIndexCsv(entries),
});
