/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- response bodies are read as untyped JSON and checked by the assertions */
/** Bill runs processed by their jobs over the real billing engine (C3.4), on both databases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor } from '../../test/harness.ts';
import { jobRunnerOf } from '../deps.ts';
import * as store from './billruns.store.ts';
import { billChunk } from './billruns.service.ts';
import { postDocuments } from '../billing/billing.service.ts';

const NEW = { 'zuora-version': '2024-05-20' };

forEachDb('bill-run processing', (ctx) => {
  let token = '';
  let scope = { tenantId: '', entityId: '' };
  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ) => {
    const res = await ctx.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...NEW },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: res.statusCode, body: res.json() };
  };
  const ok = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
    const r = await call(method, url, payload);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const plan = async (currency: string, price: number): Promise<string> => {
    const p = await ok('POST', '/v1/object/product', {
      Name: `P-${currency}`,
      EffectiveStartDate: '2020-01-01',
      EffectiveEndDate: '2099-12-31',
    });
    const rp = await ok('POST', '/v1/object/product-rate-plan', {
      Name: 'Monthly',
      ProductId: p.Id,
    });
    await ok('POST', '/v1/object/product-rate-plan-charge', {
      Name: 'Fee',
      ProductRatePlanId: rp.Id,
      ChargeType: 'Recurring',
      ChargeModel: 'Flat Fee Pricing',
      BillingPeriod: 'Month',
      BillCycleType: 'DefaultFromCustomer',
      TriggerEvent: 'ContractEffective',
      UseDiscountSpecificAccountingCode: false,
      ProductRatePlanChargeTierData: {
        ProductRatePlanChargeTier: [{ Currency: currency, Price: price }],
      },
    });
    return rp.Id as string;
  };
  const account = async (n: string, batch: string, bcd: number, planId: string, start: string) =>
    (
      await ok('POST', '/v1/accounts', {
        name: n,
        accountNumber: n,
        currency: 'USD',
        batch,
        billCycleDay: bcd,
        billToContact: { firstName: 'Ada', lastName: 'Lovelace' },
        subscription: {
          contractEffectiveDate: start,
          termType: 'EVERGREEN',
          subscribeToRatePlans: [{ productRatePlanId: planId }],
        },
        runBilling: false,
      })
    ).accountId as string;

  let usd = '';
  let a1 = '';
  let a3 = '';
  let run1 = '';

  let tenant: Awaited<ReturnType<typeof seedTenant>>;
  test('setup: accounts in Batch1/Batch2 on BCD 1 and 15, one without a price in its currency', async () => {
    const t = await seedTenant(ctx.deps, 'Billing');
    tenant = t;
    scope = { tenantId: t.tenantId, entityId: t.entityId };
    token = await tokenFor(ctx.app, t);
    usd = await plan('USD', 30);
    const eur = await plan('EUR', 9);
    a1 = await account('A1', 'Batch1', 1, usd, '2026-03-15');
    await account('A2', 'Batch2', 15, usd, '2026-03-01');
    a3 = await account('A3', 'Batch1', 1, eur, '2026-03-01');
    await account('A4', 'Batch1', 15, usd, '2026-03-01');
  });

  test('a run for Batch1 / BCD 1 bills exactly A1 (16.45 prorated) and records A3 as not billable', async () => {
    const created = await ok('POST', '/v1/bill-runs', {
      batches: ['Batch1'],
      billCycleDay: '1',
      targetDate: '2026-03-31',
      invoiceDate: '2026-03-31',
    });
    run1 = created.id;
    assert.equal(created.status, 'Pending');
    await ctx.deps.queue.runUntilIdle();
    const run = await ok(
      'GET',
      `/v1/object/bill-run/${run1}?fields=Status,NumberOfAccounts,NumberOfInvoices,ErrorMessage,ExecutedDate`,
    );
    assert.deepEqual(
      { ...run, ExecutedDate: typeof run.ExecutedDate },
      {
        Status: 'Completed',
        NumberOfAccounts: 1,
        NumberOfInvoices: 1,
        ErrorMessage: `1 account(s) could not be billed; see /folio/v1/bill-runs/${run1}/errors.`,
        ExecutedDate: 'string',
      },
    );
    const docs = await store.listRunDocuments(ctx.deps.db.db, scope, run1);
    assert.equal(docs.invoiceIds.length, 1);
    const inv = await ok('GET', `/v1/invoices/${docs.invoiceIds[0]!}`);
    assert.equal(inv.accountId, a1);
    assert.equal(inv.amount, 16.45, '30 × 17/31, C3.4.3');
    assert.equal(inv.status, 'Draft');
    const errors = await ctx.app.inject({
      method: 'GET',
      url: `/folio/v1/bill-runs/${run1}/errors`,
      headers: { authorization: 'Bearer demo-admin' },
    });
    const list = errors.json().errors as { accountId: string; message: string }[];
    assert.deepEqual(
      list.map((e) => e.accountId),
      [a3],
    );
    assert.match(list[0]!.message, /EUR|USD|price/i);
  });

  test('a retried chunk bills nothing twice', async () => {
    await billChunk(ctx.deps, { ...scope, billRunId: run1 }, 0);
    const run = await ok('GET', `/v1/bill-runs/${run1}`);
    assert.equal(run.status, 'Completed');
    const docs = await store.listRunDocuments(ctx.deps.db.db, scope, run1);
    assert.equal(docs.invoiceIds.length, 1);
    const crud = await ok(
      'GET',
      `/v1/object/bill-run/${run1}?fields=NumberOfInvoices,NumberOfAccounts`,
    );
    assert.deepEqual(crud, { NumberOfInvoices: 1, NumberOfAccounts: 1 });
  });

  test('a second run for the same target date bills nothing new', async () => {
    const again = await ok('POST', '/v1/bill-runs', {
      batches: ['Batch1'],
      billCycleDay: '1',
      targetDate: '2026-03-31',
    });
    await ctx.deps.queue.runUntilIdle();
    const crud = await ok(
      'GET',
      `/v1/object/bill-run/${again.id}?fields=Status,NumberOfInvoices,NumberOfAccounts`,
    );
    assert.deepEqual(crud, { Status: 'Completed', NumberOfInvoices: 0, NumberOfAccounts: 0 });
  });

  test('post: PostInProgress, then Posted with its invoice Posted', async () => {
    const post = await ok('PUT', `/v1/bill-runs/${run1}/post`, { invoiceDate: '2026-04-05' });
    assert.equal(post.status, 'PostInProgress');
    await ctx.deps.queue.runUntilIdle();
    assert.equal((await ok('GET', `/v1/bill-runs/${run1}`)).status, 'Posted');
    const docs = await store.listRunDocuments(ctx.deps.db.db, scope, run1);
    const posted = await ok('GET', `/v1/invoices/${docs.invoiceIds[0]!}`);
    assert.equal(posted.status, 'Posted');
    assert.equal(posted.invoiceDate, '2026-04-05', 'the post call’s date (C3.2.5)');
    assert.equal(posted.dueDate, '2026-04-05', 'Due Upon Receipt: due on the new date');
    const cancel = await call('PUT', `/v1/bill-runs/${run1}/cancel`, {});
    assert.equal(cancel.status, 400);
  });

  const outbox = async (billRunId: string) => {
    const r = await ctx.app.inject({
      method: 'GET',
      url: `/folio/v1/outbox?billRunId=${billRunId}`,
      headers: { authorization: 'Bearer demo-admin' },
    });
    assert.equal(r.statusCode, 200, r.body);
    return r.json().emails as { documentId: string; accountId: string; billRunId: string }[];
  };

  test('emails (C3.2.7): recorded in the outbox; resend=false skips emailed invoices, true sends all', async () => {
    assert.deepEqual(await outbox(run1), []);
    assert.deepEqual(await ok('POST', `/v1/bill-runs/${run1}/emails`, {}), { success: true });
    const docs = await store.listRunDocuments(ctx.deps.db.db, scope, run1);
    const first = await outbox(run1);
    assert.deepEqual(
      first.map((e) => [e.documentId, e.accountId, e.billRunId]),
      [[docs.invoiceIds[0], a1, run1]],
    );
    const crud = await ok('GET', `/v1/object/bill-run/${run1}?fields=InvoicesEmailed`);
    assert.deepEqual(crud, { InvoicesEmailed: true });
    await ok('POST', `/v1/bill-runs/${run1}/emails`, { resend: false });
    assert.equal((await outbox(run1)).length, 1, 'already emailed: nothing new');
    await ok('POST', `/v1/bill-runs/${run1}/emails`, { resend: true });
    assert.equal((await outbox(run1)).length, 2, 'resend: every posted invoice again');
  });

  test('autoPost: a single-account run ends Posted on its own', async () => {
    const created = await ok('POST', '/v1/bill-runs', {
      billRunFilters: [{ accountId: a1, filterType: 'Account' }],
      targetDate: '2026-04-30',
      autoPost: true,
      autoEmail: true,
    });
    await ctx.deps.queue.runUntilIdle();
    const run = await ok(
      'GET',
      `/v1/object/bill-run/${created.id}?fields=Status,NumberOfInvoices,PostedDate`,
    );
    assert.equal(run.Status, 'Posted');
    assert.equal(run.NumberOfInvoices, 1, 'April is billed in advance');
    assert.equal(typeof run.PostedDate, 'string');
    assert.equal((await outbox(created.id)).length, 1, 'autoEmail after auto-post');
  });

  test('cancel: drafts Canceled and chargedThroughDate rolled back, so a new run bills the period again; delete removes the documents', async () => {
    await account('A5', 'Batch3', 1, usd, '2026-03-15');
    const body = { batches: ['Batch3'], billCycleDay: '1', targetDate: '2026-03-31' };
    const first = await ok('POST', '/v1/bill-runs', body);
    await ctx.deps.queue.runUntilIdle();
    const firstDocs = await store.listRunDocuments(ctx.deps.db.db, scope, first.id);
    assert.equal(firstDocs.invoiceIds.length, 1);
    const firstInvoice = firstDocs.invoiceIds[0]!;
    assert.equal((await ok('GET', `/v1/invoices/${firstInvoice}`)).amount, 16.45);

    const cancel = await ok('PUT', `/v1/bill-runs/${first.id}/cancel`, {});
    assert.equal(cancel.status, 'CancelInProgress');
    await ctx.deps.queue.runUntilIdle();
    assert.equal((await ok('GET', `/v1/bill-runs/${first.id}`)).status, 'Canceled');
    assert.equal((await ok('GET', `/v1/invoices/${firstInvoice}`)).status, 'Canceled');

    const second = await ok('POST', '/v1/bill-runs', body);
    await ctx.deps.queue.runUntilIdle();
    const secondDocs = await store.listRunDocuments(ctx.deps.db.db, scope, second.id);
    assert.equal(secondDocs.invoiceIds.length, 1, 'the canceled period is billed again');
    const again = await ok('GET', `/v1/invoices/${secondDocs.invoiceIds[0]!}`);
    assert.equal(again.amount, 16.45);
    assert.notEqual(
      again.invoiceNumber,
      (await ok('GET', `/v1/invoices/${firstInvoice}`)).invoiceNumber,
      'numbers are never reused (C7 #17)',
    );

    const del = await ok('DELETE', `/v1/bill-runs/${first.id}`);
    assert.equal(del.status, 'RemoveInProgress');
    await ctx.deps.queue.runUntilIdle();
    assert.equal((await call('GET', `/v1/bill-runs/${first.id}`)).status, 404);
    assert.equal((await call('GET', `/v1/invoices/${firstInvoice}`)).status, 404);
    assert.equal((await ok('GET', `/v1/invoices/${secondDocs.invoiceIds[0]!}`)).status, 'Draft');

    // A Completed run with a Posted document cannot be canceled (C3.3).
    await ctx.deps.db.db
      .transaction()
      .execute(async (tx) =>
        postDocuments(
          ctx.deps,
          tx,
          scope,
          { invoiceIds: secondDocs.invoiceIds, creditMemoIds: [] },
          'u',
        ),
      );
    const refused = await call('PUT', `/v1/bill-runs/${second.id}/cancel`, {});
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body.reasons, [
      { code: '56020030', message: 'The Bill Run cannot be Cancelled, There are Posted invoices.' },
    ]);
  });

  test('a scheduled run waits for its time, then runs and creates the next occurrence (C3.2.2)', async (t) => {
    if (jobRunnerOf(ctx.deps.config) === 'graphile') {
      // graphile-worker makes a job due by PostgreSQL's now(), which a test clock cannot move;
      // the scheduling itself (run_at from scheduledExecutionTime) is the same code on both.
      t.skip('graphile-worker runs jobs by database time; this test moves a test clock');
      return;
    }
    const created = await ok('POST', '/v1/bill-runs', {
      batches: ['Batch2'],
      billCycleDay: 'AsRunDay',
      schedule: {
        repeatFrom: '2026-05-15',
        repeatType: 'Daily',
        runTime: 3,
        repeatTo: '2026-05-16',
      },
    });
    assert.equal(created.scheduledExecutionTime, '2026-05-15 03:00:00');
    assert.equal(created.targetDate, '2026-05-15');
    await ctx.deps.queue.runUntilIdle();
    assert.equal((await ok('GET', `/v1/bill-runs/${created.id}`)).status, 'Pending', 'not yet due');

    ctx.clock.set(new Date('2026-05-15T03:00:00.000Z'));
    token = await tokenFor(ctx.app, tenant);
    await ctx.deps.queue.runUntilIdle();
    const run = await ok('GET', `/v1/object/bill-run/${created.id}?fields=Status,NumberOfInvoices`);
    // A2 (Batch2, BCD 15) is billed on its bill cycle day: April 15 – May 14 and May 15 – June 14.
    assert.deepEqual(run, { Status: 'Completed', NumberOfInvoices: 1 });
    const next = await call(
      'GET',
      `/object-query/billing-runs?filter[]=status.EQ:Pending&filter[]=repeattype.EQ:Daily&fields[]=scheduledExecutionTime,targetDate`,
    );
    assert.deepEqual(next.body.data, [
      { scheduledExecutionTime: '2026-05-16T03:00:00.000+00:00', targetDate: '2026-05-16' },
    ]);
    ctx.clock.set(new Date('2026-05-16T03:00:00.000Z'));
    token = await tokenFor(ctx.app, tenant);
    await ctx.deps.queue.runUntilIdle();
    const last = await call('GET', '/object-query/billing-runs?filter[]=status.EQ:Pending');
    assert.deepEqual(last.body.data, [], 'repeatTo reached: no further occurrence');
  });
});
