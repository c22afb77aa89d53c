/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- response bodies are read as untyped JSON */
/**
 * Issue 7 acceptance: every required field missing, every enum wrong and every length over its
 * limit gets the C2 error with the right category and envelope. The cases are derived from the
 * routes' own TypeBox schemas, so a field added later is covered without editing this file:
 * v1 REST (`POST /v1/accounts`, `POST /v1/subscriptions`) answers `CommonResponse` with
 * `<resource>22` / `<resource>20` (C2.1–C2.3); CRUD answers `MISSING_REQUIRED_VALUE` /
 * `INVALID_VALUE` (C2.5).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor } from '../harness.ts';
import { accountBody, call } from '../billing-fixtures.ts';
import { CreateAccount } from '../../src/accounts/accounts.schemas.ts';
import { CreateSubscription } from '../../src/subscriptions/subscriptions.schemas.ts';
import {
  CreateProduct,
  CreateProductRatePlan,
  CreateProductRatePlanCharge,
} from '../../src/catalog/catalog.schemas.ts';

type Json = Record<string, unknown>;
interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  maxLength?: number;
  items?: Schema;
}
interface Case {
  name: string;
  body: Json;
  kind: 'missing' | 'invalid';
}

const clone = <T>(v: T): T => structuredClone(v);

/** Sets or deletes `path` in a copy of `body`; numeric segments index arrays. */
const mutate = (body: Json, path: readonly (string | number)[], value: unknown): Json => {
  const out = clone(body);
  let o: Record<string | number, unknown> = out;
  for (const p of path.slice(0, -1)) o = o[p] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return out;
};

/** Every missing-required, wrong-enum and over-length case of `schema` reachable from `body`. */
const casesOf = (schema: Schema, body: Json, path: (string | number)[] = []): Case[] => {
  const out: Case[] = [];
  const at = (p: (string | number)[]) => p.join('.');
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const p = [...path, key];
    const value = path.reduce<unknown>((o, k) => (o as Json)[k], body) as Json;
    const present = value[key] !== undefined;
    if (schema.required?.includes(key))
      out.push({ name: `${at(p)} missing`, body: mutate(body, p, undefined), kind: 'missing' });
    if (prop.enum !== undefined)
      out.push({ name: `${at(p)} not in enum`, body: mutate(body, p, 'Bogus'), kind: 'invalid' });
    if (prop.maxLength !== undefined)
      out.push({
        name: `${at(p)} over ${prop.maxLength}`,
        body: mutate(body, p, 'x'.repeat(prop.maxLength + 1)),
        kind: 'invalid',
      });
    if (!present) continue;
    if (prop.type === 'object') out.push(...casesOf(prop, body, p));
    if (prop.type === 'array' && prop.items?.type === 'object' && Array.isArray(value[key]))
      if ((value[key] as unknown[]).length > 0) out.push(...casesOf(prop.items, body, [...p, 0]));
  }
  return out;
};

const ID = 'a'.repeat(32);
const catalogBodies: [string, Schema, Json][] = [
  [
    '/v1/object/product',
    CreateProduct as Schema,
    { Name: 'P', EffectiveStartDate: '2020-01-01', EffectiveEndDate: '2030-01-01', SKU: 'S' },
  ],
  ['/v1/object/product-rate-plan', CreateProductRatePlan as Schema, { Name: 'RP', ProductId: ID }],
  [
    '/v1/object/product-rate-plan-charge',
    CreateProductRatePlanCharge as Schema,
    {
      Name: 'C',
      ProductRatePlanId: ID,
      ChargeType: 'Recurring',
      ChargeModel: 'Flat Fee Pricing',
      BillingPeriod: 'Month',
      BillCycleType: 'DefaultFromCustomer',
      TriggerEvent: 'ContractEffective',
      UseDiscountSpecificAccountingCode: false,
      BillingTiming: 'In Advance',
      UOM: 'Each',
      ProductRatePlanChargeTierData: { ProductRatePlanChargeTier: [{ Currency: 'USD', Price: 1 }] },
    },
  ],
];
const v1Bodies: [string, string, Schema, Json][] = [
  [
    '/v1/accounts',
    '510100',
    CreateAccount as Schema,
    {
      ...accountBody(ID),
      billToContact: { firstName: 'A', lastName: 'B', workEmail: 'a@example.com', city: 'X' },
      accountNumber: 'N1',
      paymentTerm: 'Net 30',
    },
  ],
  [
    '/v1/subscriptions',
    '531003',
    CreateSubscription as Schema,
    {
      accountKey: 'A00000001',
      contractEffectiveDate: '2026-03-15',
      termType: 'EVERGREEN',
      renewalTerm: 12,
      subscriptionNumber: 'S-1',
      subscribeToRatePlans: [
        {
          productRatePlanId: ID,
          chargeOverrides: [{ productRatePlanChargeId: ID, price: 1 }],
        },
      ],
    },
  ],
];

test('the case generator finds nested required fields, enums and limits', () => {
  const names = casesOf(v1Bodies[0]![2], v1Bodies[0]![3]).map((c) => c.name);
  for (const n of [
    'name missing',
    'billToContact.firstName missing',
    'subscription.termType not in enum',
    'subscription.subscribeToRatePlans.0.productRatePlanId over 32',
    'accountNumber over 50',
  ])
    assert.ok(names.includes(n), `${n} not generated among ${names.join(', ')}`);
});

forEachDb('validation errors per field', (ctx) => {
  let token = '';
  test('setup', async () => {
    token = await tokenFor(ctx.app, await seedTenant(ctx.deps, 'Validation'));
  });

  for (const [url, resource, schema, body] of v1Bodies)
    for (const c of casesOf(schema, body))
      test(`POST ${url}: ${c.name} → cat${c.kind === 'missing' ? 22 : 20}`, async () => {
        const res = await call(ctx.app, token, 'POST', url, c.body);
        assert.equal(res.statusCode, 400, res.body);
        const b = res.json();
        assert.equal(b.success, false);
        assert.equal(b.reasons.length, 1);
        assert.equal(b.reasons[0].code, `${resource}${c.kind === 'missing' ? 22 : 20}`);
        assert.equal(typeof b.reasons[0].message, 'string');
        assert.match(b.requestId, /^[0-9a-f-]{36}$/);
        assert.equal(typeof b.processId, 'string');
      });

  for (const [url, schema, body] of catalogBodies)
    for (const c of casesOf(schema, body))
      test(`POST ${url}: ${c.name} → CRUD ${c.kind === 'missing' ? 'MISSING_REQUIRED_VALUE' : 'INVALID_VALUE'}`, async () => {
        const res = await call(ctx.app, token, 'POST', url, c.body);
        assert.equal(res.statusCode, 400, res.body);
        const b = res.json();
        assert.equal(b.Success, false);
        assert.equal(b.Errors.length, 1);
        assert.equal(
          b.Errors[0].Code,
          c.kind === 'missing' ? 'MISSING_REQUIRED_VALUE' : 'INVALID_VALUE',
        );
      });
});
