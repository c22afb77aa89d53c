/**
 * Issue 12 part 6's acceptance: two fresh `folio serve` processes with the same seed (FOLIO_SEED),
 * given the same calls over real HTTP, answer the same bodies — ids, numbers, dates, URLs — and
 * serve byte-identical PDFs and ZIPs. Only request ids, and access tokens (secrets stay random),
 * differ (and a frozen clock's distance from real time). Each server has its own SQLite file, or its own PostgreSQL schema when configured.
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

/** One recorded exchange: what the server answered, with its own base URL replaced. */
interface Exchange {
  call: string;
  status: number;
  body: unknown;
}

/** Replays one fixed scenario against a server; returns every answer and the downloaded bytes. */
const scenario = async (server: RunningServer): Promise<{ log: Exchange[]; files: Buffer[] }> => {
  const log: Exchange[] = [];
  const files: Buffer[] = [];
  let token = '';
  const send = async (method: string, path: string, auth: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${auth}`,
        'zuora-version': '2024-05-20',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = (await res.text()).split(server.url).join('{FOLIO}');
    const json = JSON.parse(text) as Body;
    log.push({ call: `${method} ${path}`, status: res.status, body: json });
    return json;
  };
  const admin = (m: string, p: string, b?: unknown) => send(m, p, 'demo-admin', b);
  const api = (m: string, p: string, b?: unknown) => send(m, p, token, b);
  const download = async (url: string, auth: boolean) => {
    const res = await fetch(url.replace('{FOLIO}', server.url), {
      headers: auth ? { authorization: `Bearer ${token}` } : {},
    });
    assert.equal(res.status, 200, url);
    files.push(Buffer.from(await res.arrayBuffer()));
  };

  const tenant = `/folio/v1/tenants/${DEMO_TENANT_ID}`;
  await admin('PUT', `${tenant}/clock`, { mode: 'frozen', at: '2027-03-01T08:00:00Z' });
  // A frozen clock's offsetMs is its distance from real time: the one answer that follows it.
  delete (log[0]!.body as Body).offsetMs;
  await admin('PUT', `${tenant}/lifecycle`, { mode: 'immediately' });
  const t = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'demo-client',
      client_secret: 'demo-secret',
    }),
  });
  const tokenBody = (await t.json()) as Body;
  token = String(tokenBody.access_token);
  log.push({ call: 'token', status: t.status, body: { ...tokenBody, access_token: '(secret)' } });

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
    ProductRatePlanChargeTierData: { ProductRatePlanChargeTier: [{ Currency: 'USD', Price: 30 }] },
  });
  const accountIds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const account = await api('POST', '/v1/accounts', {
      name: `Customer ${i}`,
      currency: 'USD',
      billCycleDay: 1,
      billToContact: { firstName: 'Ada', lastName: `Lovelace ${i}` },
      subscription: {
        contractEffectiveDate: '2027-03-01',
        termType: 'EVERGREEN',
        subscribeToRatePlans: [{ productRatePlanId: plan.Id }],
      },
      runBilling: false,
    });
    accountIds.push(String(account.accountId));
  }
  const run = await api('POST', '/v1/bill-runs', {
    batches: ['AllBatches'],
    targetDate: '2027-04-01',
  });
  await api('PUT', `/v1/bill-runs/${String(run.id)}/post`, { invoiceDate: '2027-03-01' });
  await api('GET', `/v1/bill-runs/${String(run.id)}`);
  await api('GET', `/v1/object/bill-run/${String(run.id)}?fields=Id,Status,NumberOfInvoices`);
  const invoiceIds: string[] = [];
  for (const id of accountIds) {
    const docs = await api('GET', `/v1/billing-documents?accountId=${id}`);
    invoiceIds.push(...(docs.documents as Body[]).map((d) => String(d.id)));
  }
  for (const id of invoiceIds) {
    const f = await api('GET', `/v1/invoices/${id}/files`);
    const first = (f.invoiceFiles as Body[])[0]!;
    await download(`{FOLIO}${String(first.pdfFileUrl)}`, true);
  }
  const bulk = await api('POST', '/v1/operations/bulk-pdf', {
    documents: [{ docType: 'Invoice', objectIds: invoiceIds }],
    fileName: 'march',
    indexFileFormat: 'CSV',
  });
  const job = await api('GET', `/v1/operations/bulk-pdf/${String(bulk.jobId)}`);
  for (const url of job.fileUrls as string[]) await download(url, false);
  // An error body carries a processId, drawn from the seeded sequence too.
  await api('GET', `/v1/bill-runs/${'f'.repeat(32)}`);
  return { log, files };
};

for (const target of dbTargets())
  describe(`deterministic mode: same seed, same calls, same answers [${target.name}]`, () => {
    const servers: RunningServer[] = [];
    const schemas: string[] = [];

    const envFor = async (): Promise<Record<string, string>> => {
      const env: Record<string, string> = {
        FOLIO_SEED: 'emulator-test',
        // The URL signatures use it; with a generated secret they would differ.
        FOLIO_SIGNING_SECRET: 'emulator-test-signing-secret',
        // No background runner: the scenario's jobs are all settled by its calls (immediately).
        FOLIO_WORKER: 'off',
      };
      if (target.name === 'postgres') {
        const schema = `e2e_${randomBytes(6).toString('hex')}`;
        schemas.push(schema);
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`CREATE SCHEMA ${schema}`);
        await c.end();
        const url = new URL(PG_URL!);
        url.searchParams.set('options', `-c search_path=${schema}`);
        env.FOLIO_DB_URL = url.toString();
      }
      return env;
    };

    before(async () => {
      for (let i = 0; i < 2; i++) servers.push(await startServer(await envFor()));
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      if (schemas.length === 0) return;
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await c.end();
    });

    test('two fresh servers answer identically and serve identical PDF and ZIP bytes', async () => {
      const a = await scenario(servers[0]!);
      const b = await scenario(servers[1]!);
      assert.ok(a.log.length > 20);
      assert.ok(a.log.every((e) => e.status === (e.call.includes('f'.repeat(32)) ? 404 : 200)));
      assert.deepEqual(b.log, a.log);
      assert.equal(a.files.length, 4, 'three invoice PDFs and one ZIP');
      assert.ok(a.files.slice(0, 3).every((f) => f.subarray(0, 5).toString() === '%PDF-'));
      assert.deepEqual(b.files, a.files);
    });
  });
