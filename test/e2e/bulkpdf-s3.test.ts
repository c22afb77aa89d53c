/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-explicit-any -- response bodies are read as untyped JSON and checked by the assertions */
/**
 * End to end on an S3 FileStore: a real `folio serve` with `FOLIO_FILES_URL=s3://…` pointing at a
 * real S3-compatible server (s3rver), a bulk PDF job that generates the missing PDFs into the
 * bucket and streams its ZIP there, and `fileUrls` that are S3's own presigned URLs, downloaded
 * with plain curl from S3 (not from Folio), each ZIP entry equal to the invoice's stored PDF.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { startServer, type RunningServer } from '../server.ts';
import { startS3Server, type S3TestServer } from '../s3-server.ts';
import { hasUnzip, NO_UNZIP, readZipBuffer, unzipTest } from '../zip-read.ts';

const run = promisify(execFile);
let s3: S3TestServer;
let server: RunningServer;
let token = '';
before(async () => {
  s3 = await startS3Server();
  server = await startServer({
    FOLIO_JOB_POLL_INTERVAL_MS: '50',
    FOLIO_PDF_WORKERS: '1',
    FOLIO_FILES_URL: 's3://folio-test/deploy-1',
    FOLIO_S3_ENDPOINT: s3.endpoint,
    FOLIO_S3_REGION: 'us-east-1',
    FOLIO_S3_ACCESS_KEY_ID: 'S3RVER',
    FOLIO_S3_SECRET_ACCESS_KEY: 'S3RVER',
    FOLIO_S3_FORCE_PATH_STYLE: 'on',
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
  await s3.stop();
});

const request = async (method: string, path: string, body?: unknown): Promise<Response> =>
  fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'zuora-version': '2024-05-20',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const call = async (method: string, path: string, body?: unknown): Promise<any> => {
  const res = await request(method, path, body);
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
};
const curl = async (url: string): Promise<Buffer> =>
  (await run('curl', ['-sSf', url], { encoding: 'buffer', maxBuffer: 64 << 20 })).stdout;

test('bulk PDF on an S3 store: PDFs and ZIP land in the bucket, fileUrls download from S3 with curl', async () => {
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
  const ids: string[] = [];
  for (const name of ['Acme', 'Globex', 'Initech']) {
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
    ids.push(a.invoiceId);
  }
  const order = [ids[2]!, ids[0]!, ids[1]!];
  const created = await call('POST', '/v1/operations/bulk-pdf', {
    documents: [{ docType: 'Invoice', objectIds: order }],
    fileName: 'on-s3',
    indexFileFormat: 'JSON',
    generateMissingPDF: true,
  });
  let job: any;
  for (let i = 0; i < 600; i++) {
    job = await call('GET', `/v1/operations/bulk-pdf/${created.jobId}`);
    if (job.status === 'Completed' || job.status === 'Error') break;
    await delay(50);
  }
  assert.equal(job.status, 'Completed', JSON.stringify(job));
  assert.equal(job.fileUrls.length, 1);
  const url = new URL(job.fileUrls[0]);
  // Presigned by S3's SDK for the bucket itself: the URL points at S3, not at Folio.
  assert.equal(url.origin, s3.endpoint);
  assert.equal(
    url.pathname,
    `/folio-test/deploy-1/bulk-pdf-generation/${created.jobId}/on-s3_1.zip`,
  );
  assert.equal(url.searchParams.get('X-Amz-Expires'), '86400');
  assert.equal(url.searchParams.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');

  const zip = await curl(job.fileUrls[0]);
  if (hasUnzip()) assert.ok(unzipTest(zip).ok, unzipTest(zip).output);
  else process.stdout.write(`# unzip -t skipped: ${NO_UNZIP}\n`);
  const entries = await readZipBuffer(zip);
  assert.equal(entries.length, 4);
  assert.equal(entries[3]!.name, 'index.json');
  // Each entry is the invoice's stored PDF (read back from the bucket by Folio), in request order.
  for (const [i, id] of order.entries()) {
    const files = await call('GET', `/v1/invoices/${id}/files`);
    const pdf = await request('GET', files.invoiceFiles[0].pdfFileUrl);
    assert.equal(pdf.status, 200);
    assert.deepEqual(entries[i]!.data, Buffer.from(await pdf.arrayBuffer()));
    assert.equal(entries[i]!.data.subarray(0, 5).toString(), '%PDF-');
  }
  // Every object went to the bucket under the configured prefix, the ZIP among them.
  const keys = s3.events.filter((e) => e.name.startsWith('ObjectCreated')).map((e) => e.key);
  assert.ok(keys.length >= 4, keys.join(', '));
  assert.ok(
    keys.every((k) => k.startsWith('deploy-1/')),
    keys.join(', '),
  );
  assert.ok(keys.includes(`deploy-1/bulk-pdf-generation/${created.jobId}/on-s3_1.zip`));
});
