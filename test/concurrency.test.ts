/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are read as untyped JSON and checked by the assertions */
/**
 * Concurrency through the routes (issue 11, docs/reliability.md), on SQLite and PostgreSQL.
 * Already covered elsewhere and not repeated here: one Idempotency-Key executes once
 * (src/platform/http/idempotency.test.ts), number sequences under concurrent transactions
 * (src/platform/db/sequences.test.ts). Here: the Pending cap under concurrent creation with
 * gap-free bill-run numbers, concurrent post and cancel of one run, gap-free invoice numbers
 * under concurrent account creation with billing, and duplicate Idempotency-Key requests on a
 * real billing route.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor } from './harness.ts';
import { NEW_VERSION, accountBody, seedCatalog } from './billing-fixtures.ts';
import { PENDING_LIMIT } from '../src/billruns/billruns.service.ts';
import { toIso } from '../src/platform/clock.ts';

forEachDb('concurrent requests', (ctx) => {
  const call = (token: string, method: string, url: string, payload?: unknown, h = {}) =>
    ctx.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}`, ...NEW_VERSION, ...h },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  test('concurrent bill-run creations stop exactly at the Pending cap; numbers stay gap-free', async () => {
    const { deps, app, clock } = ctx;
    const t = await seedTenant(deps, 'Cap');
    const token = await tokenFor(app, t);
    const now = toIso(clock.now());
    const room = 4;
    // Pending runs up to `room` below the cap (refused once more than PENDING_LIMIT are Pending).
    await deps.db.db.transaction().execute(async (tx) => {
      for (let i = 1; i <= PENDING_LIMIT + 1 - room; i++)
        await tx
          .insertInto('bill_runs')
          .values({
            tenant_id: t.tenantId,
            entity_id: t.entityId,
            status: 'Pending',
            created_by_id: 'u',
            created_at: now,
            updated_by_id: 'u',
            updated_at: now,
            id: `seed${i}`,
            number: `BR-9${String(i).padStart(7, '0')}`,
            origin: 'rest',
          })
          .execute();
    });
    const body = { batches: ['Batch1'], targetDate: '2026-04-01' };
    const results = await Promise.all(
      Array.from({ length: 12 }, () => call(token, 'POST', '/v1/bill-runs', body)),
    );
    const ok = results.filter((r) => r.statusCode === 200);
    const refused = results.filter((r) => r.statusCode !== 200);
    assert.equal(ok.length, room, results.map((r) => r.body).join('\n'));
    for (const r of refused) {
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().reasons[0].code, '56010030', r.body);
    }
    const pending = await deps.db.read
      .selectFrom('bill_runs')
      .select(['number'])
      .where('tenant_id', '=', t.tenantId)
      .where('status', '=', 'Pending')
      .execute();
    assert.equal(pending.length, PENDING_LIMIT + 1);
    const numbers = ok.map((r) => Number(String(r.json().billRunNumber).slice(3))).sort();
    assert.deepEqual(numbers, [1, 2, 3, 4], 'refused creations give their number back');
  });

  test('concurrent post and cancel of one bill run end in one legal state', async () => {
    const { deps, app } = ctx;
    for (let round = 0; round < 3; round++) {
      const t = await seedTenant(deps, `PostCancel${round}`);
      const token = await tokenFor(app, t);
      const cat = await seedCatalog(app, token);
      for (let i = 0; i < 3; i++) {
        const a = await call(token, 'POST', '/v1/accounts', {
          ...accountBody(cat.planId, '2026-03-01'),
          runBilling: false,
        });
        assert.equal(a.statusCode, 200, a.body);
      }
      const run = await call(token, 'POST', '/v1/bill-runs', {
        batches: ['AllBatches'],
        targetDate: '2026-03-31',
      });
      assert.equal(run.statusCode, 200, run.body);
      const id = run.json().id as string;
      await deps.queue.runUntilIdle();
      const got = await call(token, 'GET', `/v1/bill-runs/${id}`);
      assert.equal(got.json().status, 'Completed', got.body);
      const ops = [
        () => call(token, 'PUT', `/v1/bill-runs/${id}/post`, { invoiceDate: '2026-04-01' }),
        () => call(token, 'PUT', `/v1/bill-runs/${id}/cancel`, {}),
      ];
      if (round % 2 === 1) ops.reverse();
      const [a, b] = await Promise.all(ops.map((f) => f()));
      const codes = [a!, b!].map((r) => r.statusCode);
      assert.ok(codes.includes(200), `one of them is accepted: ${a!.body} ${b!.body}`);
      for (const r of [a!, b!])
        if (r.statusCode !== 200) assert.ok([400, 409].includes(r.statusCode), r.body);
      await deps.queue.runUntilIdle();
      const final = (await call(token, 'GET', `/v1/bill-runs/${id}`)).json().status as string;
      assert.ok(['Posted', 'Canceled'].includes(final), final);
      const invoices = await deps.db.read
        .selectFrom('invoices')
        .select('status')
        .where('bill_run_id', '=', id)
        .execute();
      const statuses = [...new Set(invoices.map((i) => i.status))];
      // Posted: every invoice Posted; Canceled: every invoice Canceled or removed.
      if (final === 'Posted') assert.deepEqual(statuses, ['Posted']);
      else
        assert.ok(
          statuses.every((s) => s === 'Canceled'),
          statuses.join(),
        );
      if (codes.every((c) => c === 200))
        assert.fail(`both post and cancel were accepted: ${a!.body} ${b!.body}`);
    }
  });

  test('invoice numbers stay unique and gap-free under concurrent creation', async () => {
    const { deps, app } = ctx;
    const t = await seedTenant(deps, 'Numbers');
    const token = await tokenFor(app, t);
    const cat = await seedCatalog(app, token);
    const res = await Promise.all(
      Array.from({ length: 12 }, () =>
        call(token, 'POST', '/v1/accounts', accountBody(cat.planId, '2026-03-01')),
      ),
    );
    for (const r of res) assert.equal(r.statusCode, 200, r.body);
    const rows = await deps.db.read
      .selectFrom('invoices')
      .select('number')
      .where('tenant_id', '=', t.tenantId)
      .execute();
    const numbers = rows.map((r) => Number(r.number.replace(/^INV/, ''))).sort((x, y) => x - y);
    assert.equal(numbers.length, 12);
    assert.deepEqual(
      numbers,
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  test('duplicate requests with one Idempotency-Key create one bill run', async () => {
    const { deps, app } = ctx;
    const t = await seedTenant(deps, 'Idem');
    const token = await tokenFor(app, t);
    const body = { batches: ['Batch2'], targetDate: '2026-04-01' };
    const res = await Promise.all(
      Array.from({ length: 8 }, () =>
        call(token, 'POST', '/v1/bill-runs', body, { 'idempotency-key': 'same-key' }),
      ),
    );
    const ok = res.filter((r) => r.statusCode === 200);
    for (const r of res) assert.ok([200, 409].includes(r.statusCode), r.body);
    assert.ok(ok.length >= 1);
    assert.equal(
      new Set(ok.map((r) => r.json().id as string)).size,
      1,
      'replays return the original',
    );
    const runs = await deps.db.read
      .selectFrom('bill_runs')
      .select('id')
      .where('tenant_id', '=', t.tenantId)
      .execute();
    assert.equal(runs.length, 1);
  });
});
