/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- response bodies are read as untyped JSON */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachDb, seedTenant, tokenFor, type SeededTenant } from '../../test/harness.ts';
import { accountBody, call, seedCatalog } from '../../test/billing-fixtures.ts';
import { PUBLIC_DIR } from './console.service.ts';

const ADMIN = { authorization: 'Bearer demo-admin' };

forEachDb('console routes', (ctx) => {
  let a: SeededTenant;
  let b: SeededTenant;
  let tokenA: string;
  let tokenB: string;
  const accounts: Record<
    string,
    { accountId: string; accountNumber: string; subscriptionNumber: string }
  > = {};
  let accountB: { accountId: string };

  const admin = async (url: string, headers: Record<string, string> = ADMIN) => {
    const res = await ctx.app.inject({ method: 'GET', url, headers });
    return { status: res.statusCode, body: res.json() };
  };

  test('setup', async () => {
    a = await seedTenant(ctx.deps, 'A');
    b = await seedTenant(ctx.deps, 'B');
    tokenA = await tokenFor(ctx.app, a);
    tokenB = await tokenFor(ctx.app, b);
    const planA = (await seedCatalog(ctx.app, tokenA)).planId;
    for (const name of ['Acme', 'Globex', 'Initech 100%', 'Initech 1000']) {
      const res = await call(ctx.app, tokenA, 'POST', '/v1/accounts', {
        ...accountBody(planA),
        name,
      });
      assert.equal(res.statusCode, 200, res.body);
      accounts[name] = res.json();
    }
    const planB = (await seedCatalog(ctx.app, tokenB)).planId;
    const res = await call(ctx.app, tokenB, 'POST', '/v1/accounts', {
      ...accountBody(planB),
      name: 'Globex B',
    });
    assert.equal(res.statusCode, 200, res.body);
    accountB = res.json();
  });

  test('GET /console serves index.html with its type, no-cache and an ETag; a matching If-None-Match gets 304', async () => {
    for (const url of ['/console', '/console/']) {
      const res = await ctx.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
      assert.equal(res.body, readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8'));
      const etag = String(res.headers.etag);
      assert.match(etag, /^"[\w-]{27}"$/);
      const again = await ctx.app.inject({
        method: 'GET',
        url,
        headers: { 'if-none-match': etag },
      });
      assert.equal(again.statusCode, 304);
      assert.equal(again.body, '');
      const stale = await ctx.app.inject({
        method: 'GET',
        url,
        headers: { 'if-none-match': '"other"' },
      });
      assert.equal(stale.statusCode, 200);
    }
  });

  test('console modules and styles are served with JavaScript and CSS types; unknown or outside paths are 404', async () => {
    const js = await ctx.app.inject({ method: 'GET', url: '/console/pages/bill-runs.js' });
    assert.equal(js.statusCode, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.body, readFileSync(join(PUBLIC_DIR, 'pages/bill-runs.js'), 'utf8'));
    const css = await ctx.app.inject({ method: 'GET', url: '/console/console.css' });
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    for (const url of [
      '/console/nope.js',
      '/console/../package.json',
      '/console/%2e%2e/package.json',
    ]) {
      const res = await ctx.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.deepEqual(res.json(), { message: 'Not Found' });
    }
  });

  test('account search: by part of the name or number, case-insensitive, LIKE wildcards literal, tenant-scoped', async () => {
    const base = `/folio/v1/tenants/${a.tenantId}/accounts`;
    const names = async (search: string) => {
      const res = await admin(`${base}?search=${encodeURIComponent(search)}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body.accounts as { name: string }[]).map((x) => x.name).sort();
    };
    assert.deepEqual(await names('GLOB'), ['Globex']);
    assert.deepEqual(await names('initech 100'), ['Initech 100%', 'Initech 1000']);
    assert.deepEqual(await names('100%'), ['Initech 100%']);
    assert.deepEqual(await names('_'), []);
    assert.deepEqual(await names(accounts.Acme!.accountNumber), ['Acme']);
    assert.deepEqual(await names(accounts.Acme!.accountId), ['Acme']);
    assert.deepEqual(await names(''), ['Acme', 'Globex', 'Initech 100%', 'Initech 1000']);
    const all = await admin(base);
    assert.deepEqual(all.body.accounts[0], {
      id: accounts['Initech 1000']!.accountId,
      accountNumber: accounts['Initech 1000']!.accountNumber,
      name: 'Initech 1000',
      currency: 'USD',
      status: 'Active',
      batch: 'Batch1',
      billCycleDay: 1,
    });
    assert.equal(all.body.nextPage, null);
    const inB = await admin(`/folio/v1/tenants/${b.tenantId}/accounts?search=Globex`);
    assert.deepEqual(
      (inB.body.accounts as { id: string }[]).map((x) => x.id),
      [accountB.accountId],
    );
    const otherEntity = await admin(`${base}?entityId=${b.entityId}`);
    assert.deepEqual(otherEntity.body.accounts, []);
  });

  test('admin reads need the admin token and a known tenant', async () => {
    const url = `/folio/v1/tenants/${a.tenantId}/accounts`;
    assert.equal((await admin(url, { authorization: `Bearer ${tokenA}` })).status, 401);
    assert.equal((await admin(url, {})).status, 401);
    const unknown = await admin('/folio/v1/tenants/0123456789abcdef0123456789abcdef/accounts');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.success, false);
    const badPage = await admin(`${url}?page=0`);
    assert.equal(badPage.status, 400);
  });

  test("an account's subscriptions; another tenant's account is not found", async () => {
    const acme = accounts.Acme!;
    const res = await admin(
      `/folio/v1/tenants/${a.tenantId}/accounts/${acme.accountId}/subscriptions`,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, {
      subscriptions: [
        {
          id: res.body.subscriptions[0].id,
          subscriptionNumber: acme.subscriptionNumber,
          status: 'Active',
          termType: 'EVERGREEN',
          contractEffectiveDate: '2026-03-15',
          termStartDate: '2026-03-15',
          termEndDate: null,
          autoRenew: false,
        },
      ],
      success: true,
    });
    const cross = await admin(
      `/folio/v1/tenants/${a.tenantId}/accounts/${accountB.accountId}/subscriptions`,
    );
    assert.equal(cross.status, 404);
  });

  test("a bill run's documents, with numbers and amounts; through another tenant it is not found", async () => {
    const run = await call(ctx.app, tokenA, 'POST', '/v1/bill-runs', {
      batches: ['AllBatches'],
      targetDate: '2026-04-01',
    });
    assert.equal(run.statusCode, 200, run.body);
    await ctx.deps.queue.runUntilIdle();
    const id = run.json().id as string;
    const res = await admin(`/folio/v1/tenants/${a.tenantId}/bill-runs/${id}/documents`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.billRunNumber, run.json().billRunNumber);
    assert.equal(res.body.status, 'Completed');
    const docs = res.body.documents as Record<string, unknown>[];
    assert.deepEqual(
      docs.map((d) => d.accountId).sort(),
      Object.values(accounts)
        .map((x) => x.accountId)
        .sort(),
    );
    for (const d of docs) {
      const inv = await call(ctx.app, tokenA, 'GET', `/v1/invoices/${String(d.id)}`);
      assert.equal(inv.statusCode, 200);
      assert.deepEqual(d, {
        documentType: 'Invoice',
        id: inv.json().id,
        number: inv.json().invoiceNumber,
        accountId: inv.json().accountId,
        accountNumber: Object.values(accounts).find((x) => x.accountId === inv.json().accountId)!
          .accountNumber,
        status: 'Draft',
        documentDate: inv.json().invoiceDate,
        amount: inv.json().amount,
        currency: 'USD',
      });
    }
    assert.equal(res.body.nextPage, null);
    const cross = await admin(`/folio/v1/tenants/${b.tenantId}/bill-runs/${id}/documents`);
    assert.equal(cross.status, 404);
  });

  test('bulk PDF jobs of a tenant with their progress counts, newest first; none in another tenant', async () => {
    const docs = await call(
      ctx.app,
      tokenA,
      'GET',
      `/v1/billing-documents?accountId=${accounts.Acme!.accountId}`,
    );
    const ids = (docs.json().documents as { id: string }[]).map((d) => d.id);
    assert.ok(ids.length > 0);
    const job = await call(ctx.app, tokenA, 'POST', '/v1/operations/bulk-pdf', {
      documents: [{ docType: 'Invoice', objectIds: [...ids, 'no-such-invoice'] }],
      fileName: 'acme',
      name: 'Acme export',
      indexFileFormat: 'JSON',
      generateMissingPDF: true,
    });
    assert.equal(job.statusCode, 200, job.body);
    const jobId = job.json().jobId as string;
    const before = await admin(`/folio/v1/tenants/${a.tenantId}/bulk-pdf-jobs`);
    assert.equal(before.status, 200, JSON.stringify(before.body));
    assert.equal(before.body.jobs.length, 1);
    assert.equal(before.body.jobs[0].jobId, jobId);
    assert.equal(before.body.jobs[0].documents, ids.length);
    await ctx.deps.queue.runUntilIdle();
    const after = await admin(`/folio/v1/tenants/${a.tenantId}/bulk-pdf-jobs`);
    const got = await call(ctx.app, tokenA, 'GET', `/v1/operations/bulk-pdf/${jobId}`);
    assert.equal(got.json().status, 'Completed');
    assert.deepEqual(after.body.jobs[0], {
      jobId,
      entityId: a.entityId,
      jobName: 'Acme export',
      fileName: 'acme',
      status: 'Completed',
      stepStatus: got.json().stepStatus,
      partCount: 1,
      partsDone: 1,
      documents: ids.length,
      waitingForPdf: 0,
      failedDocuments: 0,
      message: null,
      createdOn: after.body.jobs[0].createdOn,
      updatedOn: after.body.jobs[0].updatedOn,
    });
    const inB = await admin(`/folio/v1/tenants/${b.tenantId}/bulk-pdf-jobs`);
    assert.deepEqual(inB.body, { jobs: [], nextPage: null, success: true });
  });
});
