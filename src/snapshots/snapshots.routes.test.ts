/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- response bodies are read as untyped JSON */
/**
 * Snapshots and reset (issue 12, part 4) through HTTP, as an integrating team uses them: build
 * state (accounts, invoices with generated PDFs, a bulk PDF ZIP, a bill run), save, change it,
 * restore, and compare every table's row count and every file's hash with what was saved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { forEachDb, seedTenant, tokenFor, type SeededTenant } from '../../test/harness.ts';
import { call, createAccountOverHttp, seedCatalog } from '../../test/billing-fixtures.ts';
import type { Deps } from '../deps.ts';
import { planSnapshot } from './snapshots.service.ts';

const ADMIN = { authorization: 'Bearer demo-admin' };

/** Rows per tenant-scoped table, counted here with plain SQL. */
const countRows = async (deps: Deps, tenantId: string): Promise<Record<string, number>> => {
  const plan = await planSnapshot(deps, deps.db.db);
  const out: Record<string, number> = {};
  for (const t of plan.tables) {
    const filter =
      t.scope.kind === 'tenant'
        ? sql`tenant_id = ${tenantId}`
        : t.scope.kind === 'jobs'
          ? sql`payload like ${`%"tenantId":"${tenantId}"%`}`
          : sql`${sql.id(t.scope.column)} in (select id from ${sql.id(t.scope.parent)} where tenant_id = ${tenantId})`;
    const r = await sql<{
      n: number | string;
    }>`select count(*) as n from ${sql.id(t.name)} where ${filter}`.execute(deps.db.db);
    out[t.name] = Number(r.rows[0]?.n);
  }
  return out;
};

/** sha256 of every file the tenant's rows name. */
const fileHashes = async (deps: Deps, tenantId: string): Promise<Record<string, string>> => {
  const keys = await sql<{ k: string }>`
    select storage_key as k from document_files where tenant_id = ${tenantId} and storage_key is not null
    union select p.storage_key as k from bulk_pdf_parts p join bulk_pdf_jobs j on j.id = p.job_id
    where j.tenant_id = ${tenantId}`.execute(deps.db.db);
  const out: Record<string, string> = {};
  for (const { k } of keys.rows) {
    const h = createHash('sha256');
    for await (const chunk of await deps.files.get(k)) h.update(chunk as Buffer);
    out[k] = h.digest('hex');
  }
  return out;
};

forEachDb(
  'snapshots: save, restore, reset, delete',
  (ctx) => {
    let a: SeededTenant;
    let b: SeededTenant;
    let token: string;
    let planId: string;
    let savedCounts: Record<string, number>;
    let savedFiles: Record<string, string>;
    let bCounts: Record<string, number>;
    const admin = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      ctx.app.inject({
        method,
        url: `/folio/v1/tenants/${a.tenantId}${url}`,
        headers: ADMIN,
        ...(payload === undefined ? {} : { payload }),
      });

    test('setup: accounts with posted invoices and their PDFs, a bulk PDF ZIP; another tenant', async () => {
      a = await seedTenant(ctx.deps, 'Snap A');
      b = await seedTenant(ctx.deps, 'Snap B');
      token = await tokenFor(ctx.app, a);
      ({ planId } = await seedCatalog(ctx.app, token));
      const invoices: string[] = [];
      for (let i = 0; i < 3; i++)
        invoices.push((await createAccountOverHttp(ctx.app, token, planId)).invoiceId);
      const tokenB = await tokenFor(ctx.app, b);
      const planB = (await seedCatalog(ctx.app, tokenB)).planId;
      await createAccountOverHttp(ctx.app, tokenB, planB);
      await ctx.deps.queue.runUntilIdle();
      const job = await call(ctx.app, token, 'POST', '/v1/operations/bulk-pdf', {
        documents: [{ docType: 'Invoice', objectIds: invoices }],
        fileName: 'snap',
        indexFileFormat: 'JSON',
      });
      assert.equal(job.statusCode, 200, job.body);
      await ctx.deps.queue.runUntilIdle();
      const done = await call(ctx.app, token, 'GET', `/v1/operations/bulk-pdf/${job.json().jobId}`);
      assert.equal(done.json().status, 'Completed', done.body);
      savedCounts = await countRows(ctx.deps, a.tenantId);
      savedFiles = await fileHashes(ctx.deps, a.tenantId);
      bCounts = await countRows(ctx.deps, b.tenantId);
      assert.equal(savedCounts.invoices, 3);
      assert.equal(savedCounts.bulk_pdf_parts, 1);
      assert.equal(Object.keys(savedFiles).length, 4, '3 PDFs and 1 ZIP');
    });

    test('every table of the database is classified for snapshots', async () => {
      const plan = await planSnapshot(ctx.deps, ctx.deps.db.db);
      assert.deepEqual(plan.unclassified, []);
      assert.ok(
        plan.tables.findIndex((t) => t.name === 'accounts') <
          plan.tables.findIndex((t) => t.name === 'invoices'),
      );
    });

    test('POST …/snapshots saves every row and file (201)', async () => {
      const res = await admin('POST', '/snapshots', { name: 'before' });
      assert.equal(res.statusCode, 201, res.body);
      const s = res.json();
      assert.equal(s.name, 'before');
      assert.equal(s.fileCount, 4);
      assert.deepEqual(
        Object.fromEntries(Object.entries(s.tables as Record<string, number>)),
        savedCounts,
      );
      assert.equal(
        s.rowCount,
        Object.values(savedCounts).reduce((m, n) => m + n, 0),
      );
      const list = await admin('GET', '/snapshots');
      assert.deepEqual(
        list.json().snapshots.map((x: { name: string }) => x.name),
        ['before'],
      );
      assert.equal((await admin('POST', '/snapshots', { name: 'before' })).statusCode, 400);
      assert.equal((await admin('POST', '/snapshots', { name: '../x' })).statusCode, 400);
    });

    test('restore brings back exactly the saved rows and files; numbering continues from there', async () => {
      const after1 = await createAccountOverHttp(ctx.app, token, planId);
      await createAccountOverHttp(ctx.app, token, planId);
      const run = await call(ctx.app, token, 'POST', '/v1/bill-runs', {
        batches: ['AllBatches'],
        targetDate: '2026-04-30',
      });
      assert.equal(run.statusCode, 200, run.body);
      await ctx.deps.queue.runUntilIdle();
      const changed = await countRows(ctx.deps, a.tenantId);
      assert.notDeepEqual(changed, savedCounts);
      const newFiles = Object.keys(await fileHashes(ctx.deps, a.tenantId)).filter(
        (k) => !(k in savedFiles),
      );
      assert.ok(newFiles.length > 0, 'the new invoices got PDFs');

      const res = await admin('POST', '/snapshots/before/restore');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().restoredFiles, 4);
      assert.equal(res.json().removedFiles, newFiles.length);
      assert.deepEqual(await countRows(ctx.deps, a.tenantId), savedCounts);
      assert.deepEqual(await fileHashes(ctx.deps, a.tenantId), savedFiles);
      for (const k of newFiles) assert.equal(await ctx.deps.files.head(k), undefined, k);
      assert.deepEqual(
        await countRows(ctx.deps, b.tenantId),
        bCounts,
        'the other tenant is untouched',
      );

      const again = await createAccountOverHttp(ctx.app, token, planId);
      assert.equal(again.accountNumber, after1.accountNumber, 'numbers continue from the snapshot');
      const inv = await call(ctx.app, token, 'GET', `/v1/invoices/${again.invoiceId}`);
      assert.equal(inv.statusCode, 200, 'the token of before the restore still works');
    });

    test('reset empties the tenant but keeps it, its clients and its snapshots', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/folio/v1/tenants/${a.tenantId}/reset`,
        headers: ADMIN,
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().name, null);
      const counts = await countRows(ctx.deps, a.tenantId);
      assert.deepEqual(
        Object.values(counts).filter((n) => n !== 0),
        [],
      );
      const fresh = await tokenFor(ctx.app, a);
      const { planId: p2 } = await seedCatalog(ctx.app, fresh);
      const first = await createAccountOverHttp(ctx.app, fresh, p2);
      assert.equal(first.accountNumber, 'A00000001', 'numbering starts again');
      const back = await admin('POST', '/snapshots/before/restore');
      assert.equal(back.statusCode, 200, back.body);
      assert.deepEqual(await countRows(ctx.deps, a.tenantId), savedCounts);
      assert.deepEqual(await fileHashes(ctx.deps, a.tenantId), savedFiles);
      assert.deepEqual(await countRows(ctx.deps, b.tenantId), bCounts);
    });

    test('a running job of the tenant makes save, restore and reset refuse with 409', async () => {
      await ctx.deps.db.db.transaction().execute(async (tx) => {
        const added = await ctx.deps.queue.add(tx, 'billruns.plan', {
          tenantId: a.tenantId,
          entityId: a.entityId,
          billRunId: '0'.repeat(32),
        });
        await sql`update jobs set locked_at = ${new Date().toISOString()}, locked_by = 'elsewhere' where id = ${added.id}`.execute(
          tx,
        );
      });
      for (const [method, url, payload] of [
        ['POST', '/snapshots', { name: 'busy' }],
        ['POST', '/snapshots/before/restore', undefined],
        ['POST', '/reset', undefined],
      ] as const) {
        const res = await admin(method, url, payload);
        assert.equal(res.statusCode, 409, `${url}: ${res.body}`);
        assert.match(res.json().reasons[0].message, /running \(1 billruns\.plan\)/);
      }
      assert.deepEqual(await countRows(ctx.deps, a.tenantId), {
        ...savedCounts,
        jobs: savedCounts.jobs! + 1,
      });
      await sql`delete from jobs where locked_by = 'elsewhere'`.execute(ctx.deps.db.db);
    });

    test('DELETE removes the snapshot, its copy tables and its files', async () => {
      const s = (await admin('GET', '/snapshots/before')).json();
      const copies = (await planSnapshot(ctx.deps, ctx.deps.db.db)).all;
      const prefix = `snap_${(s.id as string).slice(0, 16)}_`;
      assert.ok([...copies.keys()].some((n) => n.startsWith(prefix)));
      const listed: string[] = [];
      for await (const f of ctx.deps.files.list(`snapshots/${s.id as string}/`)) listed.push(f.key);
      assert.equal(listed.length, 4);
      assert.equal((await admin('DELETE', '/snapshots/before')).statusCode, 204);
      assert.equal((await admin('GET', '/snapshots/before')).statusCode, 404);
      assert.equal((await admin('POST', '/snapshots/before/restore')).statusCode, 404);
      const left = (await planSnapshot(ctx.deps, ctx.deps.db.db)).all;
      assert.ok(![...left.keys()].some((n) => n.startsWith(prefix)));
      for await (const f of ctx.deps.files.list(`snapshots/${s.id as string}/`))
        assert.fail(`left behind: ${f.key}`);
      assert.deepEqual(await fileHashes(ctx.deps, a.tenantId), savedFiles, 'live files stay');
    });

    test("a deleted tenant's copy tables are dropped by the next save", async () => {
      const c = await seedTenant(ctx.deps, 'Gone');
      const saved = await ctx.app.inject({
        method: 'POST',
        url: `/folio/v1/tenants/${c.tenantId}/snapshots`,
        headers: ADMIN,
        payload: { name: 'c' },
      });
      assert.equal(saved.statusCode, 201, saved.body);
      const prefix = `snap_${(saved.json().id as string).slice(0, 16)}_`;
      const del = await ctx.app.inject({
        method: 'DELETE',
        url: `/folio/v1/tenants/${c.tenantId}`,
        headers: ADMIN,
      });
      assert.equal(del.statusCode, 204);
      const has = async () =>
        [...(await planSnapshot(ctx.deps, ctx.deps.db.db)).all.keys()].some((n) =>
          n.startsWith(prefix),
        );
      assert.equal(await has(), true);
      assert.equal((await admin('POST', '/snapshots', { name: 'gc' })).statusCode, 201);
      assert.equal(await has(), false);
      assert.equal((await admin('DELETE', '/snapshots/gc')).statusCode, 204);
    });

    test('every snapshot route refuses a tenant OAuth token (401)', async () => {
      for (const [method, url] of [
        ['POST', '/snapshots'],
        ['GET', '/snapshots'],
        ['GET', '/snapshots/x'],
        ['POST', '/snapshots/x/restore'],
        ['DELETE', '/snapshots/x'],
        ['POST', '/reset'],
      ] as const) {
        const res = await ctx.app.inject({
          method,
          url: `/folio/v1/tenants/${a.tenantId}${url}`,
          headers: { authorization: `Bearer ${token}` },
          ...(url === '/snapshots' && method === 'POST' ? { payload: { name: 'x' } } : {}),
        });
        assert.equal(res.statusCode, 401, `${method} ${url}`);
      }
      assert.equal((await admin('GET', '/snapshots')).json().snapshots.length, 0);
    });
  },
  // Snapshots find the tenant's queued and running jobs in the embedded runner's `jobs` table;
  // under graphile-worker they do not see them yet (noted in README "Emulator controls").
  { config: { jobRunner: 'embedded' } },
);
