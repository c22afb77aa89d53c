/** `folio seed` and the NDJSON import (issue 7 item 5), on SQLite and PostgreSQL. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestContext, forEachDb, seedTenant, tokenFor } from '../../test/harness.ts';
import { runFolio } from '../../test/server.ts';
import { seededIds } from '../platform/ids.ts';
import { isAppError } from '../platform/errors.ts';
import type { Deps } from '../deps.ts';
import type { Scope } from '../platform/scope.ts';
import { importNdjson, seedData } from './seed.ts';

const count = async (deps: Deps, table: 'accounts' | 'subscriptions', s: Scope) =>
  Number(
    (
      await deps.db.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Every seeded account with its subscription's start, in number order. */
const snapshot = async (deps: Deps, s: Scope) =>
  deps.db.db
    .selectFrom('accounts')
    .innerJoin('subscriptions', 'subscriptions.account_id', 'accounts.id')
    .select([
      'accounts.id',
      'accounts.account_number',
      'accounts.name',
      'accounts.currency',
      'accounts.batch',
      'accounts.bill_cycle_day',
      'subscriptions.subscription_number',
      'subscriptions.contract_effective_date',
      'subscriptions.term_type',
    ])
    .where('accounts.tenant_id', '=', s.tenantId)
    .where('accounts.entity_id', '=', s.entityId)
    .orderBy('accounts.account_number')
    .execute();

forEachDb(
  'folio seed',
  (ctx) => {
    let scope: Scope;
    let token: string;
    const get = async (url: string) => {
      const res = await ctx.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<Record<string, unknown>>();
    };

    test('seeds accounts across bill cycle days and batches, each with a subscription', async () => {
      const t = await seedTenant(ctx.deps, 'Seeded');
      scope = { tenantId: t.tenantId, entityId: t.entityId };
      token = await tokenFor(ctx.app, t);
      const seen: number[] = [];
      const s = await seedData(
        ctx.deps,
        scope,
        { accounts: 1200, invoices: false, progress: (done) => seen.push(done) },
        'seed-1',
      );
      assert.deepEqual(seen, [1000, 1200]);
      assert.equal(s.accounts, 1200);
      assert.equal(s.subscriptions, 1200);
      assert.equal(await count(ctx.deps, 'accounts', scope), 1200);
      assert.equal(await count(ctx.deps, 'subscriptions', scope), 1200);
      assert.equal(s.firstAccountNumber, 'A00000001');
      assert.equal(s.lastAccountNumber, 'A00001200');
      const rows = await snapshot(ctx.deps, scope);
      assert.equal(new Set(rows.map((r) => r.batch)).size, 5);
      assert.deepEqual(
        [...new Set(rows.map((r) => r.bill_cycle_day))].sort((a, b) => a! - b!),
        Array.from({ length: 28 }, (_, i) => i + 1),
      );
      assert.ok(rows.some((r) => r.term_type === 'TERMED'));
      assert.ok(rows.some((r) => r.term_type === 'EVERGREEN'));
      assert.ok(rows.some((r) => Number(r.contract_effective_date.slice(8)) !== r.bill_cycle_day));
      assert.ok(rows.every((r) => r.contract_effective_date <= '2026-03-15'));
    });

    test('seeded data reads back through the API', async () => {
      const a = await get('/v1/accounts/A00000002');
      const basic = a.basicInfo as Record<string, unknown>;
      assert.equal(basic.accountNumber, 'A00000002');
      assert.match(String(basic.batch), /^Batch[1-5]$/);
      const [row] = (await snapshot(ctx.deps, scope)).filter(
        (r) => r.account_number === 'A00000002',
      );
      const sub = await get(`/v1/subscriptions/${row!.subscription_number}`);
      assert.equal(sub.accountNumber, 'A00000002');
      assert.equal(sub.contractEffectiveDate, row!.contract_effective_date);
    });

    test('a bill run over the seeded accounts bills every one of them', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/bill-runs',
        headers: { authorization: `Bearer ${token}` },
        payload: { batches: ['AllBatches'], targetDate: '2026-03-15', autoPost: true },
      });
      assert.equal(res.json<{ success: boolean }>().success, true, res.body);
      const id = res.json<{ id: string }>().id;
      await ctx.deps.queue.runUntilIdle();
      const run = await get(
        `/v1/object/bill-run/${id}?fields=Status,NumberOfAccounts,NumberOfInvoices`,
      );
      assert.deepEqual(run, { Status: 'Posted', NumberOfAccounts: 1200, NumberOfInvoices: 1200 });
    });

    test('the same --seed gives the same data on a fresh database', async () => {
      const other = async () => {
        const c = await createTestContext(ctx.target, { overrides: { ids: seededIds('r') } });
        try {
          const t = await seedTenant(c.deps, 'Same');
          const s = { tenantId: t.tenantId, entityId: t.entityId };
          await seedData(c.deps, s, { accounts: 50, invoices: false }, 'same');
          return snapshot(c.deps, s);
        } finally {
          await c.close();
        }
      };
      const first = await other();
      const second = await other();
      assert.equal(first.length, 50);
      assert.deepEqual(second, first);
    });

    test('--invoices bills and posts as it loads; a bill run afterwards bills nothing new', async () => {
      const t = await seedTenant(ctx.deps, 'Invoiced');
      const s = { tenantId: t.tenantId, entityId: t.entityId };
      const summary = await seedData(ctx.deps, s, { accounts: 40, invoices: true }, 'inv');
      assert.equal(summary.invoices, 40);
      const posted = await ctx.deps.db.db
        .selectFrom('invoices')
        .select(['status'])
        .where('tenant_id', '=', s.tenantId)
        .execute();
      assert.equal(posted.length, 40);
      assert.ok(posted.every((r) => r.status === 'Posted'));
      const tk = await tokenFor(ctx.app, t);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/bill-runs',
        headers: { authorization: `Bearer ${tk}` },
        payload: { batches: ['AllBatches'], targetDate: '2026-03-15' },
      });
      assert.equal(res.statusCode, 200, res.body);
      await ctx.deps.queue.runUntilIdle();
      const run = await ctx.app.inject({
        method: 'GET',
        url: `/v1/object/bill-run/${res.json<{ id: string }>().id}?fields=Status,NumberOfInvoices`,
        headers: { authorization: `Bearer ${tk}` },
      });
      assert.deepEqual(run.json(), { Status: 'Completed', NumberOfInvoices: 0 });
    });

    test('NDJSON import: accounts and subscriptions by Zuora request fields', async () => {
      const t = await seedTenant(ctx.deps, 'Imported');
      const s = { tenantId: t.tenantId, entityId: t.entityId };
      const catalog = await seedData(ctx.deps, s, { accounts: 0, invoices: false });
      const plan = catalog.productRatePlanIds[0]!;
      const text = [
        JSON.stringify({
          type: 'account',
          accountNumber: 'IMP-1',
          name: 'Imported One',
          currency: 'USD',
          billCycleDay: 1,
          billToContact: { firstName: 'Ada', lastName: 'Lovelace' },
        }),
        '',
        JSON.stringify({
          type: 'subscription',
          accountKey: 'IMP-1',
          contractEffectiveDate: '2026-03-01',
          termType: 'EVERGREEN',
          subscribeToRatePlans: [{ productRatePlanId: plan }],
        }),
      ].join('\n');
      assert.deepEqual(await importNdjson(ctx.deps, s, text), {
        accounts: 1,
        subscriptions: 1,
        lines: 2,
      });
      assert.equal(await count(ctx.deps, 'subscriptions', s), 1);
    });

    test('NDJSON import: a bad line is reported with its number and nothing is left', async () => {
      const t = await seedTenant(ctx.deps, 'Rejected');
      const s = { tenantId: t.tenantId, entityId: t.entityId };
      const account = (n: number) =>
        JSON.stringify({
          type: 'account',
          accountNumber: `R-${n}`,
          name: `R ${n}`,
          currency: 'USD',
          billToContact: { firstName: 'A', lastName: 'B' },
        });
      const cases: [string, number, RegExp][] = [
        [`${account(1)}\n{"type":"account","name":`, 2, /not valid JSON/],
        [`${account(1)}\n${account(2)}\n{"type":"invoice"}`, 3, /unknown type/],
        [`${account(1)}\n{"type":"account","currency":"USD"}`, 2, /name/],
        // Passes the shape checks; fails in the service after line 1 was written: rolled back.
        [
          `${account(1)}\n{"type":"subscription","accountKey":"NOPE","contractEffectiveDate":"2026-03-01","termType":"EVERGREEN","subscribeToRatePlans":[{"productRatePlanId":"x"}]}`,
          2,
          /Unknown account NOPE/,
        ],
        [`${account(1)}\n${account(1)}`, 2, /already in use/],
      ];
      for (const [text, line, why] of cases) {
        await assert.rejects(importNdjson(ctx.deps, s, text), (e: unknown) => {
          assert.ok(isAppError(e));
          assert.match(e.message, new RegExp(`^Line ${line}: `));
          assert.match(e.message, why);
          return true;
        });
        assert.equal(await count(ctx.deps, 'accounts', s), 0);
      }
    });
  },
  { overrides: {} },
);

test('folio seed over the CLI: flags, JSON summary, import errors exit 1 with the line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'folio-seed-'));
  const env = { FOLIO_DB_URL: `sqlite:${join(dir, 'f.db')}`, FOLIO_LOG_LEVEL: 'warn' };
  const r = await runFolio(['seed', '--accounts', '3', '--seed', 'cli', '--json'], env);
  assert.equal(r.code, 0, r.output);
  const summary = JSON.parse(r.output.split('\n').find((l) => l.startsWith('{'))!) as {
    accounts: number;
    subscriptions: number;
    tenantId: string;
  };
  assert.equal(summary.accounts, 3);
  assert.equal(summary.subscriptions, 3);
  assert.equal(summary.tenantId, '00000000000000000000000000000001');
  assert.match(r.output, /3\/3 accounts/);
  const file = join(dir, 'bad.ndjson');
  writeFileSync(file, '{"type":"account"}\n');
  const bad = await runFolio(['seed', '--import', file], env);
  assert.equal(bad.code, 1);
  assert.match(bad.output, /Line 1: /);
  const unknown = await runFolio(['seed', '--acounts', '3'], env);
  assert.equal(unknown.code, 2);
  assert.match(unknown.output, /unknown option --acounts/);
});
