/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-explicit-any -- response bodies are read as untyped JSON and checked by the assertions */
/**
 * End to end: a real `folio serve` (SQLite, embedded runner) bills two accounts over HTTP, runs a
 * bulk PDF job that generates the missing PDFs, and the signed URL downloads with plain fetch.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { createServer } from 'node:net';
import { startServer, type RunningServer } from '../server.ts';
import { hasUnzip, NO_UNZIP, readZipBuffer, unzipTest } from '../zip-read.ts';

let server: RunningServer;
let token = '';
before(async () => {
  // A fixed port: with FOLIO_PORT=0 the default public URL would say port 0, and the signed
  // URLs handed to clients are absolute.
  const port = await new Promise<number>((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  server = await startServer({
    FOLIO_PORT: String(port),
    FOLIO_JOB_POLL_INTERVAL_MS: '50',
    FOLIO_PDF_WORKERS: '1',
  });
  const res = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'demo-client',
      client_secret: 'demo-secret',
    }),
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});
after(async () => {
  await server.stop();
});

const call = async (method: string, path: string, body?: unknown): Promise<any> => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'zuora-version': '2024-05-20',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
};

test('bulk PDF over real HTTP: unknown id invalid, job completes, the ZIP downloads without auth', async () => {
  const p = await call('POST', '/v1/object/product', {
    Name: 'Gold',
    EffectiveStartDate: '2020-01-01',
    EffectiveEndDate: '2099-12-31',
  });
  const rp = await call('POST', '/v1/object/product-rate-plan', {
    Name: 'Monthly',
    ProductId: p.Id,
  });
  await call('POST', '/v1/object/product-rate-plan-charge', {
    Name: 'Fee',
    ProductRatePlanId: rp.Id,
    ChargeType: 'Recurring',
    ChargeModel: 'Flat Fee Pricing',
    BillingPeriod: 'Month',
    BillCycleType: 'DefaultFromCustomer',
    TriggerEvent: 'ContractEffective',
    UseDiscountSpecificAccountingCode: false,
    ProductRatePlanChargeTierData: { ProductRatePlanChargeTier: [{ Currency: 'USD', Price: 30 }] },
  });
  const invoices: { id: string; number: string; accountNumber: string; date: string }[] = [];
  for (const name of ['Acme', 'Globex']) {
    const a = await call('POST', '/v1/accounts', {
      name,
      currency: 'USD',
      billCycleDay: 1,
      billToContact: { firstName: 'Ada', lastName: 'Lovelace' },
      subscription: {
        contractEffectiveDate: '2026-03-15',
        termType: 'EVERGREEN',
        subscribeToRatePlans: [{ productRatePlanId: rp.Id }],
      },
      runBilling: true,
      targetDate: '2026-03-15',
    });
    const inv = await call('GET', `/v1/invoices/${a.invoiceId}`);
    invoices.push({
      id: inv.id,
      number: inv.invoiceNumber,
      accountNumber: a.accountNumber,
      date: inv.invoiceDate,
    });
  }
  const unknown = 'e'.repeat(32);
  const created = await call('POST', '/v1/operations/bulk-pdf', {
    documents: [{ docType: 'Invoice', objectIds: [invoices[1]!.id, unknown, invoices[0]!.id] }],
    fileName: 'e2e',
    indexFileFormat: 'CSV',
    generateMissingPDF: true,
  });
  assert.deepEqual(created.invalidIds, [unknown]);
  let job: any;
  for (let i = 0; i < 400; i++) {
    job = await call('GET', `/v1/operations/bulk-pdf/${created.jobId}`);
    if (job.status === 'Completed' || job.status === 'Error') break;
    await delay(50);
  }
  assert.equal(job.status, 'Completed', JSON.stringify(job));
  assert.equal(job.fileUrls.length, 1);
  assert.ok(
    job.fileUrls[0].startsWith(
      `${server.url}/files/bulk-pdf-generation/${created.jobId}/e2e_1.zip?X-Amz-Algorithm=`,
    ),
  );
  const res = await fetch(job.fileUrls[0]);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/zip');
  const zip = Buffer.from(await res.arrayBuffer());
  if (hasUnzip()) assert.ok(unzipTest(zip).ok, unzipTest(zip).output);
  else process.stdout.write(`# unzip -t skipped: ${NO_UNZIP}\n`);
  const entries = await readZipBuffer(zip);
  const names = [invoices[1]!, invoices[0]!].map(
    (i) =>
      `${i.number}_${i.accountNumber}_${i.date.slice(5, 7)}${i.date.slice(8, 10)}${i.date.slice(0, 4)}.pdf`,
  );
  assert.deepEqual(
    entries.map((e) => e.name),
    [...names, 'index.csv'],
  );
  for (const e of entries.slice(0, 2)) assert.equal(e.data.subarray(0, 5).toString(), '%PDF-');
  const csv = entries[2]!.data.toString('utf8').split('\r\n');
  assert.equal(
    csv[0],
    'accountNumber,documentType,documentNumber,documentCreatedOn,pdfFileName,pdfFileCreatedOn',
  );
  assert.match(
    csv[1]!,
    new RegExp(`^${invoices[1]!.accountNumber},Invoice,${invoices[1]!.number},`),
  );
  // A tampered URL gets S3's AccessDenied and no ZIP bytes.
  const tampered = await fetch(job.fileUrls[0].replace('e2e_1.zip', 'e2e_2.zip'));
  assert.equal(tampered.status, 403);
  assert.match(await tampered.text(), /<Code>AccessDenied<\/Code>/);
});
