/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- response bodies are read as untyped JSON and checked by the assertions */
/** The billing model through HTTP (C4): catalog → account with runBilling → invoice, on both databases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { forEachDb, seedTenant, tokenFor } from '../../test/harness.ts';

const NEW = { 'zuora-version': '2024-05-20' };

const call = async (
  app: FastifyInstance,
  token: string,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...NEW },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

/** Creates product, rate plan and a monthly flat fee charge of 30 USD; returns the plan id. */
export const seedCatalog = async (app: FastifyInstance, token: string): Promise<string> => {
  const p = await call(app, token, 'POST', '/v1/object/product', {
    Name: 'Gold',
    EffectiveStartDate: '2020-01-01',
    EffectiveEndDate: '2099-12-31',
  });
  assert.equal(p.statusCode, 200, p.body);
  const rp = await call(app, token, 'POST', '/v1/object/product-rate-plan', {
    Name: 'Monthly',
    ProductId: p.json().Id,
  });
  assert.equal(rp.statusCode, 200, rp.body);
  const c = await call(app, token, 'POST', '/v1/object/product-rate-plan-charge', {
    Name: 'Fee',
    ProductRatePlanId: rp.json().Id,
    ChargeType: 'Recurring',
    ChargeModel: 'Flat Fee Pricing',
    BillingPeriod: 'Month',
    BillCycleType: 'DefaultFromCustomer',
    TriggerEvent: 'ContractEffective',
    UseDiscountSpecificAccountingCode: false,
    ProductRatePlanChargeTierData: { ProductRatePlanChargeTier: [{ Currency: 'USD', Price: 30 }] },
  });
  assert.equal(c.statusCode, 200, c.body);
  return rp.json().Id as string;
};

const accountBody = (planId: string) => ({
  name: 'Acme',
  currency: 'USD',
  billCycleDay: 1,
  billToContact: { firstName: 'Ada', lastName: 'Lovelace' },
  subscription: {
    contractEffectiveDate: '2026-03-15',
    termType: 'EVERGREEN',
    subscribeToRatePlans: [{ productRatePlanId: planId }],
  },
  runBilling: true,
  targetDate: '2026-03-15',
});

forEachDb('billing model over HTTP', (ctx) => {
  let token = '';
  let other = '';
  let planId = '';
  let created: Record<string, string> = {};

  test('acceptance: Mar 15 start, BCD 1 → one Posted invoice of 16.45, chargedThroughDate Apr 1', async () => {
    const t = await seedTenant(ctx.deps, 'Main');
    token = await tokenFor(ctx.app, t);
    other = await tokenFor(ctx.app, await seedTenant(ctx.deps, 'Other'));
    planId = await seedCatalog(ctx.app, token);
    const res = await call(ctx.app, token, 'POST', '/v1/accounts', accountBody(planId));
    assert.equal(res.statusCode, 200, res.body);
    created = res.json();
    assert.equal(created.success, true as unknown as string);
    assert.equal(created.accountNumber, 'A00000001');
    assert.equal(created.subscriptionNumber, 'A-S00000001');

    const inv = await call(ctx.app, token, 'GET', `/v1/invoices/${created.invoiceId}`);
    assert.equal(inv.statusCode, 200, inv.body);
    const body = inv.json();
    assert.equal(body.status, 'Posted');
    assert.equal(body.amount, 16.45);
    assert.equal(body.source, 'API');
    assert.equal(body.invoiceNumber, 'INV00000001');
    assert.equal(body.dueDate, '2026-03-15');

    const byNumber = await call(ctx.app, token, 'GET', '/v1/invoices/INV00000001');
    assert.equal(byNumber.json().id, created.invoiceId);

    const sub = await call(
      ctx.app,
      token,
      'GET',
      `/v1/subscriptions/${created.subscriptionNumber}`,
    );
    assert.equal(sub.statusCode, 200, sub.body);
    const charge = sub.json().ratePlans[0].ratePlanCharges[0];
    assert.equal(charge.chargedThroughDate, '2026-04-01');
    assert.equal(charge.price, 30);

    const files = await call(ctx.app, token, 'GET', `/v1/invoices/${created.invoiceId}/files`);
    assert.deepEqual(files.json(), { success: true, invoiceFiles: [] });

    const acct = await call(ctx.app, token, 'GET', '/v1/accounts/A00000001');
    assert.equal(acct.statusCode, 200, acct.body);
    assert.equal(acct.json().basicInfo.id, created.accountId);
    assert.equal(acct.json().billingAndPayment.billCycleDay, 1);
    assert.equal(acct.json().metrics.balance, '16.45');
  });

  test('POST /v1/subscriptions bills the new subscription with source ApiSubscribe', async () => {
    const res = await call(ctx.app, token, 'POST', '/v1/subscriptions', {
      accountKey: created.accountNumber,
      contractEffectiveDate: '2026-04-01',
      termType: 'TERMED',
      initialTerm: 12,
      renewalTerm: 12,
      subscribeToRatePlans: [{ productRatePlanId: planId }],
      targetDate: '2026-04-01',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().subscriptionNumber, 'A-S00000002');
    const inv = await call(ctx.app, token, 'GET', `/v1/invoices/${res.json().invoiceId}`);
    assert.equal(inv.json().amount, 30);
    assert.equal(inv.json().source, 'ApiSubscribe');
    assert.equal(inv.json().invoiceNumber, 'INV00000002');
  });

  test('another tenant sees every key as unknown (404 / cat40)', async () => {
    for (const url of [
      `/v1/accounts/${created.accountId}`,
      '/v1/accounts/A00000001',
      `/v1/subscriptions/${created.subscriptionId}`,
      `/v1/invoices/${created.invoiceId}`,
      `/v1/invoices/${created.invoiceId}/files`,
    ]) {
      const res = await call(ctx.app, other, 'GET', url);
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().reasons[0].code, '50000040');
    }
    const sub = await call(ctx.app, other, 'POST', '/v1/subscriptions', {
      accountKey: created.accountId,
      contractEffectiveDate: '2026-04-01',
      termType: 'EVERGREEN',
      renewalTerm: 0,
      subscribeToRatePlans: [{ productRatePlanId: planId }],
    });
    assert.equal(sub.statusCode, 404);
    assert.equal(sub.json().reasons[0].code, '53100340');
  });

  test('a foreign rate plan is an invalid value, not a leak', async () => {
    const res = await call(ctx.app, other, 'POST', '/v1/object/product-rate-plan', {
      Name: 'x',
      ProductId: '0'.repeat(32),
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().Errors[0].Code, 'INVALID_VALUE');
  });

  test('v1 errors: missing required fields give cat22, bad enums and limits cat20', async () => {
    const cases: [unknown, string][] = [
      [{ currency: 'USD', billToContact: { firstName: 'a', lastName: 'b' } }, '51010022'],
      [{ name: 'x', billToContact: { firstName: 'a', lastName: 'b' } }, '51010022'],
      [{ name: 'x', currency: 'USD' }, '51010022'],
      [{ name: 'x', currency: 'USD', billToContact: { lastName: 'b' } }, '51010022'],
      [{ ...accountBody(planId), accountNumber: 'x'.repeat(51) }, '51010020'],
      [{ ...accountBody(planId), billCycleDay: 32 }, '51010020'],
      [{ ...accountBody(planId), batch: 'Batch51' }, '51010020'],
      [{ ...accountBody(planId), paymentTerm: 'Whenever' }, '51010020'],
      [
        {
          ...accountBody(planId),
          subscription: { ...accountBody(planId).subscription, termType: 'FOREVER' },
        },
        '51010020',
      ],
      [
        {
          ...accountBody(planId),
          subscription: { ...accountBody(planId).subscription, termType: 'TERMED' },
        },
        '51010022',
      ],
      [{ ...accountBody(planId), targetDate: '2026-02-30' }, '51010020'],
    ];
    for (const [payload, code] of cases) {
      const res = await call(ctx.app, token, 'POST', '/v1/accounts', payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().success, false);
      assert.equal(res.json().reasons[0].code, code, JSON.stringify(payload) + res.body);
    }
  });

  test('legacy Zuora-Version answers v1 errors with HTTP 200 + success:false', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/v1/invoices/INV99999999',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().success, false);
  });

  test('CRUD errors: missing → MISSING_REQUIRED_VALUE, unsupported ChargeModel → INVALID_VALUE', async () => {
    const missingName = await call(ctx.app, token, 'POST', '/v1/object/product', {
      EffectiveStartDate: '2020-01-01',
      EffectiveEndDate: '2020-01-02',
    });
    assert.equal(missingName.statusCode, 400);
    assert.equal(missingName.json().Errors[0].Code, 'MISSING_REQUIRED_VALUE');
    const tiered = await call(ctx.app, token, 'POST', '/v1/object/product-rate-plan-charge', {
      Name: 'x',
      ProductRatePlanId: planId,
      ChargeType: 'Recurring',
      ChargeModel: 'Tiered Pricing',
      BillingPeriod: 'Month',
      BillCycleType: 'DefaultFromCustomer',
      TriggerEvent: 'ContractEffective',
      UseDiscountSpecificAccountingCode: false,
      ProductRatePlanChargeTierData: { ProductRatePlanChargeTier: [] },
    });
    assert.equal(tiered.statusCode, 400);
    assert.deepEqual(Object.keys(tiered.json()), ['Success', 'Errors']);
    assert.equal(tiered.json().Errors[0].Code, 'INVALID_VALUE');
    const long = await call(ctx.app, token, 'POST', '/v1/object/product', {
      Name: 'x'.repeat(101),
      EffectiveStartDate: '2020-01-01',
      EffectiveEndDate: '2020-01-02',
    });
    assert.equal(long.json().Errors[0].Code, 'INVALID_VALUE');
  });

  test('a charge without a USD price refuses runBilling and creates nothing', async () => {
    const p = await call(ctx.app, token, 'POST', '/v1/object/product', {
      Name: 'Euro only',
      EffectiveStartDate: '2020-01-01',
      EffectiveEndDate: '2099-12-31',
    });
    const rp = await call(ctx.app, token, 'POST', '/v1/object/product-rate-plan', {
      Name: 'EUR',
      ProductId: p.json().Id,
    });
    await call(ctx.app, token, 'POST', '/v1/object/product-rate-plan-charge', {
      Name: 'Fee',
      ProductRatePlanId: rp.json().Id,
      ChargeType: 'Recurring',
      ChargeModel: 'Flat Fee Pricing',
      BillingPeriod: 'Month',
      BillCycleType: 'DefaultFromCustomer',
      TriggerEvent: 'ContractEffective',
      UseDiscountSpecificAccountingCode: null,
      ProductRatePlanChargeTierData: { ProductRatePlanChargeTier: [{ Currency: 'EUR', Price: 9 }] },
    });
    const res = await call(ctx.app, token, 'POST', '/v1/accounts', {
      ...accountBody(rp.json().Id),
      accountNumber: 'NOPRICE',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().reasons[0].code, '51010030');
    const after = await call(ctx.app, token, 'GET', '/v1/accounts/NOPRICE');
    assert.equal(after.statusCode, 404);
  });
});
