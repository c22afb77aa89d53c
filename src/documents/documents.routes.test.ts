/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- response bodies are read as untyped JSON and checked by the assertions */
/** `GET /v1/billing-documents` (C4): filters, sort, pagination (C1.10), errors, isolation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor } from '../../test/harness.ts';
import {
  call,
  createAccountOverHttp,
  seedCatalog,
  seedMemo,
  type CreatedAccount,
} from '../../test/billing-fixtures.ts';

const numbers = (body: { documents: { documentNumber: string }[] }) =>
  body.documents.map((d) => d.documentNumber);

forEachDb('billing documents', (ctx) => {
  let token = '';
  let other = '';
  let a: CreatedAccount;
  let b: CreatedAccount;

  test('lists an account’s invoices and memos newest first with Zuora names', async () => {
    const t = await seedTenant(ctx.deps, 'Main');
    const scope = { tenantId: t.tenantId, entityId: t.entityId };
    token = await tokenFor(ctx.app, t);
    other = await tokenFor(ctx.app, await seedTenant(ctx.deps, 'Other'));
    const { planId } = await seedCatalog(ctx.app, token);
    a = await createAccountOverHttp(ctx.app, token, planId);
    b = await createAccountOverHttp(ctx.app, token, planId);
    await seedMemo(ctx.deps, scope, {
      memoType: 'CreditMemo',
      accountId: a.accountId,
      amount: '5',
      date: '2026-03-10',
    });
    await seedMemo(ctx.deps, scope, {
      memoType: 'DebitMemo',
      accountId: a.accountId,
      amount: '7.5',
      date: '2026-03-20',
      post: true,
    });

    const res = await call(ctx.app, token, 'GET', `/v1/billing-documents?accountId=${a.accountId}`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.success, true);
    assert.deepEqual(numbers(body), ['DM00000001', 'INV00000001', 'CM00000001']);
    assert.deepEqual(body.documents[1], {
      id: a.invoiceId,
      accountId: a.accountId,
      documentType: 'Invoice',
      documentNumber: 'INV00000001',
      documentDate: '2026-03-15',
      status: 'Posted',
      amount: 16.45,
      balance: 16.45,
      currency: 'USD',
    });
    assert.equal(body.documents[0].documentType, 'DebitMemo');
    assert.equal(body.documents[2].documentType, 'CreditMemo');
    assert.equal(body.nextPage, undefined);
  });

  test('accountNumber, status, documentDate and sort=+documentDate filter and order', async () => {
    const byNumber = await call(
      ctx.app,
      token,
      'GET',
      `/v1/billing-documents?accountNumber=${a.accountNumber}&sort=%2BdocumentDate`,
    );
    assert.deepEqual(numbers(byNumber.json()), ['CM00000001', 'INV00000001', 'DM00000001']);
    // An unencoded + arrives as a space.
    const plain = await call(
      ctx.app,
      token,
      'GET',
      `/v1/billing-documents?accountNumber=${a.accountNumber}&sort=+documentDate`,
    );
    assert.deepEqual(numbers(plain.json()), ['CM00000001', 'INV00000001', 'DM00000001']);
    const posted = await call(
      ctx.app,
      token,
      'GET',
      `/v1/billing-documents?accountId=${a.accountId}&status=Posted&sort=-documentDate`,
    );
    assert.deepEqual(numbers(posted.json()), ['DM00000001', 'INV00000001']);
    const dated = await call(
      ctx.app,
      token,
      'GET',
      `/v1/billing-documents?accountId=${a.accountId}&documentDate=2026-03-10`,
    );
    assert.deepEqual(numbers(dated.json()), ['CM00000001']);
    const otherAccount = await call(
      ctx.app,
      token,
      'GET',
      `/v1/billing-documents?accountNumber=${b.accountNumber}`,
    );
    assert.deepEqual(numbers(otherAccount.json()), ['INV00000002']);
  });

  test('pages across both tables with nextPage until the last page', async () => {
    const seen: string[] = [];
    let url: string | undefined = `/v1/billing-documents?accountId=${a.accountId}&pageSize=1`;
    let pages = 0;
    while (url !== undefined) {
      const res = await call(ctx.app, token, 'GET', url);
      assert.equal(res.statusCode, 200, res.body);
      seen.push(...numbers(res.json()));
      const next = res.json().nextPage as string | undefined;
      url = next === undefined ? undefined : new URL(next).pathname + new URL(next).search;
      pages++;
      assert.ok(pages <= 3, 'more pages than documents');
    }
    assert.deepEqual(seen, ['DM00000001', 'INV00000001', 'CM00000001']);
  });

  const errors: [string, string, number, string][] = [
    ['no account', '', 400, '23'],
    ['bad status enum', `status=Open`, 400, '20'],
    ['bad sort field', `sort=amount`, 400, '20'],
    ['bad documentDate', `documentDate=2026-02-30`, 400, '20'],
    ['pageSize 41', `pageSize=41`, 400, '20'],
    ['page 0', `page=0`, 400, '20'],
    ['accountId too long', `accountId=${'a'.repeat(65)}`, 400, '20'],
    ['page too deep', `page=2501&pageSize=40`, 400, '20'],
    ['unknown account', `accountNumber=A09999999`, 404, '40'],
  ];
  for (const [name, q, status, cat] of errors)
    test(`${name} → ${status}/cat${cat}`, async () => {
      const withAccount =
        name === 'no account' || q.startsWith('account') ? q : `accountId=${a.accountId}&${q}`;
      const res = await call(ctx.app, token, 'GET', `/v1/billing-documents?${withAccount}`);
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.json().success, false);
      assert.equal(res.json().reasons[0].code, `500000${cat}`);
    });

  test('accountId and accountNumber of different accounts → 404', async () => {
    const res = await call(
      ctx.app,
      token,
      'GET',
      `/v1/billing-documents?accountId=${a.accountId}&accountNumber=${b.accountNumber}`,
    );
    assert.equal(res.statusCode, 404);
  });

  test('another tenant’s account keys behave as unknown', async () => {
    for (const q of [`accountId=${a.accountId}`, `accountNumber=${a.accountNumber}`]) {
      const res = await call(ctx.app, other, 'GET', `/v1/billing-documents?${q}`);
      assert.equal(res.statusCode, 404, q);
      assert.equal(res.json().reasons[0].code, '50000040');
    }
  });
});
