/** v1 wire schemas of subscriptions (Zuora `POSTSubscriptionType`, `GETSubscriptionByKeyWithSuccess`). */
import { Type } from '@sinclair/typebox';
import { subscriptionFields } from '../accounts/accounts.schemas.ts';

const date = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const CreateSubscription = Type.Object({
  accountKey: Type.String({ minLength: 1, maxLength: 64 }),
  ...subscriptionFields,
  renewalTerm: Type.Integer({ minimum: 0, maximum: 1200 }),
  runBilling: Type.Optional(Type.Boolean({ default: true })),
  targetDate: Type.Optional(date),
  documentDate: Type.Optional(date),
  collect: Type.Optional(Type.Boolean()),
});

export const CreateSubscriptionResponse = Type.Object({
  success: Type.Boolean(),
  subscriptionId: Type.String(),
  subscriptionNumber: Type.String(),
  invoiceId: Type.Optional(Type.String()),
  creditMemoId: Type.Optional(Type.String()),
});

const Charge = Type.Object({
  id: Type.String(),
  number: Type.String(),
  name: Type.String(),
  productRatePlanChargeId: Type.String(),
  type: Type.String(),
  model: Type.String(),
  billingPeriod: Type.String(),
  billingTiming: Type.String(),
  triggerEvent: Type.String(),
  triggerDate: Type.Optional(Type.String()),
  price: Type.Optional(Type.Number()),
  quantity: Type.Number(),
  uom: Type.Optional(Type.String()),
  currency: Type.String(),
  chargedThroughDate: Type.Optional(Type.String()),
  processedThroughDate: Type.Optional(Type.String()),
  effectiveStartDate: Type.String(),
  effectiveEndDate: Type.Optional(Type.String()),
});

export const GetSubscriptionResponse = Type.Object({
  success: Type.Boolean(),
  id: Type.String(),
  subscriptionNumber: Type.String(),
  accountId: Type.String(),
  accountNumber: Type.String(),
  accountName: Type.String(),
  status: Type.String(),
  termType: Type.String(),
  initialTerm: Type.Optional(Type.Integer()),
  renewalTerm: Type.Integer(),
  autoRenew: Type.Boolean(),
  invoiceSeparately: Type.Boolean(),
  contractEffectiveDate: Type.String(),
  serviceActivationDate: Type.Optional(Type.String()),
  customerAcceptanceDate: Type.Optional(Type.String()),
  termStartDate: Type.String(),
  termEndDate: Type.Optional(Type.String()),
  currency: Type.String(),
  ratePlans: Type.Array(
    Type.Object({
      id: Type.String(),
      productId: Type.String(),
      productName: Type.String(),
      productRatePlanId: Type.String(),
      ratePlanName: Type.String(),
      ratePlanCharges: Type.Array(Charge),
    }),
  ),
});

export const SubscriptionKeyParams = Type.Object({
  subscriptionKey: Type.String({ maxLength: 64 }),
});
