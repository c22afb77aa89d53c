/** C5.3 "Jobs are kept 30 days": a job and its ZIPs are purged by a job, by the tenant's clock. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant } from '../../test/harness.ts';
import { seedDocuments } from '../../test/bulkpdf-seed.ts';
import { isAppError } from '../platform/errors.ts';
import type { Scope } from '../platform/scope.ts';
import { createBulkPdfJob, getBulkPdfJob, RETENTION_DAYS } from './bulkpdf.service.ts';

const DAY = 86_400_000;

forEachDb(
  'bulk PDF retention',
  (ctx) => {
    let scope: Scope;
    let ids: string[];
    before(async () => {
      const t = await seedTenant(ctx.deps, 'Retention');
      scope = { tenantId: t.tenantId, entityId: t.entityId };
      ids = (await seedDocuments(ctx.deps, scope, 3)).map((d) => d.id);
    });

    const submit = async (fileName: string): Promise<string> => {
      const { jobId } = await createBulkPdfJob(
        ctx.deps,
        scope,
        { documents: [{ docType: 'Invoice', objectIds: ids }], fileName, indexFileFormat: 'CSV' },
        'test',
      );
      await ctx.deps.queue.runUntilIdle();
      assert.equal((await getBulkPdfJob(ctx.deps, scope, jobId)).status, 'Completed');
      return jobId;
    };
    const objects = async (jobId: string): Promise<string[]> => {
      const keys: string[] = [];
      for await (const f of ctx.deps.files.list(`bulk-pdf-generation/${jobId}/`)) keys.push(f.key);
      return keys;
    };
    const rows = async (jobId: string) => ({
      jobs: (
        await ctx.deps.db.db
          .selectFrom('bulk_pdf_jobs')
          .where('id', '=', jobId)
          .selectAll()
          .execute()
      ).length,
      documents: (
        await ctx.deps.db.db
          .selectFrom('bulk_pdf_documents')
          .where('job_id', '=', jobId)
          .selectAll()
          .execute()
      ).length,
      parts: (
        await ctx.deps.db.db
          .selectFrom('bulk_pdf_parts')
          .where('job_id', '=', jobId)
          .selectAll()
          .execute()
      ).length,
    });
    const isNotFound = (e: unknown) => isAppError(e) && e.kind === 'not_found';

    test('a job and its ZIP stay for 30 days, then the job is unknown and its ZIP and rows are deleted', async () => {
      const old = await submit('old');
      ctx.clock.advance(10 * DAY);
      const newer = await submit('newer');
      assert.deepEqual(await objects(old), [`bulk-pdf-generation/${old}/old_1.zip`]);

      // Day 29 and 23 h of the first job: still there, and its purge is not due yet.
      ctx.clock.advance((RETENTION_DAYS - 10) * DAY - 3_600_000);
      await ctx.deps.queue.runUntilIdle();
      assert.equal((await getBulkPdfJob(ctx.deps, scope, old)).status, 'Completed');
      assert.equal((await objects(old)).length, 1);

      // 30 days: unknown at once (C5.3), and the purge job deletes the ZIP and every row.
      ctx.clock.advance(3_600_000);
      await assert.rejects(getBulkPdfJob(ctx.deps, scope, old), isNotFound);
      const summary = await ctx.deps.queue.runUntilIdle();
      assert.equal(summary.failed, 0);
      assert.deepEqual(await objects(old), []);
      assert.deepEqual(await rows(old), { jobs: 0, documents: 0, parts: 0 });

      // The job created ten days later is untouched until its own 30 days are over.
      assert.equal((await getBulkPdfJob(ctx.deps, scope, newer)).status, 'Completed');
      assert.equal((await objects(newer)).length, 1);
      assert.deepEqual(await rows(newer), { jobs: 1, documents: 3, parts: 1 });
      ctx.clock.advance(10 * DAY);
      await ctx.deps.queue.runUntilIdle();
      assert.deepEqual(await objects(newer), []);
      assert.deepEqual(await rows(newer), { jobs: 0, documents: 0, parts: 0 });
      // The invoices' own PDFs are not the job's: they stay.
      const pdfs = await ctx.deps.db.db
        .selectFrom('document_files')
        .where('document_id', 'in', ids)
        .select('storage_key')
        .execute();
      assert.equal(pdfs.length, 3);
      for (const p of pdfs) assert.notEqual(await ctx.deps.files.head(p.storage_key!), undefined);
    });
  },
  // The purge becomes due by the tenant's clock, which this test advances 30 days: only the
  // embedded runner reads that clock; graphile-worker waits in real time (platform/jobs/graphile.ts).
  { config: { jobRunner: 'embedded' } },
);
