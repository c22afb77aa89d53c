/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- response bodies are read as untyped JSON and checked by the assertions */
/** `GET /v1/credit-memos|debit-memos/{key}` and `…/files` (C4), on both databases. */
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
import type { Memo } from './memos.service.ts';
import type { Scope } from '../platform/scope.ts';

forEachDb('memo routes', (ctx) => {
  let token = '';
  let other = '';
  let scope: Scope;
  let account: CreatedAccount;
  let cm: Memo;
  let dm: Memo;

  test('a credit memo reads back by id and by number with Zuora names', async () => {
    const t = await seedTenant(ctx.deps, 'Main');
    scope = { tenantId: t.tenantId, entityId: t.entityId };
    token = await tokenFor(ctx.app, t);
    other = await tokenFor(ctx.app, await seedTenant(ctx.deps, 'Other'));
    const { planId } = await seedCatalog(ctx.app, token);
    account = await createAccountOverHttp(ctx.app, token, planId);
    cm = await seedMemo(ctx.deps, scope, {
      memoType: 'CreditMemo',
      accountId: account.accountId,
      amount: '5.5',
      date: '2026-03-20',
      post: true,
      invoiceId: account.invoiceId,
    });
    dm = await seedMemo(ctx.deps, scope, {
      memoType: 'DebitMemo',
      accountId: account.accountId,
      amount: '12.345',
      date: '2026-03-21',
    });

    const res = await call(ctx.app, token, 'GET', `/v1/credit-memos/${cm.id}`);
    assert.equal(res.statusCode, 200, res.body);
    const b = res.json();
    assert.equal(b.success, true);
    assert.equal(b.id, cm.id);
    assert.equal(b.number, 'CM00000001');
    assert.equal(b.accountId, account.accountId);
    assert.equal(b.accountNumber, account.accountNumber);
    assert.equal(b.amount, 5.5);
    assert.equal(b.unappliedAmount, 5.5);
    assert.equal(b.creditMemoDate, '2026-03-20');
    assert.equal(b.status, 'Posted');
    assert.equal(b.referredInvoiceId, account.invoiceId);
    assert.equal(b.sourceType, 'Invoice');
    assert.equal(b.reasonCode, 'Correcting invoice error');
    assert.equal(b.currency, 'USD');
    assert.match(b.createdDate, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.equal(b.latestPDFFileId, undefined);

    const byNumber = await call(ctx.app, token, 'GET', '/v1/credit-memos/CM00000001');
    assert.equal(byNumber.json().id, cm.id);
  });

  test('a debit memo reads back with its due date, payment term and rounded amounts', async () => {
    const res = await call(ctx.app, token, 'GET', '/v1/debit-memos/DM00000001');
    assert.equal(res.statusCode, 200, res.body);
    const b = res.json();
    assert.equal(b.id, dm.id);
    assert.equal(b.status, 'Draft');
    assert.equal(b.amount, 12.35);
    assert.equal(b.balance, 12.35);
    assert.equal(b.debitMemoDate, '2026-03-21');
    assert.equal(b.dueDate, '2026-03-21');
    assert.equal(b.paymentTerm, 'Due Upon Receipt');
    assert.equal(b.postedById, null);
    assert.equal(b.sourceType, 'Standalone');
  });

  test('a memo key of the other type is unknown: a credit memo is not a debit memo', async () => {
    const res = await call(ctx.app, token, 'GET', `/v1/debit-memos/${cm.id}`);
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().success, false);
    assert.equal(res.json().reasons[0].code, '50000040');
  });

  test('another tenant’s memo keys behave as unknown (404, never 403)', async () => {
    for (const url of [
      `/v1/credit-memos/${cm.id}`,
      '/v1/credit-memos/CM00000001',
      `/v1/debit-memos/${dm.id}/files`,
      '/v1/debit-memos/DM00000001',
    ]) {
      const res = await call(ctx.app, other, 'GET', url);
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().reasons[0].code, '50000040', url);
    }
  });

  test('legacy Zuora-Version gets HTTP 200 + success:false for an unknown memo', async () => {
    const res = await call(ctx.app, token, 'GET', '/v1/credit-memos/CM09999999', undefined, {});
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().success, false);
    assert.equal(res.json().reasons[0].code, '50000040');
  });

  test('…/files lists versions newest first with paging and nextPage', async () => {
    const empty = await call(ctx.app, token, 'GET', `/v1/credit-memos/${cm.id}/files`);
    assert.deepEqual(empty.json(), { success: true, creditMemoFiles: [] });

    const now = '2026-03-20T00:00:00.000Z';
    await ctx.deps.db.db
      .insertInto('document_files')
      .values(
        [1000, 2000, 3000].map((v, i) => ({
          id: `f${String(i).padStart(31, '0')}`,
          tenant_id: scope.tenantId,
          entity_id: scope.entityId,
          document_type: 'DebitMemo',
          document_id: dm.id,
          version_number: v,
          generation_status: 'Generated',
          file_status: 'ACTIVE',
          storage_key: null,
          file_name: null,
          size: null,
          error_category: null,
          error_message: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    const p1 = await call(ctx.app, token, 'GET', `/v1/debit-memos/${dm.number}/files?pageSize=2`);
    assert.equal(p1.statusCode, 200, p1.body);
    const b1 = p1.json();
    assert.deepEqual(
      b1.debitMemoFiles.map((f: { versionNumber: number }) => f.versionNumber),
      [3000, 2000],
    );
    assert.equal(b1.debitMemoFiles[0].pdfFileUrl, `/v1/files/${b1.debitMemoFiles[0].id}`);
    const next = new URL(b1.nextPage as string);
    assert.equal(next.pathname, `/v1/debit-memos/${dm.number}/files`);
    assert.equal(next.searchParams.get('page'), '2');
    const p2 = await call(ctx.app, token, 'GET', `${next.pathname}${next.search}`);
    assert.deepEqual(
      p2.json().debitMemoFiles.map((f: { versionNumber: number }) => f.versionNumber),
      [1000],
    );
    assert.equal(p2.json().nextPage, undefined);

    const memo = await call(ctx.app, token, 'GET', `/v1/debit-memos/${dm.id}`);
    assert.equal(memo.json().latestPDFFileId, b1.debitMemoFiles[0].id);
  });

  test('pageSize over 40 or page 0 is cat20', async () => {
    for (const q of ['pageSize=41', 'page=0', 'pageSize=abc']) {
      const res = await call(ctx.app, token, 'GET', `/v1/credit-memos/${cm.id}/files?${q}`);
      assert.equal(res.statusCode, 400, q);
      assert.match(res.json().reasons[0].code as string, /^\d{6}20$/, q);
    }
  });
});
