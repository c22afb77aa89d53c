/**
 * DESIGN.md "Long work": a runner SIGKILLed in the middle of a bill run, then a new runner once
 * the lease has expired (its clock moved forward): the run ends `Completed` with exactly one
 * invoice per billable account and gap-free invoice numbers — real child processes, both databases.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { forEachDb, seedTenant, tokenFor } from './harness.ts';
import { createAccounts } from '../src/accounts/accounts.service.ts';
import { createSubscription } from '../src/subscriptions/subscriptions.service.ts';

const CHILD = join(import.meta.dirname, 'billruns-child.ts');
/** Accounts in the run and per chunk: 20 chunk jobs, so the kill lands mid-run. */
const ACCOUNTS = 1000;
const CHUNK = 50;

const runChild = (env: Record<string, string>) => {
  const child = spawn(process.execPath, [CHILD], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal })),
  );
  let done = false;
  void exited.then(() => (done = true));
  return { output: () => out, exited, isDone: () => done, kill: () => child.kill('SIGKILL') };
};

forEachDb(
  'a bill run whose runner was SIGKILLed',
  (ctx) => {
    let childEnv: Record<string, string> = {};
    before(async () => {
      const db = ctx.deps.db.db;
      const schema =
        ctx.deps.db.dialect === 'postgres'
          ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s
          : '';
      childEnv = {
        FOLIO_TEST_CHILD_DB_URL: ctx.deps.config.dbUrl,
        FOLIO_TEST_CHILD_SCHEMA: schema,
        FOLIO_TEST_CHILD_CHUNK_SIZE: String(CHUNK),
      };
    });

    test('ends Completed after a restart, one invoice per account, numbers gap-free', async () => {
      const { deps, app } = ctx;
      const t = await seedTenant(deps, 'Crash');
      const scope = { tenantId: t.tenantId, entityId: t.entityId };
      const token = await tokenFor(app, t);
      const post = async (url: string, payload: object) => {
        const r = await app.inject({
          method: 'POST',
          url,
          headers: { authorization: `Bearer ${token}` },
          payload,
        });
        assert.equal(r.statusCode, 200, r.body);
        return r.json() as Record<string, string>;
      };
      const product = await post('/v1/object/product', {
        Name: 'Gold',
        EffectiveStartDate: '2020-01-01',
        EffectiveEndDate: '2099-12-31',
      });
      const plan = await post('/v1/object/product-rate-plan', {
        Name: 'M',
        ProductId: product.Id!,
      });
      await post('/v1/object/product-rate-plan-charge', {
        Name: 'Fee',
        ProductRatePlanId: plan.Id,
        ChargeType: 'Recurring',
        ChargeModel: 'Flat Fee Pricing',
        BillingPeriod: 'Month',
        BillCycleType: 'DefaultFromCustomer',
        TriggerEvent: 'ContractEffective',
        UseDiscountSpecificAccountingCode: false,
        ProductRatePlanChargeTierData: {
          ProductRatePlanChargeTier: [{ Currency: 'USD', Price: 30 }],
        },
      });
      await deps.db.db.transaction().execute(async (tx) => {
        const accounts = await createAccounts(
          deps,
          tx,
          scope,
          Array.from({ length: ACCOUNTS }, (_, i) => ({
            name: `C${i}`,
            currency: 'USD',
            billCycleDay: 1,
            billToContact: { firstName: 'A', lastName: 'B' },
          })),
        );
        for (const a of accounts)
          await createSubscription(deps, tx, scope, a, {
            contractEffectiveDate: '2026-03-01',
            termType: 'EVERGREEN',
            subscribeToRatePlans: [{ productRatePlanId: plan.Id! }],
          });
      });
      const run = await post('/v1/bill-runs', {
        batches: ['AllBatches'],
        targetDate: '2026-03-31',
      });
      const progress = async () =>
        deps.db.read
          .selectFrom('bill_runs')
          .select(['status', 'accounts_processed'])
          .where('id', '=', run.id!)
          .executeTakeFirstOrThrow();

      const first = runChild(childEnv);
      // Waits for the child's progress (another process), polling the row the run reports on.
      let seen = await progress();
      while (!first.isDone() && seen.accounts_processed < 3 * CHUNK) {
        await delay(5);
        seen = await progress();
      }
      first.kill();
      assert.equal((await first.exited).signal, 'SIGKILL', first.output());
      const atKill = await progress();
      assert.equal(atKill.status, 'Processing', 'the kill landed in the middle of the run');
      assert.ok(atKill.accounts_processed < ACCOUNTS);

      const leaseMs = deps.config.jobLeaseSeconds * 1000;
      const second = runChild({
        ...childEnv,
        FOLIO_TEST_CHILD_CLOCK_OFFSET_MS: String(leaseMs + 60_000),
      });
      assert.equal((await second.exited).code, 0, second.output());

      const after = await app.inject({
        method: 'GET',
        url: `/v1/object/bill-run/${run.id!}?fields=Status,NumberOfAccounts,NumberOfInvoices,ErrorMessage`,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.deepEqual(after.json(), {
        Status: 'Completed',
        NumberOfAccounts: ACCOUNTS,
        NumberOfInvoices: ACCOUNTS,
      });
      const invoices = await deps.db.read
        .selectFrom('invoices')
        .select(['account_id', 'number'])
        .where('tenant_id', '=', t.tenantId)
        .where('bill_run_id', '=', run.id!)
        .execute();
      assert.equal(invoices.length, ACCOUNTS);
      assert.equal(new Set(invoices.map((i) => i.account_id)).size, ACCOUNTS, 'one per account');
      const numbers = invoices
        .map((i) => Number(i.number.replace(/^INV/, '')))
        .sort((a, b) => a - b);
      assert.deepEqual(
        numbers,
        Array.from({ length: ACCOUNTS }, (_, i) => numbers[0]! + i),
        'gap-free',
      );
    });
  },
  // The children run the embedded adapter (a lease moved forward by their clock); the parent
  // must use the same one to see and seed the same jobs.
  { config: { jobRunner: 'embedded' } },
);
