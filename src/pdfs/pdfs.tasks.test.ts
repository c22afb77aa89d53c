/** PDF generation as jobs (C6.1): posting queues it, jobs render and store, versions and retries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { sql } from 'kysely';
import { forEachDb, seedTenant, tokenFor } from '../../test/harness.ts';
import { noPdftotext, pdfText, seedAccount, seedPlan } from '../../test/documents.ts';
import type { Scope } from '../platform/scope.ts';
import { jobRunnerOf, workerSchemaOf } from '../deps.ts';
import { billAccounts } from '../billing/billing.service.ts';
import { getAccount } from '../accounts/accounts.service.ts';
import { latestDocumentFiles, listDocumentFiles } from '../files/files.service.ts';
import {
  generateDocumentPdf,
  generateDocumentPdfs,
  generatePdfBatch,
  pdfStorageKey,
  requestPdfGeneration,
} from './pdfs.service.ts';

const bytesOf = async (
  ctx: { deps: { files: { get(k: string): Promise<NodeJS.ReadableStream> } } },
  key: string,
) => {
  const chunks: Buffer[] = [];
  for await (const c of await ctx.deps.files.get(key)) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
};

forEachDb('PDF generation jobs', (ctx) => {
  let scope: Scope;
  let token = '';
  let planId = '';
  let invoiceId = '';
  let accountNumber = '';

  test('posting an invoice writes a Pending version and queues its job in the same transaction', async () => {
    const t = await seedTenant(ctx.deps, 'Pdf');
    scope = { tenantId: t.tenantId, entityId: t.entityId };
    token = await tokenFor(ctx.app, t);
    planId = await seedPlan(ctx.app, token);
    const a = await seedAccount(ctx.app, token, planId);
    invoiceId = a.invoiceId!;
    accountNumber = a.accountNumber;
    const files = await listDocumentFiles(ctx.deps, scope, invoiceId);
    assert.equal(files.length, 1);
    assert.equal(files[0]!.generationStatus, 'Pending');
    assert.equal(files[0]!.documentType, 'Invoice');
    assert.equal(files[0]!.versionNumber, ctx.clock.now().getTime());
    // The queued job, in the table of the queue adapter in effect.
    const ws = sql.id(workerSchemaOf(ctx.deps.db.schema));
    const jobs =
      jobRunnerOf(ctx.deps.config) === 'graphile'
        ? (
            await sql<{ task_id: string; payload: string }>`
              select t.identifier as task_id, j.payload::text as payload
              from ${ws}._private_jobs j join ${ws}._private_tasks t on t.id = j.task_id
              where t.identifier = 'pdfs.generate'`.execute(ctx.deps.db.db)
          ).rows
        : await ctx.deps.db.db
            .selectFrom('jobs')
            .select(['task_id', 'payload'])
            .where('task_id', '=', 'pdfs.generate')
            .execute();
    assert.equal(jobs.length, 1);
    assert.match(String(jobs[0]!.payload), new RegExp(files[0]!.id));
  });

  test('the job renders, stores the PDF under its version key and marks it Generated', async () => {
    const summary = await ctx.deps.queue.runUntilIdle();
    assert.equal(summary.completed, 1);
    assert.equal(summary.failed, 0);
    const [f] = await listDocumentFiles(ctx.deps, scope, invoiceId);
    assert.equal(f!.generationStatus, 'Generated');
    assert.equal(f!.storageKey, pdfStorageKey(scope, 'Invoice', invoiceId, f!.id));
    assert.equal(f!.fileName, `INV00000001_${accountNumber}_03152026.pdf`);
    const pdf = await bytesOf(ctx, f!.storageKey!);
    assert.equal(pdf.length, f!.size);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  });

  test(
    'the stored PDF reads as the invoice: number, account, bill-to and total',
    { skip: noPdftotext },
    async () => {
      const [f] = await listDocumentFiles(ctx.deps, scope, invoiceId);
      const t = pdfText(await bytesOf(ctx, f!.storageKey!));
      assert.match(t, /INVOICE/);
      assert.match(t, /INV00000001/);
      assert.match(t, new RegExp(accountNumber));
      assert.match(t, /Ada Lovelace/);
      assert.match(t, /Platform Fee/);
      assert.match(t, /\$30\.00/);
      assert.match(t, /03\/15\/2026/);
      assert.doesNotMatch(t, /DRAFT/);
    },
  );

  test('a retried batch adds no version and leaves the Generated one untouched', async () => {
    const before = await listDocumentFiles(ctx.deps, scope, invoiceId);
    await generatePdfBatch(
      ctx.deps,
      scope,
      before.map((f) => f.id),
      { signal: new AbortController().signal, lastAttempt: false },
    );
    assert.deepEqual(await listDocumentFiles(ctx.deps, scope, invoiceId), before);
  });

  test('a version left Processing by a crash is finished by the retry, once', async () => {
    const f = await requestPdfGeneration(ctx.deps, scope, 'Invoice', invoiceId);
    await ctx.deps.db.db
      .updateTable('document_files')
      .set({ generation_status: 'Processing' })
      .where('id', '=', f.id)
      .execute();
    await ctx.deps.queue.runUntilIdle();
    const files = await listDocumentFiles(ctx.deps, scope, invoiceId);
    assert.equal(files.length, 2);
    assert.equal(files[0]!.id, f.id);
    assert.equal(files[0]!.generationStatus, 'Generated');
  });

  test('regeneration is a new, newer version; the previous one becomes Obsolete; bytes are equal', async () => {
    ctx.clock.advance(60_000);
    const f = await requestPdfGeneration(ctx.deps, scope, 'Invoice', invoiceId);
    let latest = (await latestDocumentFiles(ctx.deps, scope, [invoiceId])).get(invoiceId);
    assert.equal(latest?.id, f.id);
    assert.equal(latest?.generationStatus, 'Pending');
    await ctx.deps.queue.runUntilIdle();
    const files = await listDocumentFiles(ctx.deps, scope, invoiceId);
    assert.equal(files.length, 3);
    assert.deepEqual(
      files.map((x) => x.generationStatus),
      ['Generated', 'Obsolete', 'Obsolete'],
    );
    assert.ok(files[0]!.versionNumber > files[1]!.versionNumber);
    latest = files[0];
    const a = await bytesOf(ctx, latest!.storageKey!);
    const b = await bytesOf(ctx, files[1]!.storageKey!);
    assert.ok(a.equals(b), 'the same invoice renders to the same bytes');
  });

  test('generateDocumentPdf renders synchronously into a new Generated version', async () => {
    const f = await generateDocumentPdf(ctx.deps, scope, 'Invoice', invoiceId);
    assert.equal(f.generationStatus, 'Generated');
    const files = await listDocumentFiles(ctx.deps, scope, invoiceId);
    assert.equal(files[0]!.id, f.id);
    assert.equal(files[0]!.storageKey, f.storageKey);
    assert.equal(files.filter((x) => x.generationStatus === 'Generated').length, 1);
    assert.equal((await bytesOf(ctx, f.storageKey!)).length, f.size);
  });

  test('generateDocumentPdf refuses a document of another tenant, or of another type, as not found', async () => {
    const other = await seedTenant(ctx.deps, 'Other');
    const os = { tenantId: other.tenantId, entityId: other.entityId };
    for (const [s, type] of [
      [os, 'Invoice'],
      [scope, 'CreditMemo'],
    ] as const)
      await assert.rejects(generateDocumentPdf(ctx.deps, s, type, invoiceId), (e: unknown) => {
        assert.equal((e as { kind: string }).kind, 'not_found');
        return true;
      });
    assert.equal((await listDocumentFiles(ctx.deps, os, invoiceId)).length, 0);
  });

  test(
    'a draft gets no PDF at posting time and one stamped DRAFT on request',
    { skip: noPdftotext },
    async () => {
      const a = await seedAccount(ctx.app, token, planId, { runBilling: false, name: 'Drafty' });
      const account = await getAccount(ctx.deps, scope, a.accountId);
      const r = await ctx.deps.db.db.transaction().execute((tx) =>
        billAccounts(ctx.deps, tx, scope, [account], {
          targetDate: '2026-03-15',
          documentDate: '2026-03-15',
          source: 'API',
          sourceId: null,
          billRunId: null,
          createdBy: 'test',
        }),
      );
      const draft = r.invoices[0]!;
      assert.equal(draft.status, 'Draft');
      assert.equal((await listDocumentFiles(ctx.deps, scope, draft.id)).length, 0);
      const f = await generateDocumentPdf(ctx.deps, scope, 'Invoice', draft.id);
      assert.match(pdfText(await bytesOf(ctx, f.storageKey!)), /DRAFT/);
    },
  );

  test('a document the template refuses gets Error with its category; the job completes', async () => {
    const a = await seedAccount(ctx.app, token, planId, { name: 'Broken' });
    await ctx.deps.db.db
      .updateTable('invoices')
      .set({ currency: 'usd' })
      .where('id', '=', a.invoiceId!)
      .execute();
    const s = await ctx.deps.queue.runUntilIdle();
    assert.equal(s.failed, 0);
    assert.equal(s.retried, 0);
    const [f] = await listDocumentFiles(ctx.deps, scope, a.invoiceId!);
    assert.equal(f!.generationStatus, 'Error');
    assert.equal(f!.errorCategory, 'InvalidData');
    assert.match(f!.errorMessage ?? '', /currency/i);
    assert.equal(f!.storageKey, null);
  });

  test('generateDocumentPdfs: one result per document; unknown and refused ones fail alone, the rest are Generated with the same bytes as one by one', async () => {
    const good = await seedAccount(ctx.app, token, planId, { name: 'Batch A' });
    const refused = await seedAccount(ctx.app, token, planId, { name: 'Batch B' });
    await ctx.deps.queue.runUntilIdle();
    await ctx.deps.db.db
      .updateTable('invoices')
      .set({ currency: 'usd' })
      .where('id', '=', refused.invoiceId!)
      .execute();
    const unknown = 'f'.repeat(32);
    const single = await generateDocumentPdf(ctx.deps, scope, 'Invoice', good.invoiceId!);
    const results = await generateDocumentPdfs(ctx.deps, scope, 'Invoice', [
      invoiceId,
      unknown,
      good.invoiceId!,
      refused.invoiceId!,
    ]);
    assert.equal(results.size, 4);
    const fail = (id: string) => {
      const r = results.get(id);
      assert.ok(r !== undefined && !r.ok, id);
      return r.error as Error & { kind?: string };
    };
    assert.equal(fail(unknown).kind, 'not_found');
    assert.match(fail(refused.invoiceId!).message, /currency/i);
    const [refusedFile] = await listDocumentFiles(ctx.deps, scope, refused.invoiceId!);
    assert.equal(refusedFile!.generationStatus, 'Error');
    for (const id of [invoiceId, good.invoiceId!]) {
      const r = results.get(id);
      assert.ok(r?.ok === true, id);
      const files = await listDocumentFiles(ctx.deps, scope, id);
      assert.equal(files[0]!.id, r.file.id);
      assert.equal(files[0]!.generationStatus, 'Generated');
      // The batch made a new version and obsoleted the older Generated ones (C6.1).
      assert.equal(files.filter((f) => f.generationStatus === 'Generated').length, 1);
    }
    const batched = results.get(good.invoiceId!);
    assert.ok(batched?.ok === true);
    assert.ok(
      (await bytesOf(ctx, batched.file.storageKey)).equals(await bytesOf(ctx, single.storageKey!)),
      'the batch renders the same bytes as the single-document path',
    );
    // Another tenant's document is not found in a batch either.
    const other = await seedTenant(ctx.deps, 'Other batch');
    const os = { tenantId: other.tenantId, entityId: other.entityId };
    const foreign = await generateDocumentPdfs(ctx.deps, os, 'Invoice', [invoiceId]);
    assert.equal(foreign.get(invoiceId)?.ok, false);
    assert.equal((await listDocumentFiles(ctx.deps, os, invoiceId)).length, 0);
  });

  test('stored keys never mix tenants: the key starts with the tenant and entity', async () => {
    const [f] = await listDocumentFiles(ctx.deps, scope, invoiceId);
    assert.ok(f!.storageKey!.startsWith(`pdfs/${scope.tenantId}/${scope.entityId}/Invoice/`));
    assert.equal(
      await text(await ctx.deps.files.get(f!.storageKey!)).then((s) => s.slice(0, 5)),
      '%PDF-',
    );
  });
});
