/**
 * The billing engine (CONTRACT C3.4 steps 2–5): pure functions from an account, its subscriptions
 * and charges, and a target date to document drafts and the new `chargedThroughDate` of each
 * charge. No I/O, no clock: `runBilling` today and bill runs later call the same code.
 */
import { addDays, daysBetween, monthDay, parts, type DateStr } from '../platform/dates.ts';
import { isNegative, mul, prorate, round, sum, sub, type Money } from '../platform/money.ts';

export const CHARGE_TYPES = ['OneTime', 'Recurring', 'Usage'] as const;
export type ChargeType = (typeof CHARGE_TYPES)[number];
export const CHARGE_MODELS = ['Flat Fee Pricing', 'Per Unit Pricing'] as const;
export type ChargeModel = (typeof CHARGE_MODELS)[number];
export const BILLING_PERIODS = ['Month', 'Quarter', 'Semi-Annual', 'Annual'] as const;
export type BillingPeriod = (typeof BILLING_PERIODS)[number];
export const BILL_CYCLE_TYPES = [
  'DefaultFromCustomer',
  'SpecificDayofMonth',
  'SubscriptionStartDay',
  'ChargeTriggerDay',
] as const;
export type BillCycleType = (typeof BILL_CYCLE_TYPES)[number];
export const BILLING_TIMINGS = ['In Advance', 'In Arrears'] as const;
export type BillingTiming = (typeof BILLING_TIMINGS)[number];

const MONTHS: Record<BillingPeriod, number> = {
  Month: 1,
  Quarter: 3,
  'Semi-Annual': 6,
  Annual: 12,
};

/**
 * Periods billed for one charge in one call. A target date decades after the charge start would
 * otherwise produce an unbounded document; the account fails with a clear message instead.
 */
export const MAX_PERIODS_PER_CHARGE = 600;

export interface EngineCharge {
  id: string;
  number: string;
  name: string;
  chargeType: ChargeType;
  chargeModel: ChargeModel;
  billingPeriod: BillingPeriod;
  billCycleType: BillCycleType;
  /** The charge's own billing day (`SpecificDayofMonth`), 1–31. */
  billCycleDay: number | null;
  billingTiming: BillingTiming;
  /** Override or catalog price in the account currency; null = no price (the account fails). */
  price: Money | null;
  quantity: Money;
  /** When the charge starts being billable; null = not yet triggered (C3.4.3). */
  triggerDate: DateStr | null;
  /** First day not yet billed; null = never billed. */
  chargedThroughDate: DateStr | null;
  productName: string;
  ratePlanName: string;
}

export interface EngineSubscription {
  id: string;
  number: string;
  contractEffectiveDate: DateStr;
  /** First day after the term (TERMED); null for EVERGREEN. */
  termEndDate: DateStr | null;
  invoiceSeparately: boolean;
  charges: readonly EngineCharge[];
}

export interface EngineAccount {
  id: string;
  currency: string;
  /** The account BCD 1–31; null when not set yet. */
  billCycleDay: number | null;
}

export interface BillOptions {
  targetDate: DateStr;
  chargeTypeToExclude?: readonly ChargeType[];
}

export interface DraftItem {
  subscriptionId: string;
  subscriptionNumber: string;
  chargeId: string;
  chargeNumber: string;
  chargeName: string;
  chargeType: ChargeType;
  productName: string;
  ratePlanName: string;
  serviceStartDate: DateStr;
  serviceEndDate: DateStr;
  quantity: Money;
  unitPrice: Money;
  /** Rounded to the currency; positive on an invoice, as the magnitude on a credit memo. */
  amount: Money;
}

export interface DocumentDraft {
  documentType: 'Invoice' | 'CreditMemo';
  accountId: string;
  currency: string;
  /** The `invoiceSeparately` subscription this document is for, or null for the account's main one. */
  subscriptionId: string | null;
  /** Document total (≥ 0: credit memos carry the magnitude of the negative net). */
  amount: Money;
  items: DraftItem[];
}

export interface ChargeAdvance {
  chargeId: string;
  chargedThroughDate: DateStr;
}

export type BillResult =
  | { ok: true; documents: DocumentDraft[]; advances: ChargeAdvance[] }
  | { ok: false; error: string };

export interface Period {
  start: DateStr;
  /** Inclusive. */
  end: DateStr;
  days: number;
  /** Days of the full period containing this one (the proration denominator, C3.4.3). */
  fullDays: number;
}

/**
 * Charge periods from `start`, with boundaries on `bcd` (clamped to month length) every `months`
 * months, cut at `termEnd` (exclusive). The boundaries are anchored on the first billing day on or
 * after the start; a start off the billing day gives a first partial period up to the day before
 * that boundary, whose full period is the `months` ending there (C3.4.3: "the first period runs to
 * the day before the next boundary"). Each boundary is computed from the anchor, not from the
 * previous one, so Jan 31 → Feb 28 → Mar 31 does not drift to the 28th.
 */
export function* chargePeriods(
  start: DateStr,
  bcd: number,
  months: number,
  termEnd: DateStr | null,
): Generator<Period> {
  const inMonth = monthDay(start, 0, bcd);
  const first = inMonth >= start ? inMonth : monthDay(start, 1, bcd);
  const cut = (p: Period): Period | undefined => {
    if (termEnd === null || p.end < termEnd) return p;
    if (p.start >= termEnd) return undefined;
    return { ...p, end: addDays(termEnd, -1), days: daysBetween(p.start, termEnd) };
  };
  if (first !== start) {
    const fullStart = monthDay(first, -months, bcd);
    const p = cut({
      start,
      end: addDays(first, -1),
      days: daysBetween(start, first),
      fullDays: daysBetween(fullStart, first),
    });
    if (p === undefined) return;
    yield p;
    if (p.end !== addDays(first, -1)) return;
  }
  for (let i = 0; ; i++) {
    const s = monthDay(first, i * months, bcd);
    const next = monthDay(first, (i + 1) * months, bcd);
    const full = daysBetween(s, next);
    const p = cut({ start: s, end: addDays(next, -1), days: full, fullDays: full });
    if (p === undefined) return;
    yield p;
    if (p.days !== full) return;
  }
}

/** The billing day a charge's periods align to (C3.4.3), or undefined when unknown. */
export const billingDayOf = (
  charge: EngineCharge,
  subscription: EngineSubscription,
  account: EngineAccount,
): number | undefined => {
  switch (charge.billCycleType) {
    case 'DefaultFromCustomer':
      return account.billCycleDay ?? undefined;
    case 'SpecificDayofMonth':
      return charge.billCycleDay ?? undefined;
    case 'SubscriptionStartDay':
      return parts(subscription.contractEffectiveDate).d;
    case 'ChargeTriggerDay':
      return charge.triggerDate === null ? undefined : parts(charge.triggerDate).d;
  }
};

const periodBase = (charge: EngineCharge, price: Money): Money =>
  charge.chargeModel === 'Per Unit Pricing' ? mul(price, charge.quantity) : price;

const itemQuantity = (charge: EngineCharge): Money =>
  charge.chargeModel === 'Per Unit Pricing' ? charge.quantity : '1';

/** Items of one charge up to the target date, and its new chargedThroughDate (C3.4.4). */
export const billCharge = (
  charge: EngineCharge,
  subscription: EngineSubscription,
  account: EngineAccount,
  options: BillOptions,
): { items: DraftItem[]; advance?: ChargeAdvance } | { error: string } => {
  if (charge.chargeType === 'Usage' || charge.triggerDate === null) return { items: [] };
  if (options.chargeTypeToExclude?.includes(charge.chargeType) === true) return { items: [] };
  const base = {
    subscriptionId: subscription.id,
    subscriptionNumber: subscription.number,
    chargeId: charge.id,
    chargeNumber: charge.number,
    chargeName: charge.name,
    chargeType: charge.chargeType,
    productName: charge.productName,
    ratePlanName: charge.ratePlanName,
    quantity: itemQuantity(charge),
  };
  const priceFor = (): Money | undefined => charge.price ?? undefined;

  if (charge.chargeType === 'OneTime') {
    // Billed once, when triggered on or before the target date.
    if (charge.chargedThroughDate !== null || charge.triggerDate > options.targetDate)
      return { items: [] };
    const price = priceFor();
    if (price === undefined)
      return { error: `Charge ${charge.number} has no price in ${account.currency}.` };
    return {
      items: [
        {
          ...base,
          serviceStartDate: charge.triggerDate,
          serviceEndDate: charge.triggerDate,
          unitPrice: price,
          amount: round(periodBase(charge, price), account.currency),
        },
      ],
      advance: { chargeId: charge.id, chargedThroughDate: addDays(charge.triggerDate, 1) },
    };
  }

  const bcd = billingDayOf(charge, subscription, account);
  if (bcd === undefined) return { items: [] };
  const from = charge.chargedThroughDate ?? charge.triggerDate;
  if (subscription.termEndDate !== null && from >= subscription.termEndDate) return { items: [] };
  const items: DraftItem[] = [];
  let through: DateStr | undefined;
  let price: Money | undefined;
  for (const p of chargePeriods(
    charge.triggerDate,
    bcd,
    MONTHS[charge.billingPeriod],
    subscription.termEndDate,
  )) {
    if (p.end < from) continue;
    // A chargedThroughDate inside a period (e.g. after a mid-period cancel) bills the rest of it.
    const period =
      p.start < from ? { ...p, start: from, days: daysBetween(from, addDays(p.end, 1)) } : p;
    const billable =
      charge.billingTiming === 'In Arrears'
        ? period.end < options.targetDate
        : period.start <= options.targetDate;
    if (!billable) break;
    if (items.length >= MAX_PERIODS_PER_CHARGE)
      return {
        error: `Charge ${charge.number} would bill more than ${MAX_PERIODS_PER_CHARGE} periods up to ${options.targetDate}.`,
      };
    price ??= priceFor();
    if (price === undefined)
      return { error: `Charge ${charge.number} has no price in ${account.currency}.` };
    const full = periodBase(charge, price);
    items.push({
      ...base,
      serviceStartDate: period.start,
      serviceEndDate: period.end,
      unitPrice: price,
      amount:
        period.days === period.fullDays
          ? round(full, account.currency)
          : prorate(full, period.days, period.fullDays, account.currency),
    });
    through = addDays(period.end, 1);
  }
  return through === undefined
    ? { items }
    : { items, advance: { chargeId: charge.id, chargedThroughDate: through } };
};

/**
 * Bills one account for a target date (C3.4 steps 2–5): one invoice, plus one per
 * `invoiceSeparately` subscription; a negative net gives a credit memo instead; no items, no
 * document; items totalling zero give a zero-amount invoice. A charge without a price fails the
 * whole account and nothing of it is billed.
 */
export const billAccount = (
  account: EngineAccount,
  subscriptions: readonly EngineSubscription[],
  options: BillOptions,
): BillResult => {
  const groups = new Map<string, { subscriptionId: string | null; items: DraftItem[] }>();
  const advances: ChargeAdvance[] = [];
  for (const s of subscriptions) {
    const key = s.invoiceSeparately ? s.id : '';
    for (const c of s.charges) {
      const r = billCharge(c, s, account, options);
      if ('error' in r) return { ok: false, error: r.error };
      if (r.advance !== undefined) advances.push(r.advance);
      if (r.items.length === 0) continue;
      let g = groups.get(key);
      if (g === undefined) {
        g = { subscriptionId: s.invoiceSeparately ? s.id : null, items: [] };
        groups.set(key, g);
      }
      g.items.push(...r.items);
    }
  }
  const documents: DocumentDraft[] = [];
  for (const g of groups.values()) {
    const total = round(sum(g.items.map((i) => i.amount)), account.currency);
    const credit = isNegative(total);
    documents.push({
      documentType: credit ? 'CreditMemo' : 'Invoice',
      accountId: account.id,
      currency: account.currency,
      subscriptionId: g.subscriptionId,
      amount: credit ? round(sub('0', total), account.currency) : total,
      items: credit
        ? g.items.map((i) => ({ ...i, amount: round(sub('0', i.amount), account.currency) }))
        : g.items,
    });
  }
  return { ok: true, documents, advances };
};
