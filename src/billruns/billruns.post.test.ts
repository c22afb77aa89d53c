/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- response bodies are read as untyped JSON and checked by the assertions */
/** A bill-run post re-dates its credit memos like its invoices (C3.2.5), on both databases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor } from '../../test/harness.ts';
import { seedCatalog } from '../../test/billing-fixtures.ts';
import { findMemos } from '../memos/memos.service.ts';

const NEW = { 'zuora-version': '2024-05-20' };

forEachDb('bill-run post of credit memos', (ctx) => {
  let token = '';
  let scope = { tenantId: '', entityId: '' };
  const ok = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
    const res = await ctx.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...NEW },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  test('post with a new invoiceDate gives the run’s invoice and credit memo that date and a due date from it', async () => {
    const t = await seedTenant(ctx.deps, 'Memos');
    scope = { tenantId: t.tenantId, entityId: t.entityId };
    token = await tokenFor(ctx.app, t);
    const catalog = await seedCatalog(ctx.app, token);
    const account = async (name: string, price: number) =>
      (
        await ok('POST', '/v1/accounts', {
          name,
          accountNumber: name,
          currency: 'USD',
          batch: 'Batch3',
          billCycleDay: 1,
          paymentTerm: 'Net 30',
          billToContact: { firstName: 'Ada', lastName: 'Lovelace' },
          subscription: {
            contractEffectiveDate: '2026-03-01',
            termType: 'EVERGREEN',
            subscribeToRatePlans: [
              {
                productRatePlanId: catalog.planId,
                chargeOverrides: [{ productRatePlanChargeId: catalog.chargeId, price }],
              },
            ],
          },
          runBilling: false,
        })
      ).accountId as string;
    const credited = await account('CM1', -30);
    const invoiced = await account('INV1', 30);
    const created = await ok('POST', '/v1/bill-runs', {
      batches: ['Batch3'],
      targetDate: '2026-03-01',
      invoiceDate: '2026-03-01',
    });
    await ctx.deps.queue.runUntilIdle();
    const docs = async (accountId: string) =>
      (await ok('GET', `/v1/billing-documents?accountId=${accountId}`)).documents;
    const [memo] = await docs(credited);
    assert.equal(memo.documentType, 'CreditMemo');
    assert.equal(memo.documentDate, '2026-03-01');

    await ok('PUT', `/v1/bill-runs/${created.id}/post`, { invoiceDate: '2026-03-05' });
    await ctx.deps.queue.runUntilIdle();
    const cm = await ok('GET', `/v1/credit-memos/${memo.id}`);
    assert.equal(cm.status, 'Posted');
    assert.equal(cm.creditMemoDate, '2026-03-05');
    const [stored] = await findMemos(ctx.deps, scope, 'CreditMemo', [memo.id]);
    assert.equal(stored?.dueDate, '2026-04-04', 'Net 30 from the new date');
    const [inv] = await docs(invoiced);
    assert.deepEqual(
      [inv.documentType, inv.documentDate, inv.status],
      ['Invoice', '2026-03-05', 'Posted'],
    );
    const invoice = await ok('GET', `/v1/invoices/${inv.id}`);
    assert.equal(invoice.dueDate, '2026-04-04');
  });
});
