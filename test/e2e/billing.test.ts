/**
 * Issue 7's acceptance scenario, as a new user would run it, over real HTTP against a real
 * `folio serve` process (SQLite file, and PostgreSQL in its own schema when configured): token;
 * product, rate plan, monthly flat fee of 30.00 USD; an account with BCD 1 and a subscription from
 * March 15 billed to March 15 → one Posted invoice with one item of 16.45 for March 15–31
 * (C3.4.3: 30 × 17/31), chargedThroughDate April 1, and `…/files` answers.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dbTargets } from '../harness.ts';
import { startServer, type RunningServer } from '../server.ts';

// The suite reads the PostgreSQL URL the way test/harness.ts does.
const PG_URL = process.env.FOLIO_TEST_PG_URL;

type Body = Record<string, unknown>;

for (const target of dbTargets())
  describe(`acceptance over HTTP [${target.name}]`, () => {
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
      server = await startServer(env);
    });
    after(async () => {
      await server.stop();
      if (schema !== undefined) {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        // The server really wrote into the test's own schema.
        const rows = await c.query(`SELECT count(*)::int AS n FROM ${schema}.invoices`);
        assert.equal((rows.rows[0] as { n: number }).n, 1);
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    });

    const api = async (method: string, path: string, body?: unknown): Promise<Body> => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as Body;
      assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(json)}`);
      assert.match(res.headers.get('zuora-request-id') ?? '', /^[0-9a-f-]{36}$/);
      return json;
    };

    test('token → catalog → account with runBilling → Posted invoice of 16.45', async () => {
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

      const product = await api('POST', '/v1/object/product', {
        Name: 'Gold',
        EffectiveStartDate: '2026-01-01',
        EffectiveEndDate: '2036-01-01',
      });
      assert.equal(product.Success, true);
      const plan = await api('POST', '/v1/object/product-rate-plan', {
        Name: 'Gold Monthly',
        ProductId: product.Id,
      });
      const charge = await api('POST', '/v1/object/product-rate-plan-charge', {
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
      assert.equal(charge.Success, true);

      const account = await api('POST', '/v1/accounts', {
        name: 'Acme Corp',
        currency: 'USD',
        billCycleDay: 1,
        billToContact: { firstName: 'Ada', lastName: 'Lovelace', workEmail: 'ada@example.com' },
        subscription: {
          contractEffectiveDate: '2026-03-15',
          termType: 'EVERGREEN',
          subscribeToRatePlans: [{ productRatePlanId: plan.Id }],
        },
        runBilling: true,
        targetDate: '2026-03-15',
      });
      assert.equal(account.success, true);
      assert.equal(typeof account.invoiceId, 'string');

      const docs = await api(
        'GET',
        `/v1/billing-documents?accountNumber=${String(account.accountNumber)}`,
      );
      const list = docs.documents as Body[];
      assert.equal(list.length, 1, 'exactly one document');
      assert.equal(list[0]!.documentType, 'Invoice');
      assert.equal(list[0]!.status, 'Posted');
      assert.equal(list[0]!.amount, 16.45);

      const invoice = await api('GET', `/v1/invoices/${String(account.invoiceId)}`);
      assert.equal(invoice.status, 'Posted');
      assert.equal(invoice.amount, 16.45);
      assert.equal(invoice.accountId, account.accountId);

      const sub = await api('GET', `/v1/subscriptions/${String(account.subscriptionNumber)}`);
      const charges = (sub.ratePlans as { ratePlanCharges: Body[] }[])[0]!.ratePlanCharges;
      assert.equal(charges.length, 1);
      assert.equal(charges[0]!.chargedThroughDate, '2026-04-01');
      assert.equal(charges[0]!.processedThroughDate, '2026-04-01');

      const files = await api('GET', `/v1/invoices/${String(account.invoiceId)}/files`);
      assert.equal(files.success, true);
      assert.ok(Array.isArray(files.invoiceFiles));
    });
  });
