/** Subscriptions and their charges (CONTRACT C4 "Subscriptions"). */
import type { Db } from '../database.ts';
import type { Deps } from '../deps.ts';
import { toIso } from '../platform/clock.ts';
import { addMonths, isDate, parts } from '../platform/dates.ts';
import { formatNumber, takeNumbers } from '../platform/db/sequences.ts';
import { invalid, missing, notFound } from '../platform/errors.ts';
import { isDecimal, toMoney, type Money } from '../platform/money.ts';
import type { Scope } from '../platform/scope.ts';
import type { Account } from '../accounts/accounts.service.ts';
import { findRatePlan, type CatalogRatePlan } from '../catalog/catalog.service.ts';
import type {
  BillCycleType,
  BillingPeriod,
  BillingTiming,
  ChargeAdvance,
  ChargeModel,
  ChargeType,
  EngineSubscription,
} from '../billing/billing.engine.ts';
import * as store from './subscriptions.store.ts';
import type {
  NewSubscriptionChargeRow,
  SubscriptionChargeRow,
  SubscriptionRow,
} from './subscriptions.table.ts';

export interface ChargeOverrideInput {
  productRatePlanChargeId?: string | undefined;
  price?: number | undefined;
  quantity?: number | undefined;
}
export interface RatePlanInput {
  productRatePlanId?: string | undefined;
  chargeOverrides?: ChargeOverrideInput[] | undefined;
}
export interface CreateSubscriptionInput {
  contractEffectiveDate: string;
  termType: 'TERMED' | 'EVERGREEN';
  initialTerm?: number | undefined;
  renewalTerm?: number | undefined;
  autoRenew?: boolean | undefined;
  invoiceSeparately?: boolean | undefined;
  serviceActivationDate?: string | undefined;
  customerAcceptanceDate?: string | undefined;
  termStartDate?: string | undefined;
  subscriptionNumber?: string | undefined;
  notes?: string | undefined;
  subscribeToRatePlans: RatePlanInput[];
}

export interface SubscriptionCharge {
  id: string;
  number: string;
  name: string;
  productId: string;
  productName: string;
  productRatePlanId: string;
  ratePlanId: string;
  ratePlanName: string;
  productRatePlanChargeId: string;
  chargeType: ChargeType;
  chargeModel: ChargeModel;
  billingPeriod: BillingPeriod;
  billCycleType: BillCycleType;
  billCycleDay: number | null;
  billingTiming: BillingTiming;
  triggerEvent: string;
  triggerDate: string | null;
  price: Money | null;
  quantity: Money;
  uom: string | null;
  chargedThroughDate: string | null;
  processedThroughDate: string | null;
  effectiveStartDate: string;
  effectiveEndDate: string | null;
}
export interface Subscription {
  id: string;
  accountId: string;
  subscriptionNumber: string;
  status: string;
  termType: string;
  initialTerm: number | null;
  renewalTerm: number;
  autoRenew: boolean;
  invoiceSeparately: boolean;
  contractEffectiveDate: string;
  serviceActivationDate: string | null;
  customerAcceptanceDate: string | null;
  termStartDate: string;
  termEndDate: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
  charges: SubscriptionCharge[];
}

const toCharge = (c: SubscriptionChargeRow): SubscriptionCharge => ({
  id: c.id,
  number: c.charge_number,
  name: c.name,
  productId: c.product_id,
  productName: c.product_name,
  productRatePlanId: c.product_rate_plan_id,
  ratePlanId: c.rate_plan_id,
  ratePlanName: c.rate_plan_name,
  productRatePlanChargeId: c.product_rate_plan_charge_id,
  chargeType: c.charge_type as ChargeType,
  chargeModel: c.charge_model as ChargeModel,
  billingPeriod: c.billing_period as BillingPeriod,
  billCycleType: c.bill_cycle_type as BillCycleType,
  billCycleDay: c.bill_cycle_day,
  billingTiming: c.billing_timing as BillingTiming,
  triggerEvent: c.trigger_event,
  triggerDate: c.trigger_date,
  price: c.price,
  quantity: c.quantity,
  uom: c.uom,
  chargedThroughDate: c.charged_through_date,
  processedThroughDate: c.processed_through_date,
  effectiveStartDate: c.effective_start_date,
  effectiveEndDate: c.effective_end_date,
});

const toSubscription = (r: SubscriptionRow, charges: SubscriptionChargeRow[]): Subscription => ({
  id: r.id,
  accountId: r.account_id,
  subscriptionNumber: r.subscription_number,
  status: r.status,
  termType: r.term_type,
  initialTerm: r.initial_term,
  renewalTerm: r.renewal_term,
  autoRenew: r.auto_renew === 1,
  invoiceSeparately: r.invoice_separately === 1,
  contractEffectiveDate: r.contract_effective_date,
  serviceActivationDate: r.service_activation_date,
  customerAcceptanceDate: r.customer_acceptance_date,
  termStartDate: r.term_start_date,
  termEndDate: r.term_end_date,
  notes: r.notes,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  charges: charges.map(toCharge),
});

/** Checks what a schema cannot express (dates, terms); throws the first problem. */
export const validateSubscription = (input: CreateSubscriptionInput, prefix = ''): void => {
  for (const f of [
    'contractEffectiveDate',
    'serviceActivationDate',
    'customerAcceptanceDate',
    'termStartDate',
  ] as const) {
    const v = input[f];
    if (v !== undefined && !isDate(v)) throw invalid(`${prefix}${f} must be a date yyyy-MM-dd.`, f);
  }
  if (input.termType === 'TERMED') {
    if (input.initialTerm === undefined) throw missing(`${prefix}initialTerm`);
    if (input.initialTerm < 1)
      throw invalid(`${prefix}initialTerm must be at least 1.`, 'initialTerm');
  }
  if (input.subscribeToRatePlans.length === 0) throw missing(`${prefix}subscribeToRatePlans`);
};

/** The date a charge starts being billable, per its trigger event (C3.4.3). */
const triggerDateOf = (event: string, input: CreateSubscriptionInput): string | null => {
  switch (event) {
    case 'ServiceActivation':
      return input.serviceActivationDate ?? null;
    case 'CustomerAcceptance':
      return input.customerAcceptanceDate ?? null;
    default:
      return input.contractEffectiveDate;
  }
};

/**
 * Creates a subscription for an account in the caller's transaction: the catalog charges are
 * copied with the override or the catalog price in the account currency (null when the catalog
 * has none: billing then fails that account, C3.4.4).
 */
/** The subscription row for `input` (shared by the single and the bulk create). */
const subscriptionRow = (
  scope: Scope,
  account: Account,
  input: CreateSubscriptionInput,
  id: string,
  number: string,
  now: string,
) => {
  const termStart = input.termStartDate ?? input.contractEffectiveDate;
  return {
    id,
    tenant_id: scope.tenantId,
    entity_id: scope.entityId,
    account_id: account.id,
    subscription_number: number,
    status: 'Active',
    term_type: input.termType,
    initial_term: input.termType === 'TERMED' ? (input.initialTerm ?? null) : null,
    renewal_term: input.renewalTerm ?? 0,
    auto_renew: input.autoRenew === true ? 1 : 0,
    invoice_separately: input.invoiceSeparately === true ? 1 : 0,
    contract_effective_date: input.contractEffectiveDate,
    service_activation_date: input.serviceActivationDate ?? null,
    customer_acceptance_date: input.customerAcceptanceDate ?? null,
    term_start_date: termStart,
    term_end_date:
      input.termType === 'TERMED' ? addMonths(termStart, input.initialTerm ?? 0) : null,
    notes: input.notes ?? null,
    created_at: now,
    updated_at: now,
  };
};

/**
 * The charge rows of one subscription: each plan's catalog charges with the overrides of its
 * `subscribeToRatePlans` entry; `nextChargeNumber` hands out the reserved `C-` numbers in order.
 */
const chargeRows = (
  deps: Deps,
  scope: Scope,
  account: Account,
  input: CreateSubscriptionInput,
  sub: { id: string; term_end_date: string | null },
  plans: readonly { input: RatePlanInput; plan: CatalogRatePlan }[],
  nextChargeNumber: () => number,
): NewSubscriptionChargeRow[] => {
  const charges: NewSubscriptionChargeRow[] = [];
  for (const { input: rp, plan } of plans) {
    const ratePlanId = deps.ids.id();
    for (const c of plan.charges) {
      const o = rp.chargeOverrides?.find((x) => x.productRatePlanChargeId === c.id);
      const trigger = triggerDateOf(c.triggerEvent, input);
      charges.push({
        id: deps.ids.id(),
        tenant_id: scope.tenantId,
        entity_id: scope.entityId,
        subscription_id: sub.id,
        rate_plan_id: ratePlanId,
        product_id: plan.productId,
        product_name: plan.productName,
        product_rate_plan_id: plan.id,
        rate_plan_name: plan.name,
        product_rate_plan_charge_id: c.id,
        charge_number: formatNumber('C-', nextChargeNumber()),
        name: c.name,
        charge_type: c.chargeType,
        charge_model: c.chargeModel,
        billing_period: c.billingPeriod,
        bill_cycle_type: c.billCycleType,
        bill_cycle_day: c.billCycleDay,
        billing_timing: c.billingTiming,
        trigger_event: c.triggerEvent,
        trigger_date: trigger,
        price: o?.price !== undefined ? toMoney(o.price) : (c.prices[account.currency] ?? null),
        quantity: o?.quantity !== undefined ? toMoney(o.quantity) : (c.defaultQuantity ?? '1'),
        uom: c.uom,
        charged_through_date: null,
        processed_through_date: null,
        effective_start_date: trigger ?? input.contractEffectiveDate,
        effective_end_date: sub.term_end_date,
        position: charges.length,
      });
    }
  }
  return charges;
};

export const createSubscription = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  account: Account,
  input: CreateSubscriptionInput,
): Promise<Subscription> => {
  validateSubscription(input);
  const plans: { input: RatePlanInput; plan: CatalogRatePlan }[] = [];
  for (const [i, rp] of input.subscribeToRatePlans.entries()) {
    if (rp.productRatePlanId === undefined)
      throw missing(`subscribeToRatePlans[${i}].productRatePlanId`);
    const plan = await findRatePlan(deps, scope, rp.productRatePlanId, tx);
    if (plan === undefined)
      throw invalid(`Invalid product rate plan ID ${rp.productRatePlanId}.`, 'productRatePlanId');
    for (const o of rp.chargeOverrides ?? []) {
      if (o.productRatePlanChargeId === undefined)
        throw missing(`subscribeToRatePlans[${i}].chargeOverrides.productRatePlanChargeId`);
      if (!plan.charges.some((c) => c.id === o.productRatePlanChargeId))
        throw invalid(
          `Charge ${o.productRatePlanChargeId} is not in product rate plan ${plan.id}.`,
          'productRatePlanChargeId',
        );
      if (o.quantity !== undefined && o.quantity < 0)
        throw invalid('quantity must not be negative.', 'quantity');
      if (o.price !== undefined && !isDecimal(toMoney(o.price)))
        throw invalid('Invalid price.', 'price');
    }
    plans.push({ input: rp, plan });
  }
  let number = input.subscriptionNumber;
  if (number !== undefined) {
    if (await store.numberExists(tx, scope, number))
      throw invalid(`The subscription number ${number} is already in use.`, 'subscriptionNumber');
  } else {
    number = formatNumber('A-S', await takeNumbers(tx, scope, 'A-S'));
    while (await store.numberExists(tx, scope, number))
      number = formatNumber('A-S', await takeNumbers(tx, scope, 'A-S'));
  }
  const chargeCount = plans.reduce((n, p) => n + p.plan.charges.length, 0);
  let chargeNumber = chargeCount === 0 ? 0 : await takeNumbers(tx, scope, 'C', chargeCount);
  const now = toIso(deps.clock.now(scope.tenantId));
  const row = subscriptionRow(scope, account, input, deps.ids.id(), number, now);
  const charges = chargeRows(deps, scope, account, input, row, plans, () => chargeNumber++);
  await store.insertSubscriptions(tx, [row]);
  await store.insertCharges(tx, charges);
  return toSubscription(row, charges as SubscriptionChargeRow[]);
};

/**
 * Creates many subscriptions in the caller's transaction (the bulk loader, `folio seed`): the
 * same rows as `createSubscription`, with rate plans read once, numbers reserved in one step per
 * sequence and multi-row inserts. Client-chosen numbers are not accepted here.
 */
export const createSubscriptions = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  items: readonly { account: Account; input: CreateSubscriptionInput }[],
): Promise<Subscription[]> => {
  const cache = new Map<string, CatalogRatePlan>();
  let chargeCount = 0;
  for (const { input } of items) {
    validateSubscription(input);
    if (input.subscriptionNumber !== undefined)
      throw invalid('subscriptionNumber cannot be chosen in a bulk load.', 'subscriptionNumber');
    for (const [i, rp] of input.subscribeToRatePlans.entries()) {
      if (rp.productRatePlanId === undefined)
        throw missing(`subscribeToRatePlans[${i}].productRatePlanId`);
      let plan = cache.get(rp.productRatePlanId);
      if (plan === undefined) {
        plan = await findRatePlan(deps, scope, rp.productRatePlanId, tx);
        if (plan === undefined)
          throw invalid(
            `Invalid product rate plan ID ${rp.productRatePlanId}.`,
            'productRatePlanId',
          );
        cache.set(plan.id, plan);
      }
      if ((rp.chargeOverrides ?? []).length > 0)
        throw invalid('chargeOverrides are not supported in a bulk load.', 'chargeOverrides');
      chargeCount += plan.charges.length;
    }
  }
  if (items.length === 0) return [];
  let number = await takeNumbers(tx, scope, 'A-S', items.length);
  let chargeNumber = chargeCount === 0 ? 0 : await takeNumbers(tx, scope, 'C', chargeCount);
  const now = toIso(deps.clock.now(scope.tenantId));
  const rows = [];
  const charges: NewSubscriptionChargeRow[] = [];
  const out: Subscription[] = [];
  for (const { account, input } of items) {
    const row = subscriptionRow(
      scope,
      account,
      input,
      deps.ids.id(),
      formatNumber('A-S', number++),
      now,
    );
    const plans = input.subscribeToRatePlans.map((rp) => ({
      input: rp,
      plan: cache.get(rp.productRatePlanId!)!,
    }));
    const own = chargeRows(deps, scope, account, input, row, plans, () => chargeNumber++);
    rows.push(row);
    charges.push(...own);
    out.push(toSubscription(row, own as SubscriptionChargeRow[]));
  }
  await store.insertSubscriptions(tx, rows);
  await store.insertCharges(tx, charges);
  return out;
};

export const findSubscription = async (
  deps: Deps,
  scope: Scope,
  key: string,
): Promise<Subscription | undefined> => {
  const r = await store.findSubscriptionByKey(deps.db.read, scope, key);
  if (r === undefined) return undefined;
  return toSubscription(r, await store.listChargesOfSubscriptions(deps.db.read, scope, [r.id]));
};

export const getSubscription = async (
  deps: Deps,
  scope: Scope,
  key: string,
): Promise<Subscription> => {
  const s = await findSubscription(deps, scope, key);
  if (s === undefined) throw notFound('Subscription', key);
  return s;
};

/** The BCD a new subscription gives an account without one (C4: its contractEffectiveDate). */
export const billCycleDayFrom = (input: { contractEffectiveDate: string }): number =>
  parts(input.contractEffectiveDate).d;

/**
 * The engine's view of the active subscriptions of many accounts, read in the caller's
 * transaction (so a bill run's chunk sees its own earlier writes). `only` narrows to some ids.
 */
export const loadBillable = async (
  tx: Db,
  scope: Scope,
  accountIds: readonly string[],
  only?: readonly string[],
): Promise<Map<string, EngineSubscription[]>> => {
  const subs = (await store.listActiveSubscriptionsOfAccounts(tx, scope, accountIds)).filter(
    (s) => only === undefined || only.includes(s.id),
  );
  const charges = await store.listChargesOfSubscriptions(
    tx,
    scope,
    subs.map((s) => s.id),
  );
  const bySub = new Map<string, SubscriptionChargeRow[]>();
  for (const c of charges) {
    const list = bySub.get(c.subscription_id) ?? [];
    list.push(c);
    bySub.set(c.subscription_id, list);
  }
  const out = new Map<string, EngineSubscription[]>();
  for (const s of subs) {
    const list = out.get(s.account_id) ?? [];
    list.push({
      id: s.id,
      number: s.subscription_number,
      contractEffectiveDate: s.contract_effective_date,
      termEndDate: s.term_end_date,
      invoiceSeparately: s.invoice_separately === 1,
      charges: (bySub.get(s.id) ?? []).map((c) => ({
        id: c.id,
        number: c.charge_number,
        name: c.name,
        chargeType: c.charge_type as ChargeType,
        chargeModel: c.charge_model as ChargeModel,
        billingPeriod: c.billing_period as BillingPeriod,
        billCycleType: c.bill_cycle_type as BillCycleType,
        billCycleDay: c.bill_cycle_day,
        billingTiming: c.billing_timing as BillingTiming,
        price: c.price,
        quantity: c.quantity,
        triggerDate: c.trigger_date,
        chargedThroughDate: c.charged_through_date,
        productName: c.product_name,
        ratePlanName: c.rate_plan_name,
      })),
    });
    out.set(s.account_id, list);
  }
  return out;
};

/**
 * Renews the Active TERMED `autoRenew` subscriptions of these accounts whose term ends on or
 * before `date`, before a bill run bills them (CONTRACT C3.4 step 2, bill run `autoRenewal`):
 * each new term starts where the last ended and lasts `renewalTerm` months, repeated until the
 * term ends after `date` (a subscription several terms behind catches up). A `renewalTerm` of 0
 * cannot move the term and is left alone. `only` limits it to some subscriptions (the run's
 * subscription filters). Returns the ids renewed.
 */
export const renewSubscriptions = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  accountIds: readonly string[],
  date: string,
  only?: readonly string[],
): Promise<string[]> => {
  const due = (await store.listRenewable(tx, scope, accountIds, date)).filter(
    (s) => s.renewal_term > 0 && (only === undefined || only.includes(s.id)),
  );
  const at = toIso(deps.clock.now(scope.tenantId));
  for (const s of due) {
    const from = s.term_end_date!;
    // Every boundary from the same anchor, so a term ending on the 31st does not drift to the 28th.
    let k = 1;
    while (addMonths(from, k * s.renewal_term) <= date) k++;
    const start = addMonths(from, (k - 1) * s.renewal_term);
    const end = addMonths(from, k * s.renewal_term);
    await store.renewTerm(tx, scope, s.id, { from, start, end, at });
  }
  return due.map((s) => s.id);
};

/** Records what the engine billed (C3.4.7: no period is billed twice). */
export const applyAdvances = async (
  tx: Db,
  scope: Scope,
  advances: readonly ChargeAdvance[],
): Promise<void> => {
  // The last advance of a charge wins, as it did row by row.
  const last = new Map<string, string>();
  for (const a of advances) last.set(a.chargeId, a.chargedThroughDate);
  await store.setChargedThroughEach(
    tx,
    scope,
    [...last].map(([chargeId, date]) => ({ chargeId, date })),
  );
};

/**
 * Rolls chargedThroughDate (and processedThroughDate) back to the earliest service start of the
 * canceled items of each charge (a bill-run cancel, C3.4.7), so those periods bill again.
 */
export const rollBackChargedThrough = async (
  tx: Db,
  scope: Scope,
  items: readonly { chargeId: string; serviceStartDate: string }[],
): Promise<void> => {
  const earliest = new Map<string, string>();
  for (const i of items) {
    const cur = earliest.get(i.chargeId);
    if (cur === undefined || i.serviceStartDate < cur) earliest.set(i.chargeId, i.serviceStartDate);
  }
  await store.setChargedThroughEach(
    tx,
    scope,
    [...earliest].map(([chargeId, date]) => ({ chargeId, date })),
  );
};

/** Subscriptions of one account of a tenant (at most 1,000, by number), without their charges. */
export const listSubscriptionsOfAccount = async (
  deps: Deps,
  tenantId: string,
  accountId: string,
): Promise<Omit<Subscription, 'charges'>[]> =>
  (await store.listSubscriptionsOfAccount(deps.db.read, tenantId, accountId)).map((r) => {
    const { charges: _charges, ...rest } = toSubscription(r, []);
    return rest;
  });
