/**
 * `folio seed`: a bulk loader of realistic billing data into a tenant (issue 7 item 5). It
 * writes through the same services as the API (catalog, accounts, subscriptions, billing) in
 * large transactions of `BATCH` accounts, so seeded data is exactly what the API would create.
 * `--import FILE` loads NDJSON (one Zuora request body per line with a `type`) in one
 * transaction: a bad line is reported with its number and nothing is left half-imported.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Config } from '../config.ts';
import type { Db } from '../database.ts';
import { closeDeps, createDeps, migrate, type Deps } from '../deps.ts';
import { addMonths, dateOf } from '../platform/dates.ts';
import { AppError, invalid, isAppError, missing } from '../platform/errors.ts';
import { seededIds } from '../platform/ids.ts';
import type { Scope } from '../platform/scope.ts';
import { DEMO_TENANT_ID, ensureDemoTenant, listEntities } from '../tenants/tenants.service.ts';
import { ensureClient } from '../auth/auth.service.ts';
import { createCharge, createProduct, createRatePlan } from '../catalog/catalog.service.ts';
import {
  createAccounts,
  findAccount,
  type Account,
  type CreateAccountInput,
} from '../accounts/accounts.service.ts';
import {
  createSubscription,
  createSubscriptions,
  validateSubscription,
  type CreateSubscriptionInput,
} from '../subscriptions/subscriptions.service.ts';
import { billAccounts, postDocuments } from '../billing/billing.service.ts';

export const SEED_USAGE = `  seed [--accounts N] [--invoices] [--seed S] [--tenant ID] [--entity ID] [--json]
                             bulk-load a catalog and N accounts with subscriptions
  seed --import FILE [--tenant ID] [--entity ID]   load NDJSON (see README "Bulk loading")`;

/** Accounts per transaction: large enough to amortise commits, small enough to stay responsive. */
const BATCH = 1000;
/** `--accounts` upper bound (every size is limited). */
export const MAX_ACCOUNTS = 10_000_000;
/** `--import` limits: file size and line length. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
export const MAX_LINE_CHARS = 64 * 1024;

export interface SeedOptions {
  accounts: number;
  invoices: boolean;
  /** Called after each batch with accounts done so far. */
  progress?: (done: number, total: number) => void;
}

export interface SeedSummary {
  tenantId: string;
  entityId: string;
  products: number;
  ratePlans: number;
  charges: number;
  accounts: number;
  subscriptions: number;
  invoices: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  firstAccountNumber: string | null;
  lastAccountNumber: string | null;
  productRatePlanIds: string[];
  targetDate: string;
}

/** mulberry32: a small seeded PRNG, so `--seed` reproduces the same data. */
const prng = (seed: string): (() => number) => {
  let a = 0;
  for (const ch of seed) a = (Math.imul(a, 31) + ch.charCodeAt(0)) | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Linus', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Hamilton'];
const CITIES: [string, string, string][] = [
  ['San Francisco', 'CA', 'United States'],
  ['New York', 'NY', 'United States'],
  ['Berlin', 'BE', 'Germany'],
  ['Paris', 'IDF', 'France'],
];

interface Plan {
  id: string;
  annual: boolean;
}

/** A few products with monthly and annual plans, Flat Fee and Per Unit, USD and EUR (C4). */
const createCatalog = async (
  deps: Deps,
  scope: Scope,
): Promise<{ plans: Plan[]; charges: number }> => {
  const plans: Plan[] = [];
  let charges = 0;
  const product = async (name: string, sku: string): Promise<string> =>
    createProduct(deps, scope, {
      name,
      sku,
      effectiveStartDate: '2020-01-01',
      effectiveEndDate: '2099-12-31',
    });
  const plan = async (
    productId: string,
    name: string,
    annual: boolean,
    flat: [number, number],
    perUnit?: [number, number],
  ): Promise<void> => {
    const id = await createRatePlan(deps, scope, { name, productId });
    const base = {
      productRatePlanId: id,
      chargeType: 'Recurring' as const,
      billingPeriod: annual ? ('Annual' as const) : ('Month' as const),
      billCycleType: 'DefaultFromCustomer' as const,
      triggerEvent: 'ContractEffective',
      billingTiming: 'In Advance' as const,
    };
    await createCharge(deps, scope, {
      ...base,
      name: `${name} fee`,
      chargeModel: 'Flat Fee Pricing',
      tiers: [
        { currency: 'USD', price: flat[0] },
        { currency: 'EUR', price: flat[1] },
      ],
    });
    charges++;
    if (perUnit !== undefined) {
      await createCharge(deps, scope, {
        ...base,
        name: `${name} seats`,
        chargeModel: 'Per Unit Pricing',
        uom: 'Each',
        defaultQuantity: 5,
        tiers: [
          { currency: 'USD', price: perUnit[0] },
          { currency: 'EUR', price: perUnit[1] },
        ],
      });
      charges++;
    }
    plans.push({ id, annual });
  };
  const cloud = await product('Folio Cloud', 'FOLIO-CLOUD');
  await plan(cloud, 'Basic Monthly', false, [30, 27]);
  await plan(cloud, 'Pro Monthly', false, [99, 89], [12, 11]);
  await plan(cloud, 'Basic Annual', true, [300, 270]);
  await plan(cloud, 'Pro Annual', true, [990, 890], [120, 110]);
  const support = await product('Premium Support', 'FOLIO-SUPPORT');
  await plan(support, 'Support Monthly', false, [50, 45]);
  return { plans, charges };
};

/** Resolves `--tenant` / `--entity` to a scope; the demo tenant is created when demo mode is on. */
export const resolveScope = async (
  deps: Deps,
  tenantId: string | undefined,
  entityId: string | undefined,
): Promise<Scope> => {
  const tenant = tenantId ?? DEMO_TENANT_ID;
  if (tenant === DEMO_TENANT_ID && deps.config.demo) {
    await ensureDemoTenant(deps);
    await ensureClient(deps, {
      tenantId: DEMO_TENANT_ID,
      clientId: deps.config.demoClientId,
      clientSecret: deps.config.demoClientSecret,
      name: 'Demo client',
    });
  }
  const entities = await listEntities(deps, tenant);
  const entity =
    entityId === undefined
      ? (entities.find((e) => e.isDefault) ?? entities[0])
      : entities.find((e) => e.id === entityId);
  if (entity === undefined)
    throw invalid(
      `Entity ${entityId ?? '(default)'} does not belong to tenant ${tenant}.`,
      'entity',
    );
  return { tenantId: tenant, entityId: entity.id };
};

/**
 * Loads a catalog and `accounts` accounts (bill cycle days 1–28, Batch1–Batch5, a bill-to
 * contact each), each with one subscription (monthly or annual, some starting mid-period);
 * with `invoices`, bills them for today through the engine and posts the invoices.
 */
export const seedData = async (
  deps: Deps,
  scope: Scope,
  options: SeedOptions,
  seed = 'folio',
): Promise<SeedSummary> => {
  if (
    !Number.isInteger(options.accounts) ||
    options.accounts < 0 ||
    options.accounts > MAX_ACCOUNTS
  )
    throw invalid(`--accounts must be an integer from 0 to ${MAX_ACCOUNTS}.`, 'accounts');
  const started = performance.now();
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const today = dateOf(deps.clock.now(scope.tenantId));
  const { plans, charges } = await createCatalog(deps, scope);
  const monthly = plans.filter((p) => !p.annual);
  const annual = plans.filter((p) => p.annual);
  let rows = 5 + plans.length + charges;
  let subscriptions = 0;
  let invoices = 0;
  let first: string | null = null;
  let last: string | null = null;
  for (let done = 0; done < options.accounts; done += BATCH) {
    const n = Math.min(BATCH, options.accounts - done);
    const inputs: CreateAccountInput[] = [];
    const subs: CreateSubscriptionInput[] = [];
    for (let i = 0; i < n; i++) {
      const bcd = 1 + Math.floor(rand() * 28);
      const [city, state, country] = pick(CITIES);
      const firstName = pick(FIRST);
      const lastName = pick(LAST);
      inputs.push({
        name: `${firstName} ${lastName} ${done + i + 1}`,
        currency: country === 'United States' ? 'USD' : 'EUR',
        billCycleDay: bcd,
        batch: `Batch${1 + Math.floor(rand() * 5)}`,
        paymentTerm: pick(['Due Upon Receipt', 'Net 30']),
        billToContact: {
          firstName,
          lastName,
          city,
          state,
          country,
          workEmail: `${firstName}.${lastName}.${done + i + 1}@example.com`.toLowerCase(),
        },
      });
      const isAnnual = rand() < 0.25;
      // Started 0–11 months ago; a third start mid-period (another day than the bill cycle day).
      const month = addMonths(today.slice(0, 8) + '01', -Math.floor(rand() * 12));
      const day = rand() < 0.33 ? 1 + Math.floor(rand() * 28) : bcd;
      let start = `${month.slice(0, 8)}${String(day).padStart(2, '0')}`;
      if (start > today) start = today;
      subs.push({
        contractEffectiveDate: start,
        termType: isAnnual ? 'TERMED' : 'EVERGREEN',
        ...(isAnnual ? { initialTerm: 12, renewalTerm: 12, autoRenew: true } : {}),
        subscribeToRatePlans: [{ productRatePlanId: pick(isAnnual ? annual : monthly).id }],
      });
    }
    await deps.db.db.transaction().execute(async (tx) => {
      const accounts = await createAccounts(deps, tx, scope, inputs);
      const created = await createSubscriptions(
        deps,
        tx,
        scope,
        accounts.map((account, i) => ({ account, input: subs[i]! })),
      );
      first ??= accounts[0]?.accountNumber ?? null;
      last = accounts.at(-1)?.accountNumber ?? last;
      subscriptions += created.length;
      rows += accounts.length * 2 + created.reduce((m, s) => m + 1 + s.charges.length, 0);
      if (options.invoices) {
        const billed = await billAccounts(deps, tx, scope, accounts, {
          targetDate: today,
          documentDate: today,
          source: 'API',
          sourceId: null,
          billRunId: null,
          createdBy: 'folio seed',
        });
        await postDocuments(
          deps,
          tx,
          scope,
          {
            invoiceIds: billed.invoices.map((d) => d.id),
            creditMemoIds: billed.creditMemos.map((d) => d.id),
          },
          'folio seed',
        );
        invoices += billed.invoices.length;
        // Documents only: their items are not returned by billAccounts.
        rows += billed.invoices.length;
      }
    });
    options.progress?.(done + n, options.accounts);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    ...scope,
    products: 2,
    ratePlans: plans.length,
    charges,
    accounts: options.accounts,
    subscriptions,
    invoices,
    rows,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSecond: Math.round(rows / Math.max(seconds, 0.001)),
    firstAccountNumber: first,
    lastAccountNumber: last,
    productRatePlanIds: plans.map((p) => p.id),
    targetDate: today,
  };
};

// ---- NDJSON import ----

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Record<string, unknown>, f: string, max: number, required = true): void => {
  const v = o[f];
  if (v === undefined && !required) return;
  if (v === undefined) throw missing(f);
  if (typeof v !== 'string' || v.length > max)
    throw invalid(`${f} must be a string of at most ${max} characters.`, f);
};

const checkAccount = (o: Record<string, unknown>): CreateAccountInput => {
  str(o, 'name', 255);
  str(o, 'currency', 3);
  for (const f of ['accountNumber', 'batch', 'paymentTerm', 'notes'])
    str(o, f, f === 'notes' ? 65_535 : 70, false);
  const bcd = o.billCycleDay;
  if (bcd !== undefined && (!Number.isInteger(bcd) || (bcd as number) < 0 || (bcd as number) > 31))
    throw invalid('billCycleDay must be an integer from 0 to 31.', 'billCycleDay');
  const c = o.billToContact;
  if (c === undefined) throw missing('billToContact');
  if (!isObj(c)) throw invalid('billToContact must be an object.', 'billToContact');
  str(c, 'firstName', 100);
  str(c, 'lastName', 100);
  return o as unknown as CreateAccountInput;
};

const checkSubscription = (
  o: Record<string, unknown>,
): CreateSubscriptionInput & { accountKey: string } => {
  str(o, 'accountKey', 70);
  str(o, 'contractEffectiveDate', 10);
  if (o.termType !== 'TERMED' && o.termType !== 'EVERGREEN')
    throw invalid('termType must be TERMED or EVERGREEN.', 'termType');
  if (!Array.isArray(o.subscribeToRatePlans) || !o.subscribeToRatePlans.every(isObj))
    throw invalid('subscribeToRatePlans must be an array of objects.', 'subscribeToRatePlans');
  const input = o as unknown as CreateSubscriptionInput & { accountKey: string };
  validateSubscription(input);
  return input;
};

export interface ImportSummary {
  accounts: number;
  subscriptions: number;
  lines: number;
}

/**
 * Imports NDJSON text in one transaction. Each line is `{"type": "account" | "subscription", …}`
 * with the fields of Zuora's `POST /v1/accounts` / `POST /v1/subscriptions` bodies (a
 * subscription names its account with `accountKey`, an id or number, possibly from an earlier
 * line). Any failure throws `Line N: …` and rolls everything back.
 */
export const importNdjson = async (
  deps: Deps,
  scope: Scope,
  text: string,
): Promise<ImportSummary> => {
  const lines = text.split('\n');
  const parsed: { line: number; type: string; body: Record<string, unknown> }[] = [];
  const atLine = (line: number, e: unknown): never => {
    if (!isAppError(e)) throw e;
    throw new AppError(
      e.kind,
      `Line ${line}: ${e.message}`,
      e.field === undefined ? {} : { field: e.field },
    );
  };
  for (const [i, raw] of lines.entries()) {
    const line = i + 1;
    if (raw.trim() === '') continue;
    try {
      if (raw.length > MAX_LINE_CHARS)
        throw invalid(`the line is longer than ${MAX_LINE_CHARS} characters.`, 'line');
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch {
        throw invalid('the line is not valid JSON.', 'line');
      }
      if (!isObj(v)) throw invalid('the line is not a JSON object.', 'line');
      const { type, ...body } = v;
      if (type === 'account') checkAccount(body);
      else if (type === 'subscription') checkSubscription(body);
      else throw invalid(`unknown type ${JSON.stringify(type)} (account | subscription).`, 'type');
      parsed.push({ line, type, body });
    } catch (e) {
      atLine(line, e);
    }
  }
  const out: ImportSummary = { accounts: 0, subscriptions: 0, lines: parsed.length };
  await deps.db.db.transaction().execute(async (tx: Db) => {
    for (const { line, type, body } of parsed) {
      try {
        if (type === 'account') {
          await createAccounts(deps, tx, scope, [body as unknown as CreateAccountInput]);
          out.accounts++;
        } else {
          const { accountKey, ...input } = body as unknown as CreateSubscriptionInput & {
            accountKey: string;
          };
          const account: Account | undefined = await findAccount(deps, scope, accountKey, tx);
          if (account === undefined) throw invalid(`Unknown account ${accountKey}.`, 'accountKey');
          await createSubscription(deps, tx, scope, account, input);
          out.subscriptions++;
        }
      } catch (e) {
        atLine(line, e);
      }
    }
  });
  return out;
};

// ---- command line ----

const VALUED = ['--accounts', '--seed', '--tenant', '--entity', '--import'];

/** `folio seed …`: pairs valued flags with the positionals after `seed` (config.ts collects them). */
export const seedCommand = async (
  config: Config,
  positionals: string[],
  flags: string[],
): Promise<number> => {
  const opts: Record<string, string> = {};
  const values = [...positionals];
  for (const f of flags) {
    const eq = f.indexOf('=');
    const name = eq === -1 ? f : f.slice(0, eq);
    if (!VALUED.includes(name) && !['--invoices', '--json'].includes(name)) {
      process.stderr.write(`folio seed: unknown option ${name}\n\nUsage:\n${SEED_USAGE}\n`);
      return 2;
    }
    if (VALUED.includes(name)) {
      const v = eq === -1 ? values.shift() : f.slice(eq + 1);
      if (v === undefined) {
        process.stderr.write(`folio seed: ${name} needs a value\n`);
        return 2;
      }
      opts[name] = v;
    } else opts[name] = 'true';
  }
  if (values.length > 0) {
    process.stderr.write(`folio seed: unexpected argument ${values[0]}\n\nUsage:\n${SEED_USAGE}\n`);
    return 2;
  }
  const seed = opts['--seed'];
  const deps = await createDeps(config, seed === undefined ? {} : { ids: seededIds(seed) });
  try {
    await migrate(deps);
    const scope = await resolveScope(deps, opts['--tenant'], opts['--entity']);
    const file = opts['--import'];
    if (file !== undefined) {
      if (statSync(file).size > MAX_IMPORT_BYTES)
        throw invalid(`${file} is larger than ${MAX_IMPORT_BYTES} bytes.`, 'import');
      const started = performance.now();
      const r = await importNdjson(deps, scope, readFileSync(file, 'utf8'));
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(
        `${JSON.stringify({ ...scope, ...r, seconds: Math.round(seconds * 100) / 100 })}\n`,
      );
      return 0;
    }
    const accounts = Number(opts['--accounts'] ?? '100');
    const tty = process.stderr.isTTY === true;
    const summary = await seedData(
      deps,
      scope,
      {
        accounts,
        invoices: opts['--invoices'] === 'true',
        progress: (done, total) => {
          const w = 30;
          const k = Math.round((done / Math.max(total, 1)) * w);
          const bar = `[${'#'.repeat(k)}${'-'.repeat(w - k)}] ${done}/${total} accounts`;
          process.stderr.write(tty ? `\r${bar}` : `${bar}\n`);
        },
      },
      seed ?? 'folio',
    );
    if (tty) process.stderr.write('\n');
    if (opts['--json'] === 'true') process.stdout.write(`${JSON.stringify(summary)}\n`);
    else
      process.stdout.write(
        `Seeded tenant ${summary.tenantId} (entity ${summary.entityId}): ${summary.products} products, ` +
          `${summary.ratePlans} rate plans, ${summary.charges} charges, ${summary.accounts} accounts, ` +
          `${summary.subscriptions} subscriptions, ${summary.invoices} invoices — ${summary.rows} rows in ` +
          `${summary.seconds} s (${summary.rowsPerSecond} rows/s)\n` +
          `Accounts ${summary.firstAccountNumber ?? '-'} … ${summary.lastAccountNumber ?? '-'}; ` +
          `rate plans ${summary.productRatePlanIds.join(', ')}\n` +
          `Next: GET /v1/accounts/${summary.firstAccountNumber ?? '…'}, or POST /v1/bill-runs ` +
          `{"batches":["AllBatches"],"targetDate":"${summary.targetDate}","autoPost":true}\n`,
      );
    return 0;
  } catch (e) {
    if (!isAppError(e)) throw e;
    process.stderr.write(`folio seed: ${e.message}\n`);
    return 1;
  } finally {
    await closeDeps(deps);
  }
};
