/**
 * PDFs of invoices and memos: the render pool of the default template, and file names (C5.6).
 */
import { createRenderPool, type RenderPool } from '../platform/pdf/pool.ts';
import { invalid } from '../platform/errors.ts';
import type { PdfRenderInput } from './pdfs.worker.ts';

export type { PdfRenderInput } from './pdfs.worker.ts';
export type {
  PdfDocument,
  PdfSettings,
  PdfItem,
  PdfContact,
  PdfDocumentKind,
} from './pdfs.template.ts';
export { defaultPdfSettings, renderPdf } from './pdfs.template.ts';

/** The PDF port in `Deps`: renders documents on worker threads. */
export type PdfPool = RenderPool<PdfRenderInput>;

/** A pool of `size` workers (0 = one per core) rendering the default template. */
export const createPdfPool = (size: number): PdfPool =>
  createRenderPool<PdfRenderInput>({ module: new URL('./pdfs.worker.ts', import.meta.url), size });

/**
 * Characters illegal in file names on common systems (Windows' `<>:"/\|?*`, control characters)
 * become `_` (C5.6).
 */
const ILLEGAL = new Set('<>:"/\\|?*');
const clean = (s: string): string =>
  [...s]
    .map((c) => (ILLEGAL.has(c) || c.charCodeAt(0) < 0x20 || c === '\u007f' ? '_' : c))
    .join('');

export interface PdfNameInput {
  /** Invoice or memo number. */
  number: string;
  accountNumber: string;
  /** Invoice or memo date, `yyyy-MM-dd`. */
  documentDate: string;
}

/**
 * The default PDF file name of C5.6: `<Number>_<AccountNumber>_<MMddyyyy>.pdf`, e.g.
 * `INV00000001_A00000001_03122024.pdf`, for invoices, credit memos and debit memos alike.
 */
export const pdfFileName = ({ number, accountNumber, documentDate }: PdfNameInput): string => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(documentDate);
  if (m === null) throw invalid(`Invalid document date ${JSON.stringify(documentDate)}.`);
  return `${clean(number)}_${clean(accountNumber)}_${m[2]}${m[3]}${m[1]}.pdf`;
};
