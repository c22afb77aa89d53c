/** The product catalog (CONTRACT C4): products, rate plans and charges with a price per currency. */
import type { Db } from '../database.ts';
import type { Deps } from '../deps.ts';
import { toIso } from '../platform/clock.ts';
import { isDate } from '../platform/dates.ts';
import { invalid } from '../platform/errors.ts';
import { isDecimal, toMoney, type Money } from '../platform/money.ts';
import type { Scope } from '../platform/scope.ts';
import type {
  BillCycleType,
  BillingPeriod,
  BillingTiming,
  ChargeModel,
  ChargeType,
} from '../billing/billing.engine.ts';
import * as store from './catalog.store.ts';

export interface CreateProductInput {
  name: string;
  sku?: string | undefined;
  description?: string | undefined;
  category?: string | undefined;
  effectiveStartDate: string;
  effectiveEndDate: string;
}

const checkDate = (v: string, field: string): void => {
  if (!isDate(v)) throw invalid(`${field} must be a date yyyy-MM-dd.`, field);
};

export const createProduct = async (
  deps: Deps,
  scope: Scope,
  input: CreateProductInput,
): Promise<string> => {
  checkDate(input.effectiveStartDate, 'EffectiveStartDate');
  checkDate(input.effectiveEndDate, 'EffectiveEndDate');
  if (input.effectiveEndDate < input.effectiveStartDate)
    throw invalid('EffectiveEndDate must not be before EffectiveStartDate.', 'EffectiveEndDate');
  const id = deps.ids.id();
  await store.insertProduct(deps.db.db, {
    id,
    tenant_id: scope.tenantId,
    entity_id: scope.entityId,
    name: input.name,
    sku: input.sku ?? null,
    description: input.description ?? null,
    category: input.category ?? null,
    effective_start_date: input.effectiveStartDate,
    effective_end_date: input.effectiveEndDate,
    created_at: toIso(deps.clock.now(scope.tenantId)),
  });
  return id;
};

export const createRatePlan = async (
  deps: Deps,
  scope: Scope,
  input: { name: string; productId: string; description?: string | undefined },
): Promise<string> => {
  // An unknown or foreign ProductId is a bad field value on CRUD create (INVALID_VALUE).
  if ((await store.findProduct(deps.db.db, scope, input.productId)) === undefined)
    throw invalid(`Invalid value for field ProductId: ${input.productId}`, 'ProductId');
  const id = deps.ids.id();
  await store.insertRatePlan(deps.db.db, {
    id,
    tenant_id: scope.tenantId,
    entity_id: scope.entityId,
    product_id: input.productId,
    name: input.name,
    description: input.description ?? null,
    created_at: toIso(deps.clock.now(scope.tenantId)),
  });
  return id;
};

export interface CreateChargeInput {
  name: string;
  productRatePlanId: string;
  chargeType: ChargeType;
  chargeModel: ChargeModel;
  billingPeriod: BillingPeriod;
  billCycleType: BillCycleType;
  billCycleDay?: number | undefined;
  triggerEvent: string;
  billingTiming?: BillingTiming | undefined;
  uom?: string | null | undefined;
  defaultQuantity?: number | undefined;
  tiers: { currency?: string | undefined; price?: number | string | undefined }[];
}

export const createCharge = async (
  deps: Deps,
  scope: Scope,
  input: CreateChargeInput,
): Promise<string> => {
  if ((await store.findRatePlan(deps.db.db, scope, input.productRatePlanId)) === undefined)
    throw invalid(
      `Invalid value for field ProductRatePlanId: ${input.productRatePlanId}`,
      'ProductRatePlanId',
    );
  if (input.tiers.length === 0)
    throw invalid(
      'ProductRatePlanChargeTier needs at least one tier.',
      'ProductRatePlanChargeTier',
    );
  const prices: Record<string, Money> = {};
  for (const t of input.tiers) {
    if (t.currency === undefined || !/^[A-Z]{3}$/.test(t.currency))
      throw invalid('Each tier needs a 3-letter Currency.', 'Currency');
    if (t.price === undefined || !isDecimal(String(t.price)))
      throw invalid(`Invalid Price for currency ${t.currency}.`, 'Price');
    // One flat tier per currency: Flat Fee and Per Unit have no tier ranges (C4).
    if (prices[t.currency] !== undefined)
      throw invalid(`Currency ${t.currency} appears in more than one tier.`, 'Currency');
    prices[t.currency] = toMoney(t.price);
  }
  if (input.billCycleType === 'SpecificDayofMonth' && input.billCycleDay === undefined)
    throw invalid(
      'BillCycleDay is required with BillCycleType SpecificDayofMonth.',
      'BillCycleDay',
    );
  const id = deps.ids.id();
  await store.insertCharge(deps.db.db, {
    id,
    tenant_id: scope.tenantId,
    entity_id: scope.entityId,
    product_rate_plan_id: input.productRatePlanId,
    name: input.name,
    charge_type: input.chargeType,
    charge_model: input.chargeModel,
    billing_period: input.billingPeriod,
    bill_cycle_type: input.billCycleType,
    bill_cycle_day: input.billCycleDay ?? null,
    trigger_event: input.triggerEvent,
    billing_timing: input.billingTiming ?? 'In Advance',
    uom: input.uom ?? null,
    default_quantity: input.defaultQuantity === undefined ? null : toMoney(input.defaultQuantity),
    prices: JSON.stringify(prices),
    created_at: toIso(deps.clock.now(scope.tenantId)),
  });
  return id;
};

/** A rate plan with its charges, as subscriptions copy it. */
export interface CatalogRatePlan {
  id: string;
  name: string;
  productId: string;
  productName: string;
  charges: CatalogCharge[];
}
export interface CatalogCharge {
  id: string;
  name: string;
  chargeType: ChargeType;
  chargeModel: ChargeModel;
  billingPeriod: BillingPeriod;
  billCycleType: BillCycleType;
  billCycleDay: number | null;
  billingTiming: BillingTiming;
  triggerEvent: string;
  uom: string | null;
  defaultQuantity: Money | null;
  prices: Record<string, Money>;
}

/** Rate plans by id with their product and charges; undefined for an unknown or foreign id. */
export const findRatePlan = async (
  deps: Deps,
  scope: Scope,
  id: string,
  db: Db = deps.db.read,
): Promise<CatalogRatePlan | undefined> => {
  const plan = await store.findRatePlan(db, scope, id);
  if (plan === undefined) return undefined;
  const product = await store.findProduct(db, scope, plan.product_id);
  if (product === undefined) return undefined;
  const charges = await store.listChargesOfRatePlans(db, scope, [id]);
  return {
    id,
    name: plan.name,
    productId: product.id,
    productName: product.name,
    charges: charges.map((c) => ({
      id: c.id,
      name: c.name,
      chargeType: c.charge_type as ChargeType,
      chargeModel: c.charge_model as ChargeModel,
      billingPeriod: c.billing_period as BillingPeriod,
      billCycleType: c.bill_cycle_type as BillCycleType,
      billCycleDay: c.bill_cycle_day,
      billingTiming: c.billing_timing as BillingTiming,
      triggerEvent: c.trigger_event,
      uom: c.uom,
      defaultQuantity: c.default_quantity,
      prices: JSON.parse(c.prices) as Record<string, Money>,
    })),
  };
};
