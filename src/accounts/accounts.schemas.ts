/** v1 wire schemas of accounts (Zuora `POSTAccountType`, `POSTAccountResponseType`, `GETAccountType`). */
import { Type } from '@sinclair/typebox';
import { lit } from '../catalog/catalog.schemas.ts';

const date = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['2026-03-15'] });
const s = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

export const ContactIn = Type.Object({
  firstName: Type.String({ minLength: 1, maxLength: 100 }),
  lastName: Type.String({ minLength: 1, maxLength: 100 }),
  address1: s(255),
  address2: s(255),
  city: s(100),
  state: s(100),
  zipCode: s(20),
  country: s(64),
  county: s(100),
  workEmail: s(80),
  workPhone: s(40),
});

export const ChargeOverrideIn = Type.Object({
  productRatePlanChargeId: Type.String({ minLength: 1, maxLength: 32 }),
  price: Type.Optional(Type.Number()),
  quantity: Type.Optional(Type.Number({ minimum: 0 })),
});
export const RatePlanIn = Type.Object({
  productRatePlanId: Type.String({ minLength: 1, maxLength: 32 }),
  chargeOverrides: Type.Optional(Type.Array(ChargeOverrideIn, { maxItems: 200 })),
});

/** Subscription fields shared by `POST /v1/subscriptions` and the account's inline one. */
export const subscriptionFields = {
  contractEffectiveDate: date,
  termType: lit(['TERMED', 'EVERGREEN'] as const),
  initialTerm: Type.Optional(Type.Integer({ minimum: 1, maximum: 1200 })),
  renewalTerm: Type.Optional(Type.Integer({ minimum: 0, maximum: 1200 })),
  autoRenew: Type.Optional(Type.Boolean()),
  invoiceSeparately: Type.Optional(Type.Boolean()),
  serviceActivationDate: Type.Optional(date),
  customerAcceptanceDate: Type.Optional(date),
  termStartDate: Type.Optional(date),
  subscriptionNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  notes: Type.Optional(Type.String({ maxLength: 1000 })),
  subscribeToRatePlans: Type.Array(RatePlanIn, { minItems: 1, maxItems: 100 }),
};

export const CreateAccount = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255 }),
  currency: Type.String({ minLength: 3, maxLength: 3 }),
  billToContact: ContactIn,
  soldToContact: Type.Optional(ContactIn),
  accountNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  batch: Type.Optional(Type.String({ pattern: '^Batch([1-9]|[1-4][0-9]|50)$' })),
  billCycleDay: Type.Optional(Type.Integer({ minimum: 0, maximum: 31 })),
  paymentTerm: Type.Optional(Type.String({ maxLength: 100 })),
  invoiceTemplateId: Type.Optional(Type.String({ maxLength: 32 })),
  notes: Type.Optional(Type.String({ maxLength: 65535 })),
  subscription: Type.Optional(Type.Object({ ...subscriptionFields })),
  runBilling: Type.Optional(Type.Boolean({ default: true })),
  targetDate: Type.Optional(date),
  documentDate: Type.Optional(date),
});

export const CreateAccountResponse = Type.Object({
  success: Type.Boolean(),
  accountId: Type.String(),
  accountNumber: Type.String(),
  billToContactId: Type.String(),
  soldToContactId: Type.String(),
  subscriptionId: Type.Optional(Type.String()),
  subscriptionNumber: Type.Optional(Type.String()),
  invoiceId: Type.Optional(Type.String()),
  creditMemoId: Type.Optional(Type.String()),
});

const ContactOut = Type.Object({
  id: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  address1: Type.Optional(Type.String()),
  address2: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  zipCode: Type.Optional(Type.String()),
  country: Type.Optional(Type.String()),
  county: Type.Optional(Type.String()),
  workEmail: Type.Optional(Type.String()),
  workPhone: Type.Optional(Type.String()),
});

export const GetAccountResponse = Type.Object({
  success: Type.Boolean(),
  basicInfo: Type.Object({
    id: Type.String(),
    accountNumber: Type.String(),
    name: Type.String(),
    status: Type.String(),
    batch: Type.String(),
    invoiceTemplateId: Type.Union([Type.String(), Type.Null()]),
    notes: Type.Optional(Type.String()),
  }),
  billingAndPayment: Type.Object({
    billCycleDay: Type.Integer(),
    currency: Type.String(),
    paymentTerm: Type.String(),
    bcdSettingOption: Type.String(),
  }),
  metrics: Type.Object({
    balance: Type.String(),
    totalInvoiceBalance: Type.String(),
  }),
  billToContact: ContactOut,
  soldToContact: ContactOut,
});

export const AccountKeyParams = Type.Object({ accountKey: Type.String({ maxLength: 64 }) });
