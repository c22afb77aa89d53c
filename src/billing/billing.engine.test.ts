import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  billAccount,
  chargePeriods,
  type EngineAccount,
  type EngineCharge,
  type EngineSubscription,
} from './billing.engine.ts';

const charge = (over: Partial<EngineCharge> = {}): EngineCharge => ({
  id: 'c1',
  number: 'C-00000001',
  name: 'Monthly fee',
  chargeType: 'Recurring',
  chargeModel: 'Flat Fee Pricing',
  billingPeriod: 'Month',
  billCycleType: 'DefaultFromCustomer',
  billCycleDay: null,
  billingTiming: 'In Advance',
  price: '30',
  quantity: '1',
  triggerDate: '2026-03-15',
  chargedThroughDate: null,
  productName: 'Product',
  ratePlanName: 'Plan',
  ...over,
});
const subscription = (
  charges: EngineCharge[],
  over: Partial<EngineSubscription> = {},
): EngineSubscription => ({
  id: 's1',
  number: 'A-S00000001',
  contractEffectiveDate: charges[0]?.triggerDate ?? '2026-03-15',
  termEndDate: null,
  invoiceSeparately: false,
  charges,
  ...over,
});
const account = (over: Partial<EngineAccount> = {}): EngineAccount => ({
  id: 'a1',
  currency: 'USD',
  billCycleDay: 1,
  ...over,
});

interface Case {
  name: string;
  charge: Partial<EngineCharge>;
  account?: Partial<EngineAccount>;
  sub?: Partial<EngineSubscription>;
  target: string;
  /** [start, end, amount] per item, hand-computed. */
  items: [string, string, string][];
  ctd?: string;
  type?: 'Invoice' | 'CreditMemo';
  total?: string;
}

const cases: Case[] = [
  {
    name: 'C3.4.3 example: $30/month, BCD 1, start Mar 15 → 30×17/31 = 16.45',
    charge: {},
    target: '2026-03-15',
    items: [['2026-03-15', '2026-03-31', '16.45']],
    ctd: '2026-04-01',
  },
  {
    name: 'target on the next boundary bills the stub and the first full month',
    charge: {},
    target: '2026-04-01',
    items: [
      ['2026-03-15', '2026-03-31', '16.45'],
      ['2026-04-01', '2026-04-30', '30.00'],
    ],
    ctd: '2026-05-01',
    total: '46.45',
  },
  {
    name: 'chargedThroughDate: an already billed stub is not billed again',
    charge: { chargedThroughDate: '2026-04-01' },
    target: '2026-04-01',
    items: [['2026-04-01', '2026-04-30', '30.00']],
    ctd: '2026-05-01',
  },
  {
    name: 'nothing left to bill before the target gives no document',
    charge: { chargedThroughDate: '2026-04-01' },
    target: '2026-03-20',
    items: [],
  },
  {
    name: 'BCD 31 clamps to month ends without drifting (Jan 31, Feb 28, Mar 31)',
    charge: { triggerDate: '2026-01-31', price: '31' },
    account: { billCycleDay: 31 },
    target: '2026-03-31',
    items: [
      ['2026-01-31', '2026-02-27', '31.00'],
      ['2026-02-28', '2026-03-30', '31.00'],
      ['2026-03-31', '2026-04-29', '31.00'],
    ],
    ctd: '2026-04-30',
  },
  {
    name: 'leap February: $29, start Feb 15 2024 → 29×15/29 = 15.00',
    charge: { triggerDate: '2024-02-15', price: '29' },
    target: '2024-02-15',
    items: [['2024-02-15', '2024-02-29', '15.00']],
    ctd: '2024-03-01',
  },
  {
    name: 'common February: $29, start Feb 15 2025 → 29×14/28 = 14.50',
    charge: { triggerDate: '2025-02-15', price: '29' },
    target: '2025-02-15',
    items: [['2025-02-15', '2025-02-28', '14.50']],
    ctd: '2025-03-01',
  },
  {
    name: 'quarterly $90, start Mar 15: stub over Jan 1–Mar 31 (90 days) = 17.00, then a full quarter',
    charge: { billingPeriod: 'Quarter', price: '90' },
    target: '2026-04-01',
    items: [
      ['2026-03-15', '2026-03-31', '17.00'],
      ['2026-04-01', '2026-06-30', '90.00'],
    ],
    ctd: '2026-07-01',
  },
  {
    name: 'semi-annual $60, start Mar 15: 60×17/182 (Oct 1–Mar 31) = 5.60',
    charge: { billingPeriod: 'Semi-Annual', price: '60' },
    target: '2026-03-15',
    items: [['2026-03-15', '2026-03-31', '5.60']],
    ctd: '2026-04-01',
  },
  {
    name: 'annual $365, start Mar 15 2026: 365×17/365 = 17.00',
    charge: { billingPeriod: 'Annual', price: '365' },
    target: '2026-03-15',
    items: [['2026-03-15', '2026-03-31', '17.00']],
    ctd: '2026-04-01',
  },
  {
    name: 'annual $366 over a leap year period (Apr 1 2023–Mar 31 2024 = 366 days): 366×17/366 = 17.00',
    charge: { billingPeriod: 'Annual', price: '366', triggerDate: '2024-03-15' },
    target: '2024-03-15',
    items: [['2024-03-15', '2024-03-31', '17.00']],
    ctd: '2024-04-01',
  },
  {
    name: 'aligned annual start bills a full year',
    charge: { billingPeriod: 'Annual', price: '1200', triggerDate: '2026-03-01' },
    target: '2026-03-01',
    items: [['2026-03-01', '2027-02-28', '1200.00']],
    ctd: '2027-03-01',
  },
  {
    name: 'In Arrears: a period is billed only once it ended before the target',
    charge: { billingTiming: 'In Arrears', triggerDate: '2026-03-01' },
    target: '2026-03-31',
    items: [],
  },
  {
    name: 'In Arrears: the month is billed the day after it ends',
    charge: { billingTiming: 'In Arrears', triggerDate: '2026-03-01' },
    target: '2026-04-01',
    items: [['2026-03-01', '2026-03-31', '30.00']],
    ctd: '2026-04-01',
  },
  {
    name: 'one-time charge before its trigger date: nothing',
    charge: { chargeType: 'OneTime', price: '100' },
    target: '2026-03-14',
    items: [],
  },
  {
    name: 'one-time charge on its trigger date: billed once',
    charge: { chargeType: 'OneTime', price: '100' },
    target: '2026-03-15',
    items: [['2026-03-15', '2026-03-15', '100.00']],
    ctd: '2026-03-16',
  },
  {
    name: 'one-time charge already billed: never again',
    charge: { chargeType: 'OneTime', price: '100', chargedThroughDate: '2026-03-16' },
    target: '2027-01-01',
    items: [],
  },
  {
    name: 'usage charges are never billed',
    charge: { chargeType: 'Usage' },
    target: '2027-01-01',
    items: [],
  },
  {
    name: 'untriggered charge (no trigger date) is not billable',
    charge: { triggerDate: null },
    target: '2027-01-01',
    items: [],
  },
  {
    name: 'per unit: 2.50 × 3 = 7.50',
    charge: {
      chargeModel: 'Per Unit Pricing',
      price: '2.50',
      quantity: '3',
      triggerDate: '2026-03-01',
    },
    target: '2026-03-01',
    items: [['2026-03-01', '2026-03-31', '7.50']],
  },
  {
    name: 'per unit prorated: 2 × 10 × 17/31 = 10.97',
    charge: { chargeModel: 'Per Unit Pricing', price: '2', quantity: '10' },
    target: '2026-03-15',
    items: [['2026-03-15', '2026-03-31', '10.97']],
  },
  {
    name: 'rounding is half-up: 0.05 × 0.5 = 0.025 → 0.03',
    charge: {
      chargeModel: 'Per Unit Pricing',
      price: '0.05',
      quantity: '0.5',
      triggerDate: '2026-03-01',
    },
    target: '2026-03-01',
    items: [['2026-03-01', '2026-03-31', '0.03']],
  },
  {
    name: 'JPY has no minor unit: 1000 × 17/31 = 548',
    charge: { price: '1000' },
    account: { currency: 'JPY' },
    target: '2026-03-15',
    items: [['2026-03-15', '2026-03-31', '548']],
  },
  {
    name: 'SpecificDayofMonth uses the charge BCD, not the account one',
    charge: { billCycleType: 'SpecificDayofMonth', billCycleDay: 15 },
    target: '2026-03-15',
    items: [['2026-03-15', '2026-04-14', '30.00']],
    ctd: '2026-04-15',
  },
  {
    name: 'SubscriptionStartDay aligns to the contract effective day (30×21/31 = 20.32)',
    charge: { billCycleType: 'SubscriptionStartDay', triggerDate: '2026-03-20' },
    sub: { contractEffectiveDate: '2026-03-10' },
    target: '2026-03-20',
    items: [['2026-03-20', '2026-04-09', '20.32']],
  },
  {
    name: 'ChargeTriggerDay aligns to the trigger date',
    charge: { billCycleType: 'ChargeTriggerDay', triggerDate: '2026-03-20' },
    target: '2026-03-20',
    items: [['2026-03-20', '2026-04-19', '30.00']],
  },
  {
    name: 'TERMED: the last period is cut at the term end and prorated (30×15/30)',
    charge: { triggerDate: '2026-03-01' },
    sub: { termEndDate: '2026-04-16' },
    target: '2026-05-01',
    items: [
      ['2026-03-01', '2026-03-31', '30.00'],
      ['2026-04-01', '2026-04-15', '15.00'],
    ],
    ctd: '2026-04-16',
  },
  {
    name: 'a price override of 0 gives a zero-amount invoice',
    charge: { price: '0' },
    target: '2026-03-15',
    items: [['2026-03-15', '2026-03-31', '0.00']],
    total: '0.00',
  },
  {
    name: 'a negative override gives a credit memo for the magnitude',
    charge: { price: '-31', triggerDate: '2026-03-01' },
    target: '2026-03-01',
    items: [['2026-03-01', '2026-03-31', '31.00']],
    type: 'CreditMemo',
    total: '31.00',
  },
];

describe('billing engine: hand-computed amounts', () => {
  for (const c of cases) {
    test(c.name, () => {
      const ch = charge(c.charge);
      const r = billAccount(account(c.account), [subscription([ch], c.sub)], {
        targetDate: c.target,
      });
      assert.equal(r.ok, true);
      if (!r.ok) return;
      const items = r.documents.flatMap((d) => d.items);
      assert.deepEqual(
        items.map((i) => [i.serviceStartDate, i.serviceEndDate, i.amount]),
        c.items,
      );
      assert.equal(r.documents.length, c.items.length === 0 ? 0 : 1);
      if (c.ctd !== undefined)
        assert.deepEqual(r.advances, [{ chargeId: 'c1', chargedThroughDate: c.ctd }]);
      if (c.items.length === 0) assert.deepEqual(r.advances, []);
      if (c.type !== undefined) assert.equal(r.documents[0]!.documentType, c.type);
      else if (c.items.length > 0) assert.equal(r.documents[0]!.documentType, 'Invoice');
      if (c.total !== undefined) assert.equal(r.documents[0]!.amount, c.total);
    });
  }
});

describe('billing engine: documents and failures', () => {
  test('an invoiceSeparately subscription gets its own invoice', () => {
    const a = subscription([charge({ id: 'c1' })], { id: 's1' });
    const b = subscription([charge({ id: 'c2', price: '10' })], {
      id: 's2',
      invoiceSeparately: true,
    });
    const c = subscription([charge({ id: 'c3', price: '20' })], { id: 's3' });
    const r = billAccount(account(), [a, b, c], { targetDate: '2026-03-15' });
    assert.ok(r.ok);
    assert.deepEqual(
      r.documents.map((d) => [d.subscriptionId, d.amount, d.items.length]),
      [
        [null, '27.42', 2],
        ['s2', '5.48', 1],
      ],
    );
  });

  test('a negative item and a larger positive one net to an invoice', () => {
    const s = subscription([
      charge({ id: 'c1', price: '30', triggerDate: '2026-03-01' }),
      charge({ id: 'c2', price: '-10', triggerDate: '2026-03-01' }),
    ]);
    const r = billAccount(account(), [s], { targetDate: '2026-03-01' });
    assert.ok(r.ok);
    assert.equal(r.documents[0]!.documentType, 'Invoice');
    assert.equal(r.documents[0]!.amount, '20.00');
  });

  test('a charge without a price fails the whole account and bills nothing', () => {
    const s = subscription([
      charge({ id: 'c1' }),
      charge({ id: 'c2', number: 'C-2', price: null }),
    ]);
    const r = billAccount(account(), [s], { targetDate: '2026-03-15' });
    assert.deepEqual(r, { ok: false, error: 'Charge C-2 has no price in USD.' });
  });

  test('chargeTypeToExclude leaves those charges unbilled', () => {
    const s = subscription([charge({ id: 'c1', chargeType: 'OneTime' }), charge({ id: 'c2' })]);
    const r = billAccount(account(), [s], {
      targetDate: '2026-03-15',
      chargeTypeToExclude: ['OneTime'],
    });
    assert.ok(r.ok);
    assert.deepEqual(
      r.advances.map((a) => a.chargeId),
      ['c2'],
    );
  });

  test('billing twice with the advanced chargedThroughDate bills nothing more', () => {
    const first = billAccount(account(), [subscription([charge()])], { targetDate: '2026-03-20' });
    assert.ok(first.ok);
    const ctd = first.advances[0]!.chargedThroughDate;
    const again = billAccount(account(), [subscription([charge({ chargedThroughDate: ctd })])], {
      targetDate: '2026-03-20',
    });
    assert.ok(again.ok);
    assert.equal(again.documents.length, 0);
  });

  test('a target date centuries ahead fails the account instead of billing without bound', () => {
    const r = billAccount(account(), [subscription([charge()])], { targetDate: '2126-03-15' });
    assert.equal(r.ok, false);
  });

  test('periods never start before the charge start and are contiguous', () => {
    const ps = [...chargePeriods('2026-01-31', 31, 1, '2026-06-01')];
    assert.deepEqual(
      ps.map((p) => [p.start, p.end]),
      [
        ['2026-01-31', '2026-02-27'],
        ['2026-02-28', '2026-03-30'],
        ['2026-03-31', '2026-04-29'],
        ['2026-04-30', '2026-05-30'],
        ['2026-05-31', '2026-05-31'],
      ],
    );
  });
});
