import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { Scope } from '../platform/scope.ts';
import { toWire, toWireNumber } from '../platform/money.ts';
import { subscribe } from '../billing/billing.service.ts';
import { getAccount } from '../accounts/accounts.service.ts';
import { getSubscription, type SubscriptionCharge } from './subscriptions.service.ts';
import {
  CreateSubscription,
  CreateSubscriptionResponse,
  GetSubscriptionResponse,
  SubscriptionKeyParams,
} from './subscriptions.schemas.ts';

const scopeOf = (r: FastifyRequest): Scope => ({
  tenantId: r.principal!.tenantId,
  entityId: r.principal!.entityId,
});

const opt = <K extends string, V>(k: K, v: V | null): { [P in K]?: V } =>
  (v === null ? {} : { [k]: v }) as { [P in K]?: V };

const toZuoraCharge = (c: SubscriptionCharge, currency: string) => ({
  id: c.id,
  number: c.number,
  name: c.name,
  productRatePlanChargeId: c.productRatePlanChargeId,
  type: c.chargeType,
  model: c.chargeModel === 'Flat Fee Pricing' ? 'FlatFee' : 'PerUnit',
  billingPeriod: c.billingPeriod,
  billingTiming: c.billingTiming,
  triggerEvent: c.triggerEvent,
  ...opt('triggerDate', c.triggerDate),
  ...opt('price', c.price === null ? null : toWire(c.price, currency)),
  quantity: toWireNumber(c.quantity),
  ...opt('uom', c.uom),
  currency,
  ...opt('chargedThroughDate', c.chargedThroughDate),
  ...opt('processedThroughDate', c.processedThroughDate),
  effectiveStartDate: c.effectiveStartDate,
  ...opt('effectiveEndDate', c.effectiveEndDate),
});

export const subscriptionsRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/v1/subscriptions',
    {
      config: { zuoraResource: '531003' },
      schema: {
        operationId: 'POST_Subscription',
        summary: 'Create a subscription',
        tags: ['Subscriptions'],
        body: CreateSubscription,
        response: { 200: CreateSubscriptionResponse },
      },
    },
    async (req) => {
      const { accountKey, runBilling, targetDate, documentDate, ...sub } = req.body;
      const out = await subscribe(
        deps,
        scopeOf(req),
        { accountKey, runBilling, targetDate, documentDate, subscription: sub },
        req.principal!.clientId,
      );
      return {
        success: true,
        subscriptionId: out.subscription.id,
        subscriptionNumber: out.subscription.subscriptionNumber,
        ...(out.invoiceId === undefined ? {} : { invoiceId: out.invoiceId }),
        ...(out.creditMemoId === undefined ? {} : { creditMemoId: out.creditMemoId }),
      };
    },
  );

  r.get(
    '/v1/subscriptions/:subscriptionKey',
    {
      schema: {
        operationId: 'GET_SubscriptionsByKey',
        summary: 'Retrieve a subscription by key',
        tags: ['Subscriptions'],
        params: SubscriptionKeyParams,
        response: { 200: GetSubscriptionResponse },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const s = await getSubscription(deps, scope, req.params.subscriptionKey);
      const a = await getAccount(deps, scope, s.accountId);
      const plans = new Map<string, SubscriptionCharge[]>();
      for (const c of s.charges) plans.set(c.ratePlanId, [...(plans.get(c.ratePlanId) ?? []), c]);
      return {
        success: true,
        id: s.id,
        subscriptionNumber: s.subscriptionNumber,
        accountId: a.id,
        accountNumber: a.accountNumber,
        accountName: a.name,
        status: s.status,
        termType: s.termType,
        ...opt('initialTerm', s.initialTerm),
        renewalTerm: s.renewalTerm,
        autoRenew: s.autoRenew,
        invoiceSeparately: s.invoiceSeparately,
        contractEffectiveDate: s.contractEffectiveDate,
        ...opt('serviceActivationDate', s.serviceActivationDate),
        ...opt('customerAcceptanceDate', s.customerAcceptanceDate),
        termStartDate: s.termStartDate,
        ...opt('termEndDate', s.termEndDate),
        currency: a.currency,
        ratePlans: [...plans.entries()].map(([id, cs]) => ({
          id,
          productId: cs[0]!.productId,
          productName: cs[0]!.productName,
          productRatePlanId: cs[0]!.productRatePlanId,
          ratePlanName: cs[0]!.ratePlanName,
          ratePlanCharges: cs.map((c) => toZuoraCharge(c, a.currency)),
        })),
      };
    },
  );
};
