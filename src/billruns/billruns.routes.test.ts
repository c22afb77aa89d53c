import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor, type SeededTenant } from '../../test/harness.ts';
import {
  ZUORA_CRUD_SPEC,
  ZUORA_SPEC,
  withoutNulls,
  zuoraSchemaProblems,
} from '../../test/zuora-schemas.ts';

/**
 * C3.2: the Bill Run API object always carries `success:true`, and `nextRun` is the whole object,
 * although Zuora's schemas declare neither there.
 */
const BILL_RUN_EXTRAS = [
  '$.success',
  '$.nextRun.includeSubscriptions',
  '$.nextRun.includeOrderLineItems',
];
import { toIso } from '../platform/clock.ts';
import * as store from './billruns.store.ts';

const NEW = { 'zuora-version': '2024-05-20' };
const UUID = /^[0-9a-f-]{36}$/;
const HEX = /^[0-9a-f]{32}$/;

forEachDb('bill-run routes', (ctx) => {
  let a: SeededTenant;
  let b: SeededTenant;
  let tokenA: string;
  let tokenB: string;

  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
    token = tokenA,
  ) => {
    const res = await ctx.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };
  const setStatus = async (id: string, status: string, extra: Record<string, unknown> = {}) => {
    const n = await store.updateBillRunIf(
      ctx.deps.db.db,
      { tenantId: a.tenantId, entityId: a.entityId },
      id,
      [
        'Pending',
        'Processing',
        'Completed',
        'Error',
        'Canceled',
        'Posted',
        'PostInProgress',
        'CancelInProgress',
      ],
      { status, ...extra },
    );
    assert.equal(n, 1);
  };
  /** Runs every job that is due: the …InProgress states end on their own (C3.3). */
  const settle = async () => {
    await ctx.deps.queue.runUntilIdle();
  };
  const created = toIso(new Date('2026-03-15T10:00:00.000Z'));
  const adHoc = { batches: ['Batch1', 'Batch2'], billCycleDay: '5', targetDate: '2026-04-01' };

  test('setup', async () => {
    a = await seedTenant(ctx.deps, 'A');
    b = await seedTenant(ctx.deps, 'B');
    tokenA = await tokenFor(ctx.app, a);
    tokenB = await tokenFor(ctx.app, b);
    assert.equal(toIso(ctx.clock.now()), created);
  });

  // ------------------------------------------------------------------------------------------
  // Bill Run API.

  let restRun: Record<string, unknown>;
  test('POST /v1/bill-runs creates a Pending run with every field, nulls included', async () => {
    const res = await call('POST', '/v1/bill-runs', {
      ...adHoc,
      chargeTypeToExclude: ['Usage'],
      name: 'March',
    });
    assert.equal(res.status, 200);
    restRun = res.body;
    assert.match(res.body.id as string, HEX);
    assert.match(res.body.createdById as string, HEX);
    assert.deepEqual(res.body, {
      id: res.body.id,
      billRunNumber: 'BR-00000001',
      name: 'March',
      status: 'Pending',
      autoEmail: false,
      autoPost: false,
      autoRenewal: false,
      noEmailForZeroAmountInvoice: false,
      includeSubscriptions: true,
      includeOrderLineItems: true,
      batches: ['Batch1', 'Batch2'],
      billCycleDay: '5',
      billRunFilters: null,
      chargeTypeToExclude: ['Usage'],
      invoiceDate: '2026-03-15',
      targetDate: '2026-04-01',
      invoiceDateOffset: null,
      invoiceDateMonthOffset: null,
      invoiceDateDayOfMonth: null,
      targetDateOffset: null,
      targetDateMonthOffset: null,
      targetDateDayOfMonth: null,
      schedule: null,
      scheduledExecutionTime: null,
      organizationLabels: null,
      createdById: res.body.createdById,
      createdDate: '2026-03-15 10:00:00',
      updatedById: res.body.createdById,
      updatedDate: '2026-03-15 10:00:00',
      success: true,
    });
    assert.deepEqual(
      zuoraSchemaProblems(
        'post',
        '/v1/bill-runs',
        200,
        withoutNulls(res.body),
        ZUORA_SPEC,
        BILL_RUN_EXTRAS,
      ),
      [],
    );
  });

  test('GET /v1/bill-runs/{billRunId} answers by id and by number, identically', async () => {
    const byId = await call('GET', `/v1/bill-runs/${restRun.id as string}`);
    const byNumber = await call('GET', '/v1/bill-runs/BR-00000001');
    assert.equal(byId.status, 200);
    assert.deepEqual(byId.body, restRun);
    assert.deepEqual(byNumber.body, restRun);
    assert.deepEqual(
      zuoraSchemaProblems(
        'get',
        '/v1/bill-runs/{billRunId}',
        200,
        withoutNulls(byId.body),
        ZUORA_SPEC,
        BILL_RUN_EXTRAS,
      ),
      [],
    );
  });

  test('an unknown run, or another tenant’s, is not found (cat40), with or without new versions', async () => {
    const unknown = await call(
      'GET',
      '/v1/bill-runs/0123456789abcdef0123456789abcdef',
      undefined,
      NEW,
    );
    assert.equal(unknown.status, 404);
    assert.equal((unknown.body.reasons as { code: string }[])[0]!.code, '50000040');
    const other = await call(
      'GET',
      `/v1/bill-runs/${restRun.id as string}`,
      undefined,
      NEW,
      tokenB,
    );
    assert.equal(other.status, 404);
    assert.deepEqual(other.body.reasons, [
      { code: '50000040', message: `Bill run ${restRun.id as string} does not exist.` },
    ]);
    const legacy = await call('GET', '/v1/bill-runs/BR-00000001', undefined, {}, tokenB);
    assert.equal(legacy.status, 200, 'old Zuora-Versions answer errors with HTTP 200');
    assert.equal(legacy.body.success, false);
  });

  const refused = async (body: unknown, code: string, message?: string) => {
    const res = await call('POST', '/v1/bill-runs', body, NEW);
    assert.equal(
      res.status,
      Number(code.slice(6)) === 22 || Number(code.slice(6)) < 40 ? 400 : 0,
      JSON.stringify(res.body),
    );
    const reason = (res.body.reasons as { code: string; message: string }[])[0]!;
    assert.equal(reason.code, code, JSON.stringify(res.body));
    if (message !== undefined) assert.equal(reason.message, message);
  };

  test('POST /v1/bill-runs refuses what C3.2.1 refuses, with its category', async () => {
    await refused(
      { ...adHoc, billRunFilters: [{ accountId: 'x', filterType: 'Account' }] },
      '56010020',
      'batches and billRunFilters cannot both be given.',
    );
    await refused({ targetDate: '2026-04-01' }, '56010022', 'batches is required.');
    await refused({ batches: ['AllBatches'] }, '56010022', 'targetDate is required.');
    await refused(
      { ...adHoc, billRunType: 'CatchUp' },
      '56010030',
      'Catch-up bill runs are not supported.',
    );
    await refused({ ...adHoc, batches: ['AllBatches', 'Batch2'] }, '56010020');
    await refused({ ...adHoc, batches: ['Batch51'] }, '56010020');
    await refused({ ...adHoc, billCycleDay: '32' }, '56010020');
    await refused({ ...adHoc, billCycleDay: 'AsRunDay' }, '56010020');
    await refused({ ...adHoc, chargeTypeToExclude: ['OneTime', 'Usage', 'Recurring'] }, '56010020');
    await refused({ ...adHoc, chargeTypeToExclude: ['Usage', 'Usage'] }, '56010020');
    await refused({ ...adHoc, targetDate: '2026-02-30' }, '56010020');
    const filters = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        accountId: 'acc',
        filterType: 'Subscription',
        subscriptionId: `sub${i}`,
      }));
    await refused(
      { targetDate: '2026-04-01', billRunFilters: filters(51) },
      '56010020',
      'At most 50 subscription filters can be given.',
    );
    await refused(
      {
        targetDate: '2026-04-01',
        billRunFilters: [{ accountId: 'acc', filterType: 'FilterCondition' }],
      },
      '56010020',
    );
    await refused(
      {
        targetDate: '2026-04-01',
        billRunFilters: [
          { accountId: 'acc', filterType: 'Account' },
          { accountId: 'acc', filterType: 'Subscription', subscriptionId: 's' },
        ],
      },
      '56010020',
    );
    await refused(
      {
        targetDate: '2026-04-01',
        billRunFilters: [{ accountId: 'acc', filterType: 'Subscription' }],
      },
      '56010022',
    );
    await refused(
      {
        targetDate: '2026-04-01',
        billRunFilters: [{ accountId: 'acc', filterType: 'Account' }],
        billCycleDay: '1',
      },
      '56010020',
    );
  });

  test('POST /v1/bill-runs with 50 subscription filters of one account is a single-account run', async () => {
    const billRunFilters = Array.from({ length: 50 }, (_, i) => ({
      accountId: 'acc1',
      filterType: 'Subscription',
      subscriptionId: `sub${i}`,
    }));
    const res = await call('POST', '/v1/bill-runs', { targetDate: '2026-04-01', billRunFilters });
    assert.equal(res.status, 200);
    assert.equal(res.body.batches, null);
    assert.equal(res.body.billCycleDay, null);
    assert.equal((res.body.billRunFilters as unknown[]).length, 50);
    assert.deepEqual((res.body.billRunFilters as unknown[])[49], {
      accountId: 'acc1',
      filterType: 'Subscription',
      objectType: null,
      subscriptionId: 'sub49',
    });
    await call('PUT', `/v1/bill-runs/${res.body.id as string}/cancel`, {});
  });

  test('a scheduled run gets its execution time and offsets; cancelOnce creates the next occurrence', async () => {
    const res = await call('POST', '/v1/bill-runs', {
      batches: ['AllBatches'],
      billCycleDay: 'AsRunDay',
      schedule: {
        repeatFrom: '2026-04-02',
        repeatType: 'Weekly',
        weeklyOnDay: ['Thu'],
        runTime: 6,
      },
      invoiceDate: '2026-04-03',
      targetDate: '2026-04-12',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.scheduledExecutionTime, '2026-04-02 06:00:00');
    assert.equal(res.body.invoiceDateOffset, 1);
    assert.equal(res.body.targetDateOffset, 10);
    assert.equal(res.body.billCycleDay, 'AsRunDay');
    assert.deepEqual(res.body.schedule, {
      repeatFrom: '2026-04-02',
      repeatTo: null,
      repeatType: 'Weekly',
      runTime: 6,
      weeklyOnDay: ['Thu'],
      monthlyOnEndOfMonth: null,
    });
    const cancel = await call('PUT', `/v1/bill-runs/${res.body.id as string}/cancel`, {
      cancelOnce: true,
    });
    assert.equal(cancel.status, 200);
    assert.equal(cancel.body.status, 'CancelInProgress');
    const next = cancel.body.nextRun as Record<string, unknown>;
    assert.equal(next.status, 'Pending');
    assert.notEqual(next.id, res.body.id);
    assert.notEqual(next.billRunNumber, res.body.billRunNumber);
    assert.equal(next.scheduledExecutionTime, '2026-04-09 06:00:00');
    assert.equal(next.invoiceDate, '2026-04-10');
    assert.equal(next.targetDate, '2026-04-19');
    assert.deepEqual(
      zuoraSchemaProblems(
        'put',
        '/v1/bill-runs/{billRunId}/cancel',
        200,
        withoutNulls(cancel.body),
        ZUORA_SPEC,
        BILL_RUN_EXTRAS,
      ),
      [],
    );
    await settle();
    const after = await call('GET', `/v1/bill-runs/${res.body.id as string}`);
    assert.equal(after.body.status, 'Canceled');
    await refused(
      {
        batches: ['AllBatches'],
        schedule: { repeatFrom: '2026-04-02', repeatType: 'Weekly', runTime: 6 },
      },
      '56010022',
      'schedule.weeklyOnDay is required.',
    );
    await refused(
      {
        batches: ['AllBatches'],
        schedule: { repeatFrom: '2036-04-02', repeatType: 'Daily', runTime: 6 },
      },
      '56010020',
    );
    await refused(
      {
        batches: ['AllBatches'],
        schedule: { repeatFrom: '2026-04-02', repeatType: 'Daily', runTime: 24 },
      },
      '56010020',
    );
  });

  test('cancel of a Pending run: CancelInProgress, then Canceled; then delete: RemoveInProgress, then gone', async () => {
    const run = await call('POST', '/v1/bill-runs', adHoc);
    const id = run.body.id as string;
    const cancel = await call('PUT', `/v1/bill-runs/${id}/cancel`, {});
    assert.equal(cancel.status, 200);
    assert.equal(cancel.body.status, 'CancelInProgress');
    assert.equal(cancel.body.nextRun, null);
    await settle();
    assert.equal((await call('GET', `/v1/bill-runs/${id}`)).body.status, 'Canceled');
    const again = await call('PUT', `/v1/bill-runs/${id}/cancel`, {}, NEW);
    assert.equal(again.status, 400);
    assert.deepEqual(again.body.reasons, [
      {
        code: '56020030',
        message: `The bill run ${run.body.billRunNumber as string} cannot be canceled: its status is Canceled, it must be Pending or Completed.`,
      },
    ]);
    const del = await call('DELETE', `/v1/bill-runs/${id}`);
    assert.equal(del.status, 200);
    assert.equal(del.body.status, 'RemoveInProgress');
    assert.deepEqual(
      zuoraSchemaProblems(
        'delete',
        '/v1/bill-runs/{billRunId}',
        200,
        withoutNulls(del.body),
        ZUORA_SPEC,
        BILL_RUN_EXTRAS,
      ),
      [],
    );
    await settle();
    assert.equal((await call('GET', `/v1/bill-runs/${id}`, undefined, NEW)).status, 404);
  });

  test('REST delete is allowed from Error; post from Completed goes through PostInProgress to Posted', async () => {
    const failed = await call('POST', '/v1/bill-runs', adHoc);
    await setStatus(failed.body.id as string, 'Error');
    assert.equal(
      (await call('DELETE', `/v1/bill-runs/${failed.body.id as string}`)).body.status,
      'RemoveInProgress',
    );

    const run = await call('POST', '/v1/bill-runs', adHoc);
    const id = run.body.id as string;
    const early = await call('PUT', `/v1/bill-runs/${id}/post`, { invoiceDate: '2026-04-02' }, NEW);
    assert.equal(early.status, 400);
    assert.equal((early.body.reasons as { code: string }[])[0]!.code, '56030030');
    await setStatus(id, 'Completed');
    const missingDate = await call('PUT', `/v1/bill-runs/${id}/post`, {}, NEW);
    assert.equal((missingDate.body.reasons as { code: string }[])[0]!.code, '56030022');
    const post = await call('PUT', `/v1/bill-runs/${id}/post`, { invoiceDate: '2026-04-02' });
    assert.equal(post.status, 200);
    assert.equal(post.body.status, 'PostInProgress');
    assert.equal(post.body.invoiceDate, '2026-04-02');
    assert.deepEqual(
      zuoraSchemaProblems(
        'put',
        '/v1/bill-runs/{billRunId}/post',
        200,
        withoutNulls(post.body),
        ZUORA_SPEC,
        BILL_RUN_EXTRAS,
      ),
      [],
    );
    await settle();
    assert.equal((await call('GET', `/v1/bill-runs/${id}`)).body.status, 'Posted');
    const cancelPosted = await call('PUT', `/v1/bill-runs/${id}/cancel`, {}, NEW);
    assert.equal((cancelPosted.body.reasons as { code: string }[])[0]!.code, '56020030');
    const delPosted = await call('DELETE', `/v1/bill-runs/${id}`, undefined, NEW);
    assert.equal((delPosted.body.reasons as { code: string }[])[0]!.code, '50000030');
  });

  test('every action during an …InProgress state is busy (cat50, HTTP 409)', async () => {
    const run = await call('POST', '/v1/bill-runs', adHoc);
    const id = run.body.id as string;
    for (const status of ['PostInProgress', 'CancelInProgress', 'RemoveInProgress']) {
      await setStatus(id, status);
      const post = await call(
        'PUT',
        `/v1/bill-runs/${id}/post`,
        { invoiceDate: '2026-04-02' },
        NEW,
      );
      assert.equal(post.status, 409, status);
      assert.equal((post.body.reasons as { code: string }[])[0]!.code, '56030050');
      const cancel = await call('PUT', `/v1/bill-runs/${id}/cancel`, {}, NEW);
      assert.equal((cancel.body.reasons as { code: string }[])[0]!.code, '56020050');
      const del = await call('DELETE', `/v1/bill-runs/${id}`, undefined, NEW);
      assert.equal((del.body.reasons as { code: string }[])[0]!.code, '50000050');
      const email = await call('POST', `/v1/bill-runs/${id}/emails`, {}, NEW);
      assert.equal((email.body.reasons as { code: string }[])[0]!.code, '56040050');
      const crud = await call('PUT', `/v1/object/bill-run/${id}`, { Status: 'Canceled' });
      assert.equal(crud.status, 400);
      assert.equal((crud.body.Errors as { Code: string }[])[0]!.Code, 'INVALID_VALUE');
    }
  });

  test('emails: refused without posted documents (cat30, C3.2.7); the body is required', async () => {
    const run = await call('POST', '/v1/bill-runs', adHoc);
    const id = run.body.id as string;
    const early = await call(
      'POST',
      `/v1/bill-runs/${run.body.billRunNumber as string}/emails`,
      {},
      NEW,
    );
    assert.equal(early.status, 400);
    assert.deepEqual(early.body.reasons, [
      {
        code: '56040030',
        message: `The bill run ${run.body.billRunNumber as string} has no posted documents to email.`,
      },
    ]);
    await setStatus(id, 'Posted', { number_of_invoices: 3, number_of_accounts: 3 });
    const noDocs = await call('POST', `/v1/bill-runs/${id}/emails`, { resend: true }, NEW);
    assert.equal(noDocs.status, 400, 'counters are not documents: nothing posted to email');
    assert.equal((noDocs.body.reasons as { code: string }[])[0]!.code, '56040030');
    const noBody = await ctx.app.inject({
      method: 'POST',
      url: `/v1/bill-runs/${id}/emails`,
      headers: { authorization: `Bearer ${tokenA}`, ...NEW },
    });
    assert.equal(noBody.statusCode, 400, 'the body is required');
  });

  // ------------------------------------------------------------------------------------------
  // CRUD.

  let crudId: string;
  const crudPost = (body: Record<string, unknown>, wsdl?: string) =>
    call(
      'POST',
      '/v1/object/bill-run',
      body,
      wsdl === undefined ? {} : { 'x-zuora-wsdl-version': wsdl },
    );

  test('CRUD POST accepts string booleans and 01–31 and answers {Success, Id}', async () => {
    const res = await crudPost({
      InvoiceDate: '2026-03-20',
      TargetDate: '2026-04-01',
      Batch: 'Batch3',
      BillCycleDay: '01',
      AutoPost: 'true',
      AutoEmail: 'false',
      ChargeTypeToExclude: 'OneTime,Usage,Recurring',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['Success', 'Id']);
    assert.equal(res.body.Success, true);
    crudId = res.body.Id as string;
    assert.match(crudId, HEX);
    assert.deepEqual(
      zuoraSchemaProblems(
        'post',
        '/v1/object/bill-run',
        200,
        withoutNulls(res.body),
        ZUORA_CRUD_SPEC,
      ),
      [],
    );
  });

  test('CRUD POST/PUT with ?rejectUnknownFields=true refuse an unknown field with 400 {"message"} (C1.9); without it the field is ignored', async () => {
    const body = {
      InvoiceDate: '2026-03-20',
      TargetDate: '2026-04-01',
      Batch: 'Batch4',
      Colour: 'red',
    };
    const refused = await call('POST', '/v1/object/bill-run?rejectUnknownFields=true', body);
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.deepEqual(refused.body, { message: 'Error - unrecognised fields' });
    const put = await call('PUT', `/v1/object/bill-run/${crudId}?rejectUnknownFields=true`, {
      Status: 'Canceled',
      Extra: 1,
    });
    assert.equal(put.status, 400, JSON.stringify(put.body));
    assert.deepEqual(put.body, { message: 'Error - unrecognised fields' });
    const { Colour: _ignored, ...known } = body;
    const accepted = await call('POST', '/v1/object/bill-run?rejectUnknownFields=true', known);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const lenient = await call('POST', '/v1/object/bill-run?rejectUnknownFields=false', body);
    assert.equal(lenient.status, 200, JSON.stringify(lenient.body));
    const v1 = await call('POST', '/v1/bill-runs?rejectUnknownFields=true', {
      batches: ['Batch4'],
      targetDate: '2026-04-01',
      colour: 'red',
    });
    assert.equal(v1.status, 200, 'v1 REST ignores unknown fields (C1.9)');
  });

  test('CRUD GET gives exactly the seed fields, nulls omitted; Batch or Batches by WSDL version', async () => {
    const res = await call('GET', `/v1/object/bill-run/${crudId}`);
    assert.equal(res.status, 200);
    const number = res.body.BillRunNumber as string;
    assert.match(number, /^BR-\d{8}$/);
    assert.deepEqual(res.body, {
      Id: crudId,
      AutoEmail: false,
      AutoPost: true,
      AutoRenewal: false,
      Batch: 'Batch3',
      BillCycleDay: '01',
      BillRunNumber: number,
      CreatedById: res.body.CreatedById,
      CreatedDate: res.body.CreatedDate,
      NoEmailForZeroAmountInvoice: false,
      InvoiceDate: '2026-03-20',
      InvoicesEmailed: false,
      NumberOfAccounts: 0,
      NumberOfInvoices: 0,
      Status: 'Pending',
      TargetDate: '2026-04-01',
      UpdatedById: res.body.CreatedById,
      UpdatedDate: res.body.CreatedDate,
    });
    assert.match(res.body.CreatedDate as string, /^2026-03-15T10:0\d:00\.000\+00:00$/);
    assert.deepEqual(
      zuoraSchemaProblems(
        'get',
        '/v1/object/bill-run/{id}',
        200,
        withoutNulls(res.body),
        ZUORA_CRUD_SPEC,
      ),
      [],
    );
    const v102 = await call('GET', `/v1/object/bill-run/${crudId}`, undefined, {
      'x-zuora-wsdl-version': '102',
    });
    assert.equal(v102.body.Batches, 'Batch3');
    assert.equal('Batch' in v102.body, false);
    const fields = await call(
      'GET',
      `/v1/object/bill-run/${crudId}?fields=status, chargetypetoexclude,NumberOfCreditMemos`,
    );
    assert.deepEqual(fields.body, {
      Status: 'Pending',
      ChargeTypeToExclude: 'OneTime,Usage,Recurring',
      NumberOfCreditMemos: 0,
    });
    const bad = await call('GET', `/v1/object/bill-run/${crudId}?fields=Status,Bogus`);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, {
      Success: false,
      Errors: [{ Code: 'INVALID_FIELD', Message: 'Invalid field name: Bogus' }],
    });
  });

  test('CRUD GET of an unknown id, or another tenant’s run, is 404 {done, records, size}', async () => {
    for (const [id, token] of [
      ['0123456789abcdef0123456789abcdef', tokenA],
      [crudId, tokenB],
    ] as const) {
      const res = await call('GET', `/v1/object/bill-run/${id}`, undefined, {}, token);
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { done: true, records: [], size: 0 });
    }
    const put = await call(
      'PUT',
      `/v1/object/bill-run/${crudId}`,
      { Status: 'Canceled' },
      {},
      tokenB,
    );
    assert.equal(put.status, 404);
    assert.equal((put.body.Errors as { Code: string }[])[0]!.Code, 'INVALID_ID');
    const del = await call('DELETE', `/v1/object/bill-run/${crudId}`, undefined, {}, tokenB);
    assert.equal(del.status, 404);
    assert.equal((del.body.Errors as { Code: string }[])[0]!.Code, 'INVALID_ID');
    assert.equal(
      (await call('GET', `/v1/object/bill-run/${crudId}`)).body.Status,
      'Pending',
      'untouched',
    );
  });

  const crudRefused = async (body: Record<string, unknown>, code: string, wsdl?: string) => {
    const res = await crudPost(
      { InvoiceDate: '2026-03-20', TargetDate: '2026-04-01', ...body },
      wsdl,
    );
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.Success, false);
    assert.equal((res.body.Errors as { Code: string }[])[0]!.Code, code, JSON.stringify(res.body));
  };

  test('CRUD POST refuses what C3.1 refuses, with its CRUD code', async () => {
    await crudRefused({ Batches: 'Batch1' }, 'INVALID_VERSION');
    await crudRefused({ Batch: 'Batch1' }, 'INVALID_VERSION', '102');
    await crudRefused({ Batches: 'AllBatches,Batch2' }, 'INVALID_VALUE', '102');
    await crudRefused({ Batches: ['Batch1', 'Batch1'] }, 'INVALID_VALUE', '102');
    await crudRefused({ AccountId: 'acc', Batch: 'Batch1' }, 'INVALID_VALUE');
    await crudRefused({ AccountId: 'acc', BillCycleDay: '1' }, 'INVALID_VALUE');
    await crudRefused({}, 'MISSING_REQUIRED_VALUE');
    await crudRefused({ Batch: 'Batch1', AutoPost: 'yes' }, 'INVALID_VALUE');
    await crudRefused({ Batch: 'Batch1', BillCycleDay: '00' }, 'INVALID_VALUE');
    await crudRefused({ Batch: 'Batch1', ChargeTypeToExclude: 'OneTime,OneTime' }, 'INVALID_VALUE');
    await crudRefused({ Batch: 'Batch1', TargetDate: '2026/04/01' }, 'INVALID_VALUE');
    const noTarget = await call('POST', '/v1/object/bill-run', {
      InvoiceDate: '2026-03-20',
      Batch: 'Batch1',
    });
    assert.deepEqual(noTarget.body, {
      Success: false,
      Errors: [{ Code: 'MISSING_REQUIRED_VALUE', Message: 'TargetDate is required.' }],
    });
  });

  test('CRUD POST with Batches (WSDL 102, array or comma list) and a single-account run', async () => {
    const list = await crudPost(
      {
        InvoiceDate: '2026-03-20',
        TargetDate: '2026-04-01',
        Batches: 'Batch1, Batch7',
        BillCycleDay: 7,
      },
      '102',
    );
    assert.equal(list.status, 200);
    const got = await call(
      'GET',
      `/v1/object/bill-run/${list.body.Id as string}?fields=Batches,BillCycleDay`,
      undefined,
      {
        'x-zuora-wsdl-version': '102',
      },
    );
    assert.deepEqual(got.body, { Batches: 'Batch1,Batch7', BillCycleDay: '07' });
    const single = await crudPost({
      InvoiceDate: '2026-03-20',
      TargetDate: '2026-04-01',
      AccountId: 'acc-1',
    });
    assert.equal(single.status, 200);
    const rest = await call('GET', `/v1/bill-runs/${single.body.Id as string}`);
    assert.equal(rest.body.batches, null);
    assert.equal(rest.body.billCycleDay, null);
    const oq = await call(
      'GET',
      `/object-query/billing-runs/${single.body.Id as string}?fields[]=targetType,accountId`,
    );
    assert.deepEqual(oq.body, { targetType: 'SingleAccount', accountId: 'acc-1' });
  });

  test('CRUD PUT: Status Posted|Canceled only; cancel then delete as C3 says', async () => {
    const bad = await call('PUT', `/v1/object/bill-run/${crudId}`, { Status: 'Completed' });
    assert.equal(bad.status, 400);
    assert.equal((bad.body.Errors as { Code: string }[])[0]!.Code, 'INVALID_VALUE');
    const post = await call('PUT', `/v1/object/bill-run/${crudId}`, {
      Status: 'Posted',
      InvoiceDate: '2026-03-21',
    });
    assert.equal(post.status, 400);
    const number = (await call('GET', `/v1/object/bill-run/${crudId}`)).body
      .BillRunNumber as string;
    assert.deepEqual(post.body, {
      Success: false,
      Errors: [
        {
          Code: 'INVALID_VALUE',
          Message: `The bill run ${number} cannot be posted: its status is Pending, it must be Completed.`,
        },
      ],
    });
    const delPending = await call('DELETE', `/v1/object/bill-run/${crudId}`);
    assert.equal(delPending.status, 400);
    const cancel = await call('PUT', `/v1/object/bill-run/${crudId}`, { Status: 'Canceled' });
    assert.deepEqual(cancel.body, { Success: true, Id: crudId });
    await settle();
    assert.equal((await call('GET', `/v1/object/bill-run/${crudId}`)).body.Status, 'Canceled');
    const del = await call('DELETE', `/v1/object/bill-run/${crudId}`);
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { Success: true, Id: crudId });
    await settle();
    assert.equal((await call('GET', `/v1/object/bill-run/${crudId}`)).status, 404);
    const crudErrorRun = await crudPost({
      InvoiceDate: '2026-03-20',
      TargetDate: '2026-04-01',
      Batch: 'Batch1',
    });
    await setStatus(crudErrorRun.body.Id as string, 'Error');
    const delError = await call('DELETE', `/v1/object/bill-run/${crudErrorRun.body.Id as string}`);
    assert.equal(delError.status, 400, 'CRUD delete needs Canceled (C7 #12)');
  });

  // ------------------------------------------------------------------------------------------
  // Object Query.

  test('GET /object-query/billing-runs pages with a cursor, filters, sorts and picks fields', async () => {
    const all: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const res = await call(
        'GET',
        `/object-query/billing-runs?pageSize=2&sort[]=billingRunNumber.ASC&fields[]=billingRunNumber${cursor === '' ? '' : `&cursor=${cursor}`}`,
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        zuoraSchemaProblems(
          'get',
          '/object-query/billing-runs',
          200,
          withoutNulls(res.body),
          ZUORA_SPEC,
          BILL_RUN_EXTRAS,
        ),
        [],
      );
      all.push(...(res.body.data as { billingRunNumber: string }[]).map((d) => d.billingRunNumber));
      cursor = res.body.nextPage as string | null;
      pages++;
    }
    assert.ok(all.length > 4);
    assert.equal(pages, Math.ceil(all.length / 2));
    assert.deepEqual(all, [...all].sort());
    assert.equal(new Set(all).size, all.length);

    const canceled = await call(
      'GET',
      '/object-query/billing-runs?filter[]=status.EQ:Canceled&pageSize=99',
    );
    assert.equal(canceled.status, 200, JSON.stringify(canceled.body));
    const data = canceled.body.data as Record<string, unknown>[];
    assert.ok(data.length >= 1);
    for (const d of data) assert.equal(d.status, 'Canceled');
    assert.equal('name' in data[0]! && data[0].name === null, false, 'nulls omitted by default');
    const withNulls = await call(
      'GET',
      `/object-query/billing-runs/${data[0]!.id as string}?includeNullFields=true`,
    );
    assert.equal(withNulls.body.errorMessage, null);
    assert.deepEqual(
      zuoraSchemaProblems(
        'get',
        '/object-query/billing-runs/{key}',
        200,
        withoutNulls(withNulls.body),
        ZUORA_SPEC,
        BILL_RUN_EXTRAS,
      ),
      [],
    );
    const inList = await call(
      'GET',
      '/object-query/billing-runs?filter[]=billingRunNumber.IN:[BR-00000001,BR-00000002]&sort[]=billingRunNumber.DESC',
    );
    assert.deepEqual(
      (inList.body.data as { billingRunNumber: string }[]).map((d) => d.billingRunNumber),
      ['BR-00000002', 'BR-00000001'],
    );
    const other = await call('GET', '/object-query/billing-runs', undefined, {}, tokenB);
    assert.deepEqual(other.body, { nextPage: null, data: [] });
    const otherByKey = await call(
      'GET',
      `/object-query/billing-runs/${data[0]!.id as string}`,
      undefined,
      {},
      tokenB,
    );
    assert.equal(otherByKey.status, 404, 'another tenant’s run is unknown');
    assert.equal((otherByKey.body.reasons as { code: number }[])[0]!.code, 50000040);
  });

  test('Object Query refuses expand[], unknown fields and bad filters with cat27', async () => {
    for (const q of [
      'expand[]=accounts',
      'filter[]=bogus.EQ:1',
      'filter[]=status.XX:Pending',
      'filter[]=numberofinvoices.GT:many',
      'sort[]=status.UP',
      'fields[]=nope',
      'pageSize=100',
      'pageSize=0',
      'cursor=xyz',
    ]) {
      const res = await call('GET', `/object-query/billing-runs?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal((res.body.reasons as { code: number }[])[0]!.code, 50000027, q);
      assert.match(res.body.requestId as string, UUID);
    }
    const unknown = await call('GET', '/object-query/billing-runs/BR-99999999');
    assert.equal(unknown.status, 404);
    assert.equal((unknown.body.reasons as { code: number }[])[0]!.code, 50000040);
  });

  // ------------------------------------------------------------------------------------------
  // Limits.

  test('more than 500 Pending runs of one operation refuse further creations (cat30 / INVALID_VALUE)', async () => {
    const c = await seedTenant(ctx.deps, 'C');
    const tokenC = await tokenFor(ctx.app, c);
    const now = toIso(ctx.clock.now());
    const base = {
      tenant_id: c.tenantId,
      entity_id: c.entityId,
      status: 'Pending',
      created_by_id: 'u',
      created_at: now,
      updated_by_id: 'u',
      updated_at: now,
    };
    await ctx.deps.db.db.transaction().execute(async (tx) => {
      for (let i = 1; i <= 501; i++)
        await tx
          .insertInto('bill_runs')
          .values({
            ...base,
            id: `r${i}`,
            number: `BR-9${String(i).padStart(7, '0')}`,
            origin: 'rest',
          })
          .execute();
      await tx
        .insertInto('bill_run_numbers')
        .values({ tenant_id: c.tenantId, entity_id: c.entityId, last: 0 })
        .execute();
    });
    const res = await call('POST', '/v1/bill-runs', adHoc, NEW, tokenC);
    assert.equal(res.status, 400);
    assert.equal((res.body.reasons as { code: string }[])[0]!.code, '56010030');
    // The CRUD operation counts its own runs (C3.1: "created through this operation").
    const crud = await call(
      'POST',
      '/v1/object/bill-run',
      { InvoiceDate: '2026-03-20', TargetDate: '2026-04-01', Batch: 'Batch1' },
      {},
      tokenC,
    );
    assert.equal(crud.status, 200);
    assert.equal(
      (
        await call(
          'GET',
          `/v1/object/bill-run/${crud.body.Id as string}?fields=BillRunNumber`,
          undefined,
          {},
          tokenC,
        )
      ).body.BillRunNumber,
      'BR-00000001',
      'the refused creation left no gap in the numbers',
    );
    await store.updateBillRunIf(
      ctx.deps.db.db,
      { tenantId: c.tenantId, entityId: c.entityId },
      'r1',
      ['Pending'],
      { status: 'Completed' },
    );
    assert.equal(
      (await call('POST', '/v1/bill-runs', adHoc, NEW, tokenC)).status,
      200,
      'with exactly 500 Pending runs, creation is allowed again',
    );
  });

  // ------------------------------------------------------------------------------------------
  // Per-account outcomes.

  test('GET /folio/v1/bill-runs/{id}/errors lists the accounts a run could not bill', async () => {
    const run = await call('POST', '/v1/bill-runs', adHoc);
    const id = run.body.id as string;
    const base = {
      bill_run_id: id,
      tenant_id: a.tenantId,
      entity_id: a.entityId,
      chunk: 0,
      invoices: 0,
      credit_memos: 0,
      updated_at: created,
    };
    await ctx.deps.db.db
      .insertInto('bill_run_accounts')
      .values([
        { ...base, account_id: 'acc-b', status: 'failed', error: 'No price in EUR for charge C1.' },
        { ...base, account_id: 'acc-a', status: 'failed', error: 'No price in USD for charge C2.' },
        { ...base, account_id: 'acc-c', status: 'billed', invoices: 1, error: null },
      ])
      .execute();
    const admin = { authorization: 'Bearer demo-admin' };
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/folio/v1/bill-runs/${id}/errors`,
      headers: admin,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      billRunId: id,
      billRunNumber: run.body.billRunNumber,
      status: 'Pending',
      errorMessage: null,
      errors: [
        { accountId: 'acc-a', message: 'No price in USD for charge C2.' },
        { accountId: 'acc-b', message: 'No price in EUR for charge C1.' },
      ],
      nextPage: null,
      success: true,
    });
    const tenantToken = await ctx.app.inject({
      method: 'GET',
      url: `/folio/v1/bill-runs/${id}/errors`,
      headers: { authorization: `Bearer ${tokenA}` },
    });
    assert.equal(tenantToken.statusCode, 401, 'a tenant token is not an admin token');
    const unknown = await ctx.app.inject({
      method: 'GET',
      url: '/folio/v1/bill-runs/0123456789abcdef0123456789abcdef/errors',
      headers: admin,
    });
    assert.equal(unknown.statusCode, 404);
  });

  test('an account can be pending in one run at a time (C3.4.7), and a run holds an account once', async () => {
    const one = await call('POST', '/v1/bill-runs', adHoc);
    const two = await call('POST', '/v1/bill-runs', adHoc);
    const row = (billRunId: string) => ({
      bill_run_id: billRunId,
      account_id: 'acc-busy',
      tenant_id: a.tenantId,
      entity_id: a.entityId,
      chunk: 0,
      status: 'pending',
      updated_at: created,
    });
    await ctx.deps.db.db
      .insertInto('bill_run_accounts')
      .values(row(one.body.id as string))
      .execute();
    await assert.rejects(
      ctx.deps.db.db
        .insertInto('bill_run_accounts')
        .values(row(two.body.id as string))
        .execute(),
    );
    await assert.rejects(
      ctx.deps.db.db
        .insertInto('bill_run_accounts')
        .values({ ...row(one.body.id as string), status: 'billed' })
        .execute(),
    );
    await ctx.deps.db.db
      .updateTable('bill_run_accounts')
      .set({ status: 'billed' })
      .where('bill_run_id', '=', one.body.id as string)
      .execute();
    await ctx.deps.db.db
      .insertInto('bill_run_accounts')
      .values(row(two.body.id as string))
      .execute();
  });
});
