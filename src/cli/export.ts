/**
 * `folio export pdf --ids-file FILE --out DIR`: a bulk PDF → ZIP export over HTTP through the
 * typed client. Creates the job (`POST /v1/operations/bulk-pdf`), follows it with the client's
 * `waitForBulkPdf` (a progress bar by step on a terminal, plain lines otherwise), downloads every
 * ZIP into DIR and verifies it: each entry read through and its CRC-32 checked, the index file
 * against the PDFs in the ZIP, and the documents of all ZIPs against the requested IDs.
 */
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Config } from '../config.ts';
import { checkZipFile } from '../platform/zip/unzip.ts';
import type { BulkPdfJob } from '../../client/client.ts';
import {
  clientFromConfig,
  intOption,
  parseOptions,
  printJson,
  progressLine,
  runClientCommand,
  UsageError,
} from './api.ts';

export const EXPORT_USAGE = `  export pdf --ids-file FILE --out DIR [--file-name NAME] [--index-format CSV|JSON]
             [--generate-missing] [--interval-ms N]
                             bulk-export invoice PDFs (one ID per line) to verified ZIPs in DIR`;

/** CONTRACT C5.4: the steps of a job, in order (`GenerateMissPDF` only when needed). */
const STEPS: BulkPdfJob['stepStatus'][] = [
  'JobCreated',
  'TasksCreated',
  'GenerateMissPDF',
  'PdfToZip',
  'PostProcessing',
];
/** `GET /v1/invoices/pdf-status` takes at most 50 keys (CONTRACT C4 "Documents"). */
const STATUS_BATCH = 50;

/** The IDs of an ids file: one per line; blank lines and `#` comments skipped. */
const readIds = (file: string): string[] =>
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '');

/** One parsed index row: the document number and its PDF's name (C5.6). */
interface IndexRow {
  documentNumber: string;
  pdfFileName: string;
}

/** RFC 4180 CSV as C5.6 writes it (quoted fields may hold commas, quotes and line breaks). */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
};

const parseIndex = (name: string, data: Buffer): IndexRow[] => {
  const text = data.toString('utf8');
  if (name.endsWith('.json')) {
    const doc = JSON.parse(text) as { _metadata?: IndexRow[] };
    if (!Array.isArray(doc._metadata)) throw new Error(`${name}: no _metadata array`);
    return doc._metadata;
  }
  const [header, ...rows] = parseCsv(text);
  const col = (n: string): number => {
    const i = header?.indexOf(n) ?? -1;
    if (i < 0) throw new Error(`${name}: no ${n} column`);
    return i;
  };
  const num = col('documentNumber');
  const pdf = col('pdfFileName');
  return rows.map((r) => ({ documentNumber: r[num] ?? '', pdfFileName: r[pdf] ?? '' }));
};

/** A ZIP's file name from its URL: the last path segment, never a path of its own. */
const zipNameOf = (url: string, n: number): string => {
  const last = basename(decodeURIComponent(new URL(url).pathname));
  return /^[\w.-]+\.zip$/.test(last) && last !== '..' ? last : `export_${n}.zip`;
};

/** `folio export pdf …`; `args` are the command's arguments after `export`. */
export const exportCommand = (config: Config, args: string[]): Promise<number> =>
  runClientCommand('export', EXPORT_USAGE, async () => {
    const { values: o, positionals } = parseOptions(args, {
      'ids-file': { type: 'string' },
      out: { type: 'string' },
      'file-name': { type: 'string' },
      'index-format': { type: 'string' },
      'generate-missing': { type: 'boolean' },
      'interval-ms': { type: 'string' },
    });
    if (positionals[0] !== 'pdf' || positionals.length > 1)
      throw new UsageError('expected `export pdf`');
    if (o['ids-file'] === undefined || o.out === undefined)
      throw new UsageError('export pdf needs --ids-file and --out');
    const indexFormat = (o['index-format'] ?? 'CSV').toUpperCase();
    if (indexFormat !== 'CSV' && indexFormat !== 'JSON')
      throw new UsageError('--index-format must be CSV or JSON');
    const intervalMs = intOption('interval-ms', o['interval-ms'], 1000, 10);
    const ids = readIds(o['ids-file']);
    if (ids.length === 0) throw new UsageError(`${o['ids-file']} lists no IDs`);
    const out = o.out;
    mkdirSync(out, { recursive: true });

    const client = clientFromConfig(config);
    const { api, ok } = client;
    const created = await ok(
      'POST /v1/operations/bulk-pdf',
      api.POST('/v1/operations/bulk-pdf', {
        body: {
          documents: [{ docType: 'Invoice', objectIds: ids }],
          fileName: o['file-name'] ?? 'invoices',
          indexFileFormat: indexFormat,
          generateMissingPDF: o['generate-missing'] === true,
        },
      }),
    );
    process.stderr.write(
      `bulk-PDF job ${created.jobId}: ${ids.length} IDs, ${created.invalidIds.length} invalid\n`,
    );

    const bar = progressLine();
    let job: BulkPdfJob;
    try {
      job = await client.waitForBulkPdf(created.jobId, {
        intervalMs,
        onProgress: (j) => {
          const step = STEPS.indexOf(j.stepStatus) + 1;
          const done = j.status === 'Completed' ? STEPS.length : step - 1;
          bar.show(
            done,
            STEPS.length,
            `job ${j.status}: step ${step}/${STEPS.length} ${j.stepStatus}`,
          );
        },
      });
    } finally {
      bar.end();
    }
    const objectIds = (docs: { objectIds: string[] }[] | undefined): string[] =>
      (docs ?? []).flatMap((d) => d.objectIds);
    const failed = objectIds(job.failedDocuments);
    const skipped = [...objectIds(created.skippedDocuments), ...objectIds(job.skippedDocuments)];
    if (job.status !== 'Completed') {
      printJson({ jobId: job.jobId, status: job.status, message: job.message, failed });
      return 1;
    }

    // Download: the URLs are pre-signed (CONTRACT C5.7) and take no Authorization header.
    const files: string[] = [];
    for (const [i, url] of job.fileUrls.entries()) {
      bar.show(i, job.fileUrls.length, `downloading ZIP ${i + 1}/${job.fileUrls.length}`);
      const res = await fetch(url);
      if (!res.ok || res.body === null)
        throw new UsageError(`download of ${zipNameOf(url, i + 1)} failed: HTTP ${res.status}`);
      const file = join(out, zipNameOf(url, i + 1));
      await pipeline(
        Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
        createWriteStream(file),
      );
      files.push(file);
    }
    bar.show(files.length, files.length, `downloaded ${files.length} ZIPs`);
    bar.end();

    // Verify every ZIP, then the documents of all of them against what was asked for.
    const problems: string[] = [];
    const exported: string[] = [];
    const zips: { file: string; pdfs: number; bytes: number }[] = [];
    for (const [i, file] of files.entries()) {
      bar.show(i, files.length, `verifying ${basename(file)} (${i + 1}/${files.length})`);
      const entries = await checkZipFile(file, { keep: (n) => /^index\.(csv|json)$/.test(n) });
      const pdfs = entries.filter((e) => e.name.toLowerCase().endsWith('.pdf'));
      const index = entries.find((e) => e.data !== undefined);
      zips.push({ file, pdfs: pdfs.length, bytes: entries.reduce((s, e) => s + e.size, 0) });
      if (index?.data === undefined) {
        problems.push(`${basename(file)}: no index file`);
        continue;
      }
      const rows = parseIndex(index.name, index.data);
      const listed = rows.map((r) => r.pdfFileName);
      const inZip = pdfs.map((e) => e.name);
      if (JSON.stringify(listed) !== JSON.stringify(inZip))
        problems.push(
          `${basename(file)}: the index lists ${listed.length} PDFs that differ from the ${inZip.length} in the ZIP`,
        );
      exported.push(...rows.map((r) => r.documentNumber));
    }
    bar.end();

    // The requested IDs (duplicates dropped, C5.1) less those refused or failed, as numbers.
    const left = new Set([...created.invalidIds, ...skipped, ...failed]);
    const wanted = [...new Set(ids)].filter((id) => !left.has(id));
    const numberOf = new Map<string, string>();
    for (let i = 0; i < wanted.length; i += STATUS_BATCH) {
      bar.show(i, wanted.length, `matching the index against the IDs: ${i}/${wanted.length}`);
      const batch = wanted.slice(i, i + STATUS_BATCH);
      const status = await ok(
        'GET /v1/invoices/pdf-status',
        api.GET('/v1/invoices/pdf-status', {
          params: { query: { invoiceKeys: batch.join(',') } },
        }),
      );
      for (const f of status.invoiceFiles) numberOf.set(f.invoiceId, f.invoiceNumber);
    }
    bar.end();
    const expected = wanted.map((id) => numberOf.get(id) ?? `(unknown ${id})`);
    const seen = new Map<string, number>();
    for (const n of exported) seen.set(n, (seen.get(n) ?? 0) + 1);
    const missing = expected.filter((n) => !seen.has(n));
    const expectedSet = new Set(expected);
    const unexpected = exported.filter((n) => !expectedSet.has(n));
    const twice = [...seen].filter(([, c]) => c > 1).map(([n]) => n);
    if (missing.length > 0)
      problems.push(
        `${missing.length} requested documents are in no ZIP: ${missing.slice(0, 5).join(', ')}`,
      );
    if (unexpected.length > 0)
      problems.push(
        `${unexpected.length} documents were not requested: ${unexpected.slice(0, 5).join(', ')}`,
      );
    if (twice.length > 0)
      problems.push(
        `${twice.length} documents are in more than one place: ${twice.slice(0, 5).join(', ')}`,
      );

    printJson({
      jobId: job.jobId,
      status: job.status,
      requested: ids.length,
      invalidIds: created.invalidIds,
      skipped,
      failed,
      exported: exported.length,
      zips,
      verified: problems.length === 0,
      ...(problems.length > 0 ? { problems } : {}),
    });
    return problems.length === 0 ? 0 : 1;
  });
