/** CRUD wire schemas of the catalog (Zuora `ProxyCreateProduct`, `…RatePlan`, `…RatePlanCharge`). */
import { Type } from '@sinclair/typebox';
import {
  BILL_CYCLE_TYPES,
  BILLING_PERIODS,
  BILLING_TIMINGS,
  CHARGE_MODELS,
  CHARGE_TYPES,
} from '../billing/billing.engine.ts';

/** A string enum typed as its literals. */
export const lit = <T extends string>(xs: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...xs] });
const date = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['2026-01-01'] });

export const CreateProduct = Type.Object({
  Name: Type.String({ minLength: 1, maxLength: 100 }),
  EffectiveStartDate: date,
  EffectiveEndDate: date,
  SKU: Type.Optional(Type.String({ maxLength: 50 })),
  Description: Type.Optional(Type.String({ maxLength: 500 })),
  Category: Type.Optional(Type.String({ maxLength: 100 })),
});

export const CreateProductRatePlan = Type.Object({
  Name: Type.String({ minLength: 1, maxLength: 255 }),
  ProductId: Type.String({ minLength: 1, maxLength: 32 }),
  Description: Type.Optional(Type.String({ maxLength: 500 })),
});

export const CreateProductRatePlanCharge = Type.Object({
  Name: Type.String({ minLength: 1, maxLength: 100 }),
  ProductRatePlanId: Type.String({ minLength: 1, maxLength: 32 }),
  ChargeType: lit(CHARGE_TYPES),
  // C4: only Flat Fee and Per Unit pricing; every other Zuora model gets INVALID_VALUE.
  ChargeModel: lit(CHARGE_MODELS),
  BillingPeriod: lit(BILLING_PERIODS),
  BillCycleType: lit(BILL_CYCLE_TYPES),
  TriggerEvent: lit(['ContractEffective', 'ServiceActivation', 'CustomerAcceptance']),
  // Required by Zuora's schema, ignored by Folio (C4).
  UseDiscountSpecificAccountingCode: Type.Union([Type.Boolean(), Type.Null()]),
  ProductRatePlanChargeTierData: Type.Object({
    ProductRatePlanChargeTier: Type.Array(
      Type.Object({
        Currency: Type.Optional(Type.String({ maxLength: 3 })),
        Price: Type.Optional(Type.Number()),
      }),
      { maxItems: 200 },
    ),
  }),
  BillingTiming: Type.Optional(lit(BILLING_TIMINGS)),
  BillCycleDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 31 })),
  UOM: Type.Optional(Type.Union([Type.String({ maxLength: 25 }), Type.Null()])),
  DefaultQuantity: Type.Optional(Type.Number({ minimum: 0 })),
  Description: Type.Optional(Type.String({ maxLength: 500 })),
});

export const CrudCreated = Type.Object({
  Success: Type.Boolean(),
  Id: Type.String(),
});
