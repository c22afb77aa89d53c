/**
 * Bulk PDF → ZIP: the streaming ZIP writer against raw `fs` writes of the same bytes, and the
 * bulk export end to end in-process (SQLite, local FileStore in a temp dir, embedded runner),
 * with PDFs already rendered and with PDFs missing (rendered on the worker pool by the job).
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchCase } from '../lib/case.ts';
import { measured, type ResultRow } from '../lib/results.ts';
import { createTestContext, seedTenant } from '../../test/harness.ts';
import { seedDocuments } from '../../test/bulkpdf-seed.ts';
import { createZipWriter } from '../../src/platform/zip/zip.ts';
import { createBulkPdfJob, getBulkPdfJob } from '../../src/bulkpdf/bulkpdf.service.ts';
import { defaultPdfSettings, renderPdf, type PdfDocument } from '../../src/pdfs/pdfs.service.ts';

const MiB = 1024 * 1024;

/** A one-line invoice, as the bench's PDFs look. */
export const SAMPLE_INVOICE: PdfDocument = {
  kind: 'Invoice',
  number: 'INV00000001',
  draft: false,
  documentDate: '2026-03-12',
  accountNumber: 'A00000001',
  accountName: 'Acme',
  currency: 'USD',
  billTo: { name: 'Ada Lovelace' },
  soldTo: { name: 'Ada Lovelace' },
  items: [
    {
      serviceStartDate: '2026-03-01',
      serviceEndDate: '2026-03-31',
      chargeName: 'Fee',
      quantity: '1',
      unitPrice: '30',
      amount: '30',
    },
  ],
  subtotal: '30',
  tax: '0',
  total: '30',
  applied: '0',
  balance: '30',
  createdOn: '2026-03-12T00:00:00Z',
};

/** Synthetic PDF-sized buffers (random bytes: PDFs are already compressed). */
const buffers = (count: number, size: number): Buffer[] =>
  Array.from({ length: count }, (_, i) => {
    const b = Buffer.alloc(size, i % 251);
    b.writeUInt32LE(i, 0);
    return b;
  });

const rawWrite = async (file: string, bufs: readonly Buffer[]): Promise<number> => {
  const t0 = performance.now();
  const out = createWriteStream(file);
  for (const b of bufs) if (!out.write(b)) await once(out, 'drain');
  out.end();
  await finished(out);
  return performance.now() - t0;
};

const zipWrite = async (file: string, bufs: readonly Buffer[]): Promise<number> => {
  const t0 = performance.now();
  const zip = createZipWriter(createWriteStream(file));
  for (const [i, b] of bufs.entries()) await zip.addBuffer(`doc_${i}.pdf`, b);
  await zip.finish();
  return performance.now() - t0;
};

/** One bulk job over `n` documents; documents/s of the job alone (seeding excluded). */
const exportRun = async (n: number, missingPdfs: boolean, pdf: Buffer): Promise<number> => {
  const ctx = await createTestContext({ name: 'sqlite' }, { config: { pdfWorkers: 0 } });
  try {
    const t = await seedTenant(ctx.deps, 'Bench');
    const scope = { tenantId: t.tenantId, entityId: t.entityId };
    const docs = await seedDocuments(ctx.deps, scope, n, {
      state: missingPdfs ? 'none' : 'valid',
      pdfBytes: pdf,
    });
    const t0 = performance.now();
    const { jobId } = await createBulkPdfJob(
      ctx.deps,
      scope,
      {
        documents: [{ docType: 'Invoice', objectIds: docs.map((d) => d.id) }],
        fileName: 'bench',
        indexFileFormat: 'JSON',
        generateMissingPDF: missingPdfs,
      },
      'bench',
    );
    await ctx.deps.queue.runUntilIdle();
    const ms = performance.now() - t0;
    const job = await getBulkPdfJob(ctx.deps, scope, jobId);
    if (job.status !== 'Completed' || job.failedDocuments.length > 0)
      throw new Error(`bench job ended ${job.status}: ${JSON.stringify(job.failedDocuments)}`);
    return n / (ms / 1000);
  } finally {
    await ctx.close();
  }
};

export const bulkPdfCase: BenchCase = {
  name: 'bulk-pdf',
  title: 'Bulk PDF → ZIP',
  run: async (ctx) => {
    const runs = ctx.runs;
    const count = ctx.quick ? 50 : 2000;
    const size = 40 * 1024;
    const dir = mkdtempSync(join(tmpdir(), 'folio-bench-zip-'));
    const zipMbs: number[] = [];
    const rawMbs: number[] = [];
    try {
      const bufs = buffers(count, size);
      const total = (count * size) / MiB;
      ctx.log(`bulk-pdf: ZIP vs raw write of ${count} × ${size / 1024} KiB, ${runs} runs`);
      await zipWrite(join(dir, 'warm.zip'), bufs);
      for (let r = 0; r < runs; r++) {
        rawMbs.push(total / ((await rawWrite(join(dir, `raw${r}`), bufs)) / 1000));
        zipMbs.push(total / ((await zipWrite(join(dir, `zip${r}.zip`), bufs)) / 1000));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const pdf = await renderPdf(SAMPLE_INVOICE, defaultPdfSettings);
    const rendered = ctx.quick ? 50 : 10_000;
    const missingN = ctx.quick ? 20 : 2_000;
    const withPdfs: number[] = [];
    const withMissing: number[] = [];
    for (let r = 0; r < runs; r++) {
      ctx.log(`bulk-pdf: export of ${rendered} rendered documents (run ${r + 1})`);
      withPdfs.push(await exportRun(rendered, false, Buffer.from(pdf)));
      ctx.log(`bulk-pdf: export of ${missingN} documents with PDFs missing (run ${r + 1})`);
      withMissing.push(await exportRun(missingN, true, Buffer.from(pdf)));
    }
    const peakRss = process.resourceUsage().maxRSS / 1024;
    const rows: ResultRow[] = [
      {
        id: 'zip-write',
        label: `ZIP writing, ${count} × 40 KiB entries (peer: raw fs write of the same bytes)`,
        unit: 'MB/s',
        better: 'higher',
        target: '≥ 80 % of raw write',
        folio: measured(zipMbs),
        peer: { name: 'raw fs write', result: measured(rawMbs) },
      },
      {
        id: 'export-rendered',
        label: `bulk export end to end, ${rendered} documents, PDFs already rendered`,
        unit: 'docs/s',
        better: 'higher',
        target: '—',
        folio: measured(withPdfs),
      },
      {
        id: 'export-missing',
        label: `bulk export end to end, ${missingN} documents, PDFs missing (rendered by the job)`,
        unit: 'docs/s',
        better: 'higher',
        target: '≥ 500 docs/s',
        folio: measured(withMissing),
      },
      {
        id: 'peak-rss',
        label: 'peak RSS of the bench process (seeding included)',
        unit: 'MiB',
        better: 'lower',
        target: '≤ 256 MB (100,000 documents)',
        folio: measured(
          [peakRss],
          `process maxRSS after all runs; largest job ${rendered} documents`,
        ),
      },
    ];
    return {
      method: [
        `ZIP: ${count} synthetic 40 KiB entries written ${runs}× to a temp file through the STORE writer (addBuffer), interleaved with a raw fs.createWriteStream of the same buffers; MB/s = MiB / wall time.`,
        `Export: in-process Deps on a fresh SQLite file and local FileStore per run; ${rendered} posted invoices with a stored ${Math.round(pdf.length / 1024)} KiB PDF (or none, for the missing case: rendered on the pdf worker pool, one thread per core), one bulk job of all of them, timed from createBulkPdfJob to the end of runUntilIdle (seeding excluded).`,
        'Peak RSS is the bench process high-water mark (includes seeding and the ZIP runs), not a 100,000-document job: that size is not measured yet.',
      ],
      rows,
    };
  },
};
