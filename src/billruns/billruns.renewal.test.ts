/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call -- response bodies are read as untyped JSON and checked by the assertions */
/** Bill runs with `autoRenewal` (C3.4 step 2), on both databases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor } from '../../test/harness.ts';
import { seedCatalog } from '../../test/billing-fixtures.ts';

const NEW = { 'zuora-version': '2024-05-20' };

forEachDb('bill-run autoRenewal', (ctx) => {
  let token = '';
  const ok = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await ctx.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...NEW },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  let planId = '';
  const termed = async (
    name: string,
    batch: string,
    sub: { start: string; initialTerm: number; renewalTerm: number; autoRenew: boolean },
  ) => {
    const r = await ok('POST', '/v1/accounts', {
      name,
      accountNumber: name,
      currency: 'USD',
      batch,
      billCycleDay: 1,
      billToContact: { firstName: 'Ada', lastName: 'Lovelace' },
      subscription: {
        contractEffectiveDate: sub.start,
        termType: 'TERMED',
        initialTerm: sub.initialTerm,
        renewalTerm: sub.renewalTerm,
        autoRenew: sub.autoRenew,
        subscribeToRatePlans: [{ productRatePlanId: planId }],
      },
      runBilling: false,
    });
    return { accountId: r.accountId as string, subscriptionId: r.subscriptionId as string };
  };
  const run = async (batch: string, autoRenewal: boolean) => {
    const created = await ok('POST', '/v1/bill-runs', {
      batches: [batch],
      targetDate: '2026-03-01',
      invoiceDate: '2026-03-01',
      autoRenewal,
    });
    await ctx.deps.queue.runUntilIdle();
    return ok('GET', `/v1/object/bill-run/${created.id}?fields=Status,NumberOfInvoices`);
  };
  const amountsOf = async (accountId: string): Promise<number[]> => {
    const docs = await ok('GET', `/v1/billing-documents?accountId=${accountId}`);
    return docs.documents.map((d: { amount: number }) => d.amount);
  };
  const termOf = async (subscriptionId: string) => {
    const s = await ok('GET', `/v1/subscriptions/${subscriptionId}`);
    return [s.termStartDate, s.termEndDate];
  };

  test('setup: a $30 monthly plan', async () => {
    const t = await seedTenant(ctx.deps, 'Renewals');
    token = await tokenFor(ctx.app, t);
    planId = (await seedCatalog(ctx.app, token)).planId;
  });

  test('with autoRenewal, a term ending on the target date is renewed first and its next period billed', async () => {
    const due = await termed('R1', 'Batch1', {
      start: '2026-01-01',
      initialTerm: 2,
      renewalTerm: 3,
      autoRenew: true,
    });
    // Its term ended on January 1: renewed month by month up to the term holding March 1.
    const behind = await termed('R2', 'Batch1', {
      start: '2025-12-01',
      initialTerm: 1,
      renewalTerm: 1,
      autoRenew: true,
    });
    const manual = await termed('R3', 'Batch1', {
      start: '2026-01-01',
      initialTerm: 2,
      renewalTerm: 3,
      autoRenew: false,
    });
    assert.deepEqual(await run('Batch1', true), { Status: 'Completed', NumberOfInvoices: 3 });
    assert.deepEqual(await termOf(due.subscriptionId), ['2026-03-01', '2026-06-01']);
    assert.deepEqual(await amountsOf(due.accountId), [90], 'January, February and March');
    assert.deepEqual(await termOf(behind.subscriptionId), ['2026-03-01', '2026-04-01']);
    assert.deepEqual(await amountsOf(behind.accountId), [120], 'December to March');
    assert.deepEqual(await termOf(manual.subscriptionId), ['2026-01-01', '2026-03-01']);
    assert.deepEqual(await amountsOf(manual.accountId), [60], 'not auto-renew: the term ends');
  });

  test('without autoRenewal the same subscription is not renewed and bills its term only', async () => {
    const due = await termed('R4', 'Batch2', {
      start: '2026-01-01',
      initialTerm: 2,
      renewalTerm: 3,
      autoRenew: true,
    });
    assert.deepEqual(await run('Batch2', false), { Status: 'Completed', NumberOfInvoices: 1 });
    assert.deepEqual(await termOf(due.subscriptionId), ['2026-01-01', '2026-03-01']);
    assert.deepEqual(await amountsOf(due.accountId), [60]);
  });
});
