/**
 * Factories for billing documents made through the real HTTP API (catalog → account with
 * `runBilling`), and PDF text extraction with `pdftotext` for tests that read generated PDFs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { FastifyInstance } from 'fastify';

const NEW = { 'zuora-version': '2024-05-20' };

export const call = async (
  app: FastifyInstance,
  token: string,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...NEW, ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

/** Product, rate plan and a monthly flat fee of `price` USD; returns the rate plan id. */
export const seedPlan = async (
  app: FastifyInstance,
  token: string,
  price = 30,
): Promise<string> => {
  const p = await call(app, token, 'POST', '/v1/object/product', {
    Name: 'Gold',
    EffectiveStartDate: '2020-01-01',
    EffectiveEndDate: '2099-12-31',
  });
  assert.equal(p.statusCode, 200, p.body);
  const rp = await call(app, token, 'POST', '/v1/object/product-rate-plan', {
    Name: 'Monthly',
    ProductId: (p.json() as { Id: string }).Id,
  });
  assert.equal(rp.statusCode, 200, rp.body);
  const c = await call(app, token, 'POST', '/v1/object/product-rate-plan-charge', {
    Name: 'Platform Fee',
    ProductRatePlanId: (rp.json() as { Id: string }).Id,
    ChargeType: 'Recurring',
    ChargeModel: 'Flat Fee Pricing',
    BillingPeriod: 'Month',
    BillCycleType: 'DefaultFromCustomer',
    TriggerEvent: 'ContractEffective',
    UseDiscountSpecificAccountingCode: false,
    ProductRatePlanChargeTierData: {
      ProductRatePlanChargeTier: [{ Currency: 'USD', Price: price }],
    },
  });
  assert.equal(c.statusCode, 200, c.body);
  return (rp.json() as { Id: string }).Id;
};

export interface SeededAccount {
  accountId: string;
  accountNumber: string;
  invoiceId?: string;
}

/** An account subscribed on 2026-03-01 with BCD 1; billed and posted unless `runBilling` is false. */
export const seedAccount = async (
  app: FastifyInstance,
  token: string,
  planId: string,
  options: { runBilling?: boolean; name?: string } = {},
): Promise<SeededAccount> => {
  const res = await call(app, token, 'POST', '/v1/accounts', {
    name: options.name ?? 'Acme Corp',
    currency: 'USD',
    billCycleDay: 1,
    billToContact: { firstName: 'Ada', lastName: 'Lovelace', city: 'London', country: 'UK' },
    subscription: {
      contractEffectiveDate: '2026-03-01',
      termType: 'EVERGREEN',
      subscribeToRatePlans: [{ productRatePlanId: planId }],
    },
    runBilling: options.runBilling ?? true,
    targetDate: '2026-03-15',
  });
  assert.equal(res.statusCode, 200, res.body);
  const b = res.json() as SeededAccount;
  return {
    accountId: b.accountId,
    accountNumber: b.accountNumber,
    ...(b.invoiceId === undefined ? {} : { invoiceId: b.invoiceId }),
  };
};

/** Why PDF text tests skip, or false when `pdftotext` is installed. */
export const noPdftotext: string | false =
  spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).error === undefined
    ? false
    : 'pdftotext is not installed (apt-get install poppler-utils; .ci/run installs it)';

/** The text `pdftotext` extracts, whitespace collapsed. */
export const pdfText = (pdf: Buffer): string => {
  const r = spawnSync('pdftotext', ['-', '-'], { input: pdf, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.replace(/\s+/g, ' ');
};
