/**
 * Runs bulk PDF jobs in a process of their own, so the bench measures the job's memory alone
 * (not the seeding): opens an existing database and FileStore, submits one bulk job per chunk of
 * ≤ 50,000 ids (C5.1's per-job limit), runs the queue until idle, and prints one JSON line with
 * the wall time, the process's peak RSS (`maxRSS`, worker threads included) and every job's end.
 *
 * Usage: node bench/lib/bulk-job-child.ts <dbUrl> <filesUrl> <request.json>
 * where request.json is {tenantId, entityId, ids: string[], generateMissingPDF}.
 */
import { readFileSync } from 'node:fs';
import { closeDeps, createDeps } from '../../src/deps.ts';
import { createBulkPdfJob, getBulkPdfJob, MAX_IDS } from '../../src/bulkpdf/bulkpdf.service.ts';
import { testConfig } from '../../test/harness.ts';

const [dbUrl, filesUrl, requestFile] = process.argv.slice(2);
if (dbUrl === undefined || filesUrl === undefined || requestFile === undefined)
  throw new Error('usage: bulk-job-child.ts <dbUrl> <filesUrl> <request.json>');
const request = JSON.parse(readFileSync(requestFile, 'utf8')) as {
  tenantId: string;
  entityId: string;
  ids: string[];
  generateMissingPDF: boolean;
};
const deps = await createDeps(testConfig({ dbUrl, filesUrl, pdfWorkers: 0 }));
try {
  const scope = { tenantId: request.tenantId, entityId: request.entityId };
  const t0 = performance.now();
  const jobIds: string[] = [];
  for (let i = 0; i < request.ids.length; i += MAX_IDS) {
    const { jobId } = await createBulkPdfJob(
      deps,
      scope,
      {
        documents: [{ docType: 'Invoice', objectIds: request.ids.slice(i, i + MAX_IDS) }],
        fileName: `rss${i / MAX_IDS + 1}`,
        indexFileFormat: 'JSON',
        generateMissingPDF: request.generateMissingPDF,
      },
      'bench',
    );
    jobIds.push(jobId);
  }
  await deps.queue.runUntilIdle();
  const ms = performance.now() - t0;
  const jobs = [];
  for (const id of jobIds) {
    const j = await getBulkPdfJob(deps, scope, id);
    jobs.push({ status: j.status, failed: j.failedDocuments.length, zips: j.fileUrls.length });
  }
  process.stdout.write(
    `${JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, jobs })}\n`,
  );
} finally {
  await closeDeps(deps);
}
