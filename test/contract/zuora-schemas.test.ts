/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- response bodies are read as untyped JSON */
/**
 * Every implemented C4 endpoint's responses validate against the matching response schema of
 * Zuora's OpenAPI subset (DESIGN.md "Contract fidelity"), on both databases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { forEachDb, seedTenant, tokenFor } from '../harness.ts';
import { accountBody, call, seedMemo } from '../billing-fixtures.ts';
import { zuoraSchemaProblems } from '../zuora-schemas.ts';

const conforms = (
  method: string,
  specPath: string,
  res: LightMyRequestResponse,
  status = 200,
): void => {
  assert.equal(res.statusCode, status, `${method} ${specPath}: ${res.body}`);
  assert.deepEqual(zuoraSchemaProblems(method, specPath, status, res.json()), [], specPath);
};

test('the checker rejects a wrong type, a wrong enum and an undeclared field', () => {
  const problems = zuoraSchemaProblems('GET', '/v1/billing-documents', 200, {
    success: 'yes',
    documents: [{ id: 'x', documentType: 'Receipt', amout: 1 }],
  });
  assert.ok(
    problems.some((p) => p.startsWith('/success ')),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.startsWith('/documents/0/documentType ')),
    problems.join('\n'),
  );
  assert.ok(
    problems.includes("$.documents[0].amout is not in Zuora's schema"),
    problems.join('\n'),
  );
});

forEachDb('responses conform to Zuora’s OpenAPI', (ctx) => {
  test('catalog, account, subscription, documents, files and errors', async () => {
    const t = await seedTenant(ctx.deps, 'Conform');
    const token = await tokenFor(ctx.app, t);
    const crud = async (path: string, body: object) => {
      const res = await call(ctx.app, token, 'POST', path, body);
      conforms('POST', path, res);
      return res.json().Id as string;
    };
    const productId = await crud('/v1/object/product', {
      Name: 'Gold',
      EffectiveStartDate: '2020-01-01',
      EffectiveEndDate: '2099-12-31',
    });
    const planId = await crud('/v1/object/product-rate-plan', {
      Name: 'Monthly',
      ProductId: productId,
    });
    await crud('/v1/object/product-rate-plan-charge', {
      Name: 'Seats',
      ProductRatePlanId: planId,
      ChargeType: 'Recurring',
      ChargeModel: 'Per Unit Pricing',
      BillingPeriod: 'Month',
      BillCycleType: 'DefaultFromCustomer',
      TriggerEvent: 'ContractEffective',
      UseDiscountSpecificAccountingCode: false,
      UOM: 'Each',
      DefaultQuantity: 3,
      ProductRatePlanChargeTierData: {
        ProductRatePlanChargeTier: [{ Currency: 'USD', Price: 10 }],
      },
    });

    const acct = await call(ctx.app, token, 'POST', '/v1/accounts', accountBody(planId));
    conforms('POST', '/v1/accounts', acct);
    const a = acct.json();
    conforms(
      'GET',
      '/v1/accounts/{account-key}',
      await call(ctx.app, token, 'GET', `/v1/accounts/${a.accountNumber}`),
    );

    const sub = await call(ctx.app, token, 'POST', '/v1/subscriptions', {
      accountKey: a.accountNumber,
      contractEffectiveDate: '2026-04-01',
      termType: 'TERMED',
      initialTerm: 12,
      renewalTerm: 12,
      autoRenew: true,
      subscribeToRatePlans: [{ productRatePlanId: planId }],
      targetDate: '2026-04-01',
    });
    conforms('POST', '/v1/subscriptions', sub);
    conforms(
      'GET',
      '/v1/subscriptions/{subscription-key}',
      await call(ctx.app, token, 'GET', `/v1/subscriptions/${sub.json().subscriptionNumber}`),
    );

    conforms(
      'GET',
      '/v1/invoices/{invoiceKey}',
      await call(ctx.app, token, 'GET', `/v1/invoices/${a.invoiceId}`),
    );
    conforms(
      'GET',
      '/v1/invoices/{invoiceKey}/files',
      await call(ctx.app, token, 'GET', `/v1/invoices/${a.invoiceId}/files`),
    );

    const scope = { tenantId: t.tenantId, entityId: t.entityId };
    const cm = await seedMemo(ctx.deps, scope, {
      memoType: 'CreditMemo',
      accountId: a.accountId,
      amount: '3',
      date: '2026-03-16',
      invoiceId: a.invoiceId,
      post: true,
    });
    const dm = await seedMemo(ctx.deps, scope, {
      memoType: 'DebitMemo',
      accountId: a.accountId,
      amount: '4',
      date: '2026-03-17',
    });
    conforms(
      'GET',
      '/v1/credit-memos/{creditMemoKey}',
      await call(ctx.app, token, 'GET', `/v1/credit-memos/${cm.id}`),
    );
    conforms(
      'GET',
      '/v1/credit-memos/{creditMemoKey}/files',
      await call(ctx.app, token, 'GET', `/v1/credit-memos/${cm.id}/files`),
    );
    conforms(
      'GET',
      '/v1/debit-memos/{debitMemoKey}',
      await call(ctx.app, token, 'GET', `/v1/debit-memos/${dm.id}`),
    );
    conforms(
      'GET',
      '/v1/debit-memos/{debitMemoKey}/files',
      await call(ctx.app, token, 'GET', `/v1/debit-memos/${dm.id}/files`),
    );
    const docs = await call(
      ctx.app,
      token,
      'GET',
      `/v1/billing-documents?accountId=${a.accountId}&pageSize=2`,
    );
    conforms('GET', '/v1/billing-documents', docs);
    assert.equal(docs.json().documents.length, 2);

    conforms(
      'GET',
      '/v1/invoices/{invoiceKey}',
      await call(ctx.app, token, 'GET', '/v1/invoices/INV09999999'),
      404,
    );
    conforms('POST', '/v1/accounts', await call(ctx.app, token, 'POST', '/v1/accounts', {}), 400);
  });
});
