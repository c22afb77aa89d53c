/**
 * Issue 12 part 1's acceptance, through HTTP only against a real `folio serve` (SQLite file, and
 * PostgreSQL in its own schema when configured): with the demo tenant's clock frozen and its
 * lifecycle `immediately`, twelve months of subscriptions are billed by advancing the clock a
 * month at a time and creating a bill run for the tenant's new "today" — no sleeping, no runner.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dbTargets } from '../harness.ts';
import { startServer, type RunningServer } from '../server.ts';
import { DEMO_TENANT_ID } from '../../src/tenants/tenants.service.ts';

const PG_URL = process.env.FOLIO_TEST_PG_URL;
type Body = Record<string, unknown>;
const ACCOUNTS = 4;

for (const target of dbTargets())
  describe(`twelve months of billing by advancing the test clock [${target.name}]`, () => {
    let server: RunningServer;
    let schema: string | undefined;
    let token = '';

    before(async () => {
      const env: Record<string, string> = {};
      if (target.name === 'postgres') {
        schema = `e2e_${randomBytes(6).toString('hex')}`;
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`CREATE SCHEMA ${schema}`);
        await c.end();
        const url = new URL(PG_URL!);
        url.searchParams.set('options', `-c search_path=${schema}`);
        env.FOLIO_DB_URL = url.toString();
      }
      // No background runner: every job must be settled by the calls themselves.
      server = await startServer({ ...env, FOLIO_WORKER: 'off' });
    });
    after(async () => {
      await server.stop();
      if (schema !== undefined) {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    });

    const request = async (
      method: string,
      path: string,
      auth: string,
      body?: unknown,
    ): Promise<Body> => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${auth}`,
          'zuora-version': '2024-05-20',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as Body;
      assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(json)}`);
      return json;
    };
    const admin = (method: string, path: string, body?: unknown) =>
      request(method, path, 'demo-admin', body);
    const api = (method: string, path: string, body?: unknown) =>
      request(method, path, token, body);
    // Tokens expire by the tenant's clock, so a new month needs a new token, as it would for real.
    const newToken = async (): Promise<void> => {
      const t = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'demo-client',
          client_secret: 'demo-secret',
        }),
      });
      assert.equal(t.status, 200);
      token = ((await t.json()) as { access_token: string }).access_token;
    };

    test('frozen clock + immediately: a bill run per month for twelve months', async () => {
      const tenant = `/folio/v1/tenants/${DEMO_TENANT_ID}`;
      const frozen = await admin('PUT', `${tenant}/clock`, {
        mode: 'frozen',
        at: '2027-01-01T09:00:00Z',
      });
      assert.equal(frozen.now, '2027-01-01T09:00:00.000Z');
      await admin('PUT', `${tenant}/lifecycle`, { mode: 'immediately' });
      await newToken();

      const product = await api('POST', '/v1/object/product', {
        Name: 'Gold',
        EffectiveStartDate: '2026-01-01',
        EffectiveEndDate: '2036-01-01',
      });
      const plan = await api('POST', '/v1/object/product-rate-plan', {
        Name: 'Gold Monthly',
        ProductId: product.Id,
      });
      await api('POST', '/v1/object/product-rate-plan-charge', {
        Name: 'Monthly fee',
        ProductRatePlanId: plan.Id,
        ChargeType: 'Recurring',
        ChargeModel: 'Flat Fee Pricing',
        BillingPeriod: 'Month',
        BillCycleType: 'DefaultFromCustomer',
        TriggerEvent: 'ContractEffective',
        UseDiscountSpecificAccountingCode: false,
        ProductRatePlanChargeTierData: {
          ProductRatePlanChargeTier: [{ Currency: 'USD', Price: 30.0 }],
        },
      });
      const accounts: Body[] = [];
      for (let i = 0; i < ACCOUNTS; i++)
        accounts.push(
          await api('POST', '/v1/accounts', {
            name: `Customer ${i}`,
            currency: 'USD',
            billCycleDay: 1,
            billToContact: { firstName: 'Ada', lastName: 'Lovelace' },
            // No dates given: the subscription starts and is billed on the tenant's today.
            subscription: {
              contractEffectiveDate: '2027-01-01',
              termType: 'EVERGREEN',
              subscribeToRatePlans: [{ productRatePlanId: plan.Id }],
            },
            runBilling: true,
          }),
        );

      const months: string[] = [];
      for (let m = 1; m <= 12; m++) {
        const clock = await admin('POST', `${tenant}/clock/advance`, { by: 'P1M' });
        const today = String(clock.now).slice(0, 10);
        months.push(today);
        await newToken();
        const run = await api('POST', '/v1/bill-runs', {
          batches: ['AllBatches'],
          targetDate: today,
        });
        assert.equal(run.status, 'Completed', `month ${m}: the run finished within the call`);
        // C3.2.1: invoiceDate defaults to the tenant's today.
        assert.equal(run.invoiceDate, today);
        const crud = await api('GET', `/v1/object/bill-run/${String(run.id)}`);
        assert.equal(crud.NumberOfInvoices, ACCOUNTS, `month ${m}: one invoice per account`);
        assert.equal(crud.ExecutedDate, `${today}T09:00:00.000+00:00`);
      }
      assert.deepEqual(months, [
        '2027-02-01',
        '2027-03-01',
        '2027-04-01',
        '2027-05-01',
        '2027-06-01',
        '2027-07-01',
        '2027-08-01',
        '2027-09-01',
        '2027-10-01',
        '2027-11-01',
        '2027-12-01',
        '2028-01-01',
      ]);
      for (const a of accounts) {
        const sub = await api('GET', `/v1/subscriptions/${String(a.subscriptionNumber)}`);
        const charges = (sub.ratePlans as { ratePlanCharges: Body[] }[])[0]!.ratePlanCharges;
        assert.equal(charges[0]!.chargedThroughDate, '2028-02-01', 'thirteen months billed');
        const docs = await api(
          'GET',
          `/v1/billing-documents?accountId=${String(a.accountId)}&pageSize=40`,
        );
        const list = docs.documents as Body[];
        assert.equal(list.length, 13, 'the first invoice plus one per month');
        assert.deepEqual(
          [...new Set(list.map((d) => d.amount))],
          [30],
          'every month a full month of 30.00',
        );
      }
    });
  });
