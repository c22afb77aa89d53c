/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- response bodies are read as untyped JSON */
/** Factories for billing route tests: a catalog and accounts through HTTP, memos through the service. */
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Deps } from '../src/deps.ts';
import type { Scope } from '../src/platform/scope.ts';
import {
  insertDraftMemos,
  postMemos,
  type Memo,
  type MemoType,
} from '../src/memos/memos.service.ts';

/** Headers of a request that wants real HTTP statuses for v1 errors (C1.6). */
export const NEW_VERSION = { 'zuora-version': '2024-05-20' };

export const call = async (
  app: FastifyInstance,
  token: string,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = NEW_VERSION,
): Promise<LightMyRequestResponse> =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

/** Product, rate plan and a monthly flat-fee charge of 30 USD; returns the plan and charge ids. */
export const seedCatalog = async (
  app: FastifyInstance,
  token: string,
): Promise<{ productId: string; planId: string; chargeId: string }> => {
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
  return {
    productId: p.json().Id as string,
    planId: rp.json().Id as string,
    chargeId: c.json().Id as string,
  };
};

/** `POST /v1/accounts` body: BCD 1, a subscription from `start`, billed up to `start`. */
export const accountBody = (planId: string, start = '2026-03-15') => ({
  name: 'Acme',
  currency: 'USD',
  billCycleDay: 1,
  billToContact: { firstName: 'Ada', lastName: 'Lovelace' },
  subscription: {
    contractEffectiveDate: start,
    termType: 'EVERGREEN',
    subscribeToRatePlans: [{ productRatePlanId: planId }],
  },
  runBilling: true,
  targetDate: start,
});

export interface CreatedAccount {
  accountId: string;
  accountNumber: string;
  subscriptionNumber: string;
  invoiceId: string;
}

export const createAccountOverHttp = async (
  app: FastifyInstance,
  token: string,
  planId: string,
  start?: string,
): Promise<CreatedAccount> => {
  const res = await call(app, token, 'POST', '/v1/accounts', accountBody(planId, start));
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};

/** A memo with one item, written through the memos service (there is no create endpoint, C4). */
export const seedMemo = async (
  deps: Deps,
  scope: Scope,
  o: {
    memoType: MemoType;
    accountId: string;
    amount: string;
    date: string;
    post?: boolean;
    invoiceId?: string;
  },
): Promise<Memo> => {
  const [m] = await deps.db.db.transaction().execute(async (tx) => {
    const made = await insertDraftMemos(deps, tx, scope, [
      {
        memoType: o.memoType,
        accountId: o.accountId,
        currency: 'USD',
        amount: o.amount,
        source: 'API',
        sourceId: null,
        billRunId: null,
        documentDate: o.date,
        targetDate: null,
        dueDate: o.memoType === 'DebitMemo' ? o.date : null,
        paymentTerm: o.memoType === 'DebitMemo' ? 'Due Upon Receipt' : null,
        templateId: null,
        createdBy: 'test',
        invoiceId: o.invoiceId ?? null,
        reasonCode: null,
        items: [
          {
            subscriptionId: '0'.repeat(32),
            subscriptionNumber: 'A-S00000000',
            chargeId: '0'.repeat(32),
            chargeNumber: 'C-00000000',
            chargeName: 'Adjustment',
            chargeType: 'OneTime',
            productName: 'Adjustments',
            ratePlanName: 'Manual',
            serviceStartDate: o.date,
            serviceEndDate: o.date,
            quantity: '1',
            unitPrice: o.amount,
            amount: o.amount,
          },
        ],
      },
    ]);
    if (o.post === true) await postMemos(deps, tx, scope, [made[0]!.id], o.date, 'test');
    return made;
  });
  return m!;
};
