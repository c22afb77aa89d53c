/**
 * Peak RSS of a 100,000-document bulk PDF export (DESIGN.md target: ≤ 256 MB), measured in a
 * process that does nothing else: the bench seeds a SQLite database and a local FileStore in its
 * own process, then spawns `bench/lib/bulk-job-child.ts`, which submits the jobs, runs them to
 * the end and reports its own `maxRSS`. C5.1 caps a job at 50,000 ids, so 100,000 documents are
 * two jobs submitted together and run by one process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchCase } from '../lib/case.ts';
import { measured, type ResultRow } from '../lib/results.ts';
import { ROOT } from '../lib/servers.ts';
import { seedTenant, testConfig } from '../../test/harness.ts';
import { seedDocuments } from '../../test/bulkpdf-seed.ts';
import { closeDeps, createDeps, migrate } from '../../src/deps.ts';
import { createFileVersions, finishFileGenerations } from '../../src/files/files.service.ts';
import { defaultPdfSettings, renderPdf } from '../../src/pdfs/pdfs.service.ts';
import { SAMPLE_INVOICE } from './bulk-pdf.ts';

const SEED_CHUNK = 10_000;

/**
 * Seeds `n` posted invoices whose latest PDF version is Generated. They all point at one stored
 * PDF (a real invoice rendered once): the job reads it once per document as it would distinct
 * files, and seeding 100,000 stays quick.
 */
const seed = async (dbUrl: string, filesUrl: string, n: number) => {
  const deps = await createDeps(testConfig({ dbUrl, filesUrl }));
  try {
    await migrate(deps);
    const t = await seedTenant(deps, 'Bench');
    const scope = { tenantId: t.tenantId, entityId: t.entityId };
    const pdf = await renderPdf(SAMPLE_INVOICE, defaultPdfSettings);
    const key = `documents/${scope.tenantId}/${scope.entityId}/shared.pdf`;
    await deps.files.put(key, pdf, { contentType: 'application/pdf' });
    const ids: string[] = [];
    for (let i = 0; i < n; i += SEED_CHUNK) {
      const docs = await seedDocuments(deps, scope, Math.min(SEED_CHUNK, n - i), {
        state: 'none',
        accountName: `Bench ${i}`,
      });
      const files = await deps.db.db.transaction().execute((tx) =>
        createFileVersions(
          deps,
          tx,
          scope,
          docs.map((d) => ({ documentType: 'Invoice', documentId: d.id })),
          'Processing',
        ),
      );
      const names = new Map(docs.map((d) => [d.id, d.pdfName]));
      await finishFileGenerations(
        deps,
        scope,
        files.map((file) => ({
          file,
          out: { storageKey: key, fileName: names.get(file.documentId)!, size: pdf.length },
        })),
      );
      ids.push(...docs.map((d) => d.id));
    }
    return { scope, ids };
  } finally {
    await closeDeps(deps);
  }
};

interface ChildResult {
  ms: number;
  maxRssMiB: number;
  jobs: { status: string; failed: number; zips: number }[];
}

const runChild = async (dbUrl: string, filesUrl: string, requestFile: string) => {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bench/lib/bulk-job-child.ts'), dbUrl, filesUrl, requestFile],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((res) => child.on('exit', res));
  const last = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{'))
    throw new Error(`bulk job process exited ${String(code)}: ${out.slice(-500)}`);
  return JSON.parse(last) as ChildResult;
};

export const bulkRssCase: BenchCase = {
  name: 'bulk-rss',
  title: 'Bulk PDF → ZIP: memory of a 100,000-document export',
  run: async (ctx) => {
    const n = ctx.quick ? 200 : 100_000;
    const rss: number[] = [];
    const rate: number[] = [];
    // One run: a 100,000-document export takes minutes and its peak RSS varies little.
    for (let r = 0; r < 1; r++) {
      const dir = mkdtempSync(join(tmpdir(), 'folio-bench-rss-'));
      try {
        const dbUrl = `sqlite:${join(dir, 'folio.db')}`;
        const filesUrl = `file:${join(dir, 'files')}`;
        ctx.log(`bulk-rss: seeding ${n} invoices with a stored PDF (run ${r + 1})`);
        const { scope, ids } = await seed(dbUrl, filesUrl, n);
        const requestFile = join(dir, 'request.json');
        writeFileSync(requestFile, JSON.stringify({ ...scope, ids, generateMissingPDF: false }));
        ctx.log(`bulk-rss: export of ${n} documents in a process of its own (run ${r + 1})`);
        const res = await runChild(dbUrl, filesUrl, requestFile);
        const bad = res.jobs.filter((j) => j.status !== 'Completed' || j.failed > 0);
        if (bad.length > 0) throw new Error(`bulk jobs did not complete: ${JSON.stringify(bad)}`);
        rss.push(res.maxRssMiB);
        rate.push(n / (res.ms / 1000));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const rows: ResultRow[] = [
      {
        id: 'peak-rss-100k',
        label: `peak RSS of the process running a ${n.toLocaleString('en-US')}-document export (PDFs already rendered)`,
        unit: 'MiB',
        better: 'lower',
        target: '≤ 256 MB (100,000 documents)',
        folio: measured(rss, 'maxRSS of the job process alone, its PDF worker threads included'),
      },
      {
        id: 'rate-100k',
        label: `bulk export end to end, ${n.toLocaleString('en-US')} documents in ${Math.ceil(n / 50_000)} job(s), PDFs already rendered`,
        unit: 'docs/s',
        better: 'higher',
        target: '—',
        folio: measured(rate),
      },
    ];
    return {
      method: [
        `Seeding (not measured) in the bench process: a fresh SQLite file and local FileStore, ${n} posted invoices in transactions of ${SEED_CHUNK}, each with a Generated PDF version pointing at one stored, really rendered invoice PDF.`,
        `Then a separate process (bench/lib/bulk-job-child.ts: createDeps as folio does, PDF pool one thread per core) submits the export as jobs of ≤ 50,000 ids (C5.1's limit), runs the queue until idle and reports process.resourceUsage().maxRSS; docs/s = documents ÷ seconds from the first submission to idle.`,
      ],
      rows,
    };
  },
};
