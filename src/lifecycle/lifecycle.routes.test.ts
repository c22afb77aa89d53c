/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- response bodies are read as untyped JSON */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor, type SeededTenant } from '../../test/harness.ts';
import { call, createAccountOverHttp, seedCatalog } from '../../test/billing-fixtures.ts';

const ADMIN = { authorization: 'Bearer demo-admin' };

forEachDb('admin API: lifecycle control of bill runs and bulk-PDF jobs', (ctx) => {
  let t: SeededTenant;
  let token: string;
  let invoiceIds: string[];

  const admin = async (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
    ctx.app.inject({
      method,
      url,
      headers: ADMIN,
      ...(payload === undefined ? {} : { payload }),
    });
  const setMode = async (mode: string, polls?: number) => {
    const res = await admin('PUT', `/folio/v1/tenants/${t.tenantId}/lifecycle`, {
      mode,
      ...(polls === undefined ? {} : { polls }),
    });
    assert.equal(res.statusCode, 200, res.body);
  };
  let month = 3;
  // Each run bills the next month, so every run has one invoice per account to make.
  const newRun = async () => {
    month++;
    const res = await call(ctx.app, token, 'POST', '/v1/bill-runs', {
      batches: ['AllBatches'],
      targetDate: `2026-${String(month).padStart(2, '0')}-01`,
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const runStatus = async (id: string) => {
    const res = await call(ctx.app, token, 'GET', `/v1/bill-runs/${id}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const invoicesOf = async (id: string): Promise<number> => {
    const res = await call(ctx.app, token, 'GET', `/v1/object/bill-run/${id}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().NumberOfInvoices as number;
  };
  const newBulk = async () => {
    const res = await call(ctx.app, token, 'POST', '/v1/operations/bulk-pdf', {
      documents: [{ docType: 'Invoice', objectIds: invoiceIds }],
      fileName: 'invoices',
      indexFileFormat: 'JSON',
      generateMissingPDF: true,
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().jobId as string;
  };
  const bulkStatus = async (id: string) => {
    const res = await call(ctx.app, token, 'GET', `/v1/operations/bulk-pdf/${id}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  test('setup: a tenant with three billed accounts; its mode starts real', async () => {
    t = await seedTenant(ctx.deps, 'Lifecycle');
    token = await tokenFor(ctx.app, t);
    const { planId } = await seedCatalog(ctx.app, token);
    invoiceIds = [];
    for (let i = 0; i < 3; i++)
      invoiceIds.push((await createAccountOverHttp(ctx.app, token, planId)).invoiceId);
    await ctx.deps.queue.runUntilIdle();
    const res = await admin('GET', `/folio/v1/tenants/${t.tenantId}/lifecycle`);
    assert.deepEqual(res.json(), { tenantId: t.tenantId, mode: 'real', polls: 1 });
  });

  test('real: a new bill run stays Pending until the runner moves it', async () => {
    const run = await newRun();
    assert.equal(run.status, 'Pending');
    assert.equal((await runStatus(run.id)).status, 'Pending');
    await ctx.deps.queue.runUntilIdle();
    assert.equal((await runStatus(run.id)).status, 'Completed');
  });

  test('immediately: create, post and bulk PDF answer with the job already finished', async () => {
    await setMode('immediately');
    const run = await newRun();
    assert.equal(run.status, 'Completed', 'the create call settled the whole run');
    assert.equal(await invoicesOf(run.id), 3);
    const posted = await call(ctx.app, token, 'PUT', `/v1/bill-runs/${run.id}/post`, {
      invoiceDate: '2026-04-01',
    });
    assert.equal(posted.statusCode, 200, posted.body);
    assert.equal(posted.json().status, 'Posted');
    const jobId = await newBulk();
    const job = await bulkStatus(jobId);
    assert.equal(job.status, 'Completed');
    assert.equal(job.fileUrls.length, 1);
  });

  test('manual: each advance moves one status; the runner never moves a held run', async () => {
    await setMode('manual');
    const run = await newRun();
    assert.equal(run.status, 'Pending');
    await ctx.deps.queue.runUntilIdle();
    assert.equal((await runStatus(run.id)).status, 'Pending', 'held: the runner cannot take it');
    const seen: string[] = [];
    for (;;) {
      const res = await admin('POST', `/folio/v1/jobs/${run.id}/advance`);
      if (res.statusCode !== 200) {
        assert.equal(res.statusCode, 400, res.body);
        assert.match(res.json().reasons[0].message, /no held step/);
        break;
      }
      assert.equal(res.json().status, (await runStatus(run.id)).status);
      seen.push(res.json().status as string);
    }
    assert.deepEqual(seen, ['Processing', 'Completed']);
    assert.equal(await invoicesOf(run.id), 3);
  });

  test('manual: a bulk-PDF job moves one step per advance, in C5.4 order', async () => {
    const jobId = await newBulk();
    const steps: string[] = [
      `${(await bulkStatus(jobId)).status}/${(await bulkStatus(jobId)).stepStatus}`,
    ];
    for (let i = 0; i < 10; i++) {
      const res = await admin('POST', `/folio/v1/jobs/${jobId}/advance`);
      if (res.statusCode !== 200) break;
      const j = await bulkStatus(jobId);
      steps.push(`${j.status}/${j.stepStatus}`);
    }
    assert.deepEqual(steps, [
      'Submitted/JobCreated',
      'Executing/PdfToZip',
      'Completed/PostProcessing',
    ]);
  });

  test('polls: every second GET moves the run one status', async () => {
    await setMode('polls', 2);
    const run = await newRun();
    const seen = [];
    for (let i = 0; i < 6; i++) seen.push((await runStatus(run.id)).status);
    assert.deepEqual(seen, [
      'Pending',
      'Processing',
      'Processing',
      'Completed',
      'Completed',
      'Completed',
    ]);
  });

  test('force: a held run fails at Processing with the reason; statuses only move forward', async () => {
    await setMode('manual');
    const run = await newRun();
    const early = await admin('POST', `/folio/v1/jobs/${run.id}/force`, {
      status: 'Error',
      reason: 'Simulated database outage',
    });
    assert.equal(early.statusCode, 200, early.body);
    assert.deepEqual(early.json().force, {
      step: 'Processing',
      reason: 'Simulated database outage',
    });
    assert.equal((await runStatus(run.id)).status, 'Pending');
    // Pending → Processing, where the forced failure happens at once.
    const adv = await admin('POST', `/folio/v1/jobs/${run.id}/advance`);
    assert.equal(adv.statusCode, 200, adv.body);
    assert.equal(adv.json().status, 'Error');
    const failed = await runStatus(run.id);
    assert.equal(failed.status, 'Error');
    const crud = await call(
      ctx.app,
      token,
      'GET',
      `/v1/object/bill-run/${run.id}?fields=Status,ErrorMessage`,
    );
    assert.deepEqual(crud.json(), { Status: 'Error', ErrorMessage: 'Simulated database outage' });
    assert.equal(await invoicesOf(run.id), 0, 'no account was billed');
    const again = await admin('POST', `/folio/v1/jobs/${run.id}/force`, {
      status: 'Error',
      reason: 'x',
    });
    assert.equal(again.statusCode, 400, again.body);
    assert.match(again.json().reasons[0].message, /reaches Error only while/);
  });

  test('force: a bulk-PDF job fails at the chosen step, with the reason as message', async () => {
    await setMode('real');
    const jobId = await newBulk();
    const bad = await admin('POST', `/folio/v1/jobs/${jobId}/force`, {
      status: 'Error',
      reason: 'x',
      step: 'Processing',
    });
    assert.equal(bad.statusCode, 400, bad.body);
    const res = await admin('POST', `/folio/v1/jobs/${jobId}/force`, {
      status: 'Error',
      reason: 'Simulated storage failure',
      step: 'PdfToZip',
    });
    assert.equal(res.statusCode, 200, res.body);
    await ctx.deps.queue.runUntilIdle();
    const j = await bulkStatus(jobId);
    assert.equal(j.status, 'Error');
    assert.equal(j.stepStatus, 'PdfToZip');
    assert.equal(j.message, 'Simulated storage failure');
    assert.deepEqual(j.fileUrls, []);
  });

  test("a job's own mode overrides its tenant's; releasing it hands it to the runner", async () => {
    await setMode('manual');
    const run = await newRun();
    const own = await admin('PUT', `/folio/v1/jobs/${run.id}/lifecycle`, { mode: 'real' });
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.json().override, true);
    assert.equal(own.json().heldSteps, 0);
    await ctx.deps.queue.runUntilIdle();
    assert.equal((await runStatus(run.id)).status, 'Completed');
    // Held runs of the tenant are released when the tenant's mode stops holding them.
    const held = await newRun();
    assert.equal((await admin('GET', `/folio/v1/jobs/${held.id}`)).json().heldSteps, 1);
    await setMode('immediately');
    assert.equal((await runStatus(held.id)).status, 'Completed');
    await setMode('real');
  });

  test('bad input gets 400, unknown jobs 404, and a tenant token is refused', async () => {
    const polls = await admin('PUT', `/folio/v1/tenants/${t.tenantId}/lifecycle`, {
      mode: 'manual',
      polls: 3,
    });
    assert.equal(polls.statusCode, 400, polls.body);
    const mode = await admin('PUT', `/folio/v1/tenants/${t.tenantId}/lifecycle`, {
      mode: 'fast',
    });
    assert.equal(mode.statusCode, 400, mode.body);
    const missing = await admin('POST', `/folio/v1/jobs/${'a'.repeat(32)}/advance`);
    assert.equal(missing.statusCode, 404, missing.body);
    for (const [method, url] of [
      ['GET', `/folio/v1/tenants/${t.tenantId}/lifecycle`],
      ['PUT', `/folio/v1/tenants/${t.tenantId}/lifecycle`],
      ['GET', `/folio/v1/jobs/${'a'.repeat(32)}`],
      ['POST', `/folio/v1/jobs/${'a'.repeat(32)}/advance`],
      ['POST', `/folio/v1/jobs/${'a'.repeat(32)}/force`],
    ] as const) {
      const res = await ctx.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        payload: { mode: 'real' },
      });
      assert.equal(res.statusCode, 401, `${method} ${url}: ${res.body}`);
    }
  });
});
