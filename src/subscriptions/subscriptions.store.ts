import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { Scope } from '../platform/scope.ts';
import type {
  NewSubscriptionChargeRow,
  NewSubscriptionRow,
  SubscriptionChargeRow,
  SubscriptionRow,
} from './subscriptions.table.ts';

/** Rows per multi-row INSERT: under SQLite's 32,766 bound-parameter limit for the widest table. */
const CHUNK = 500;

export const insertSubscriptions = async (db: Db, rows: NewSubscriptionRow[]): Promise<void> => {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('subscriptions')
      .values(rows.slice(i, i + CHUNK))
      .execute();
};
export const insertCharges = async (db: Db, rows: NewSubscriptionChargeRow[]): Promise<void> => {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('subscription_charges')
      .values(rows.slice(i, i + CHUNK))
      .execute();
};

export const findSubscriptionByKey = async (
  db: Db,
  s: Scope,
  key: string,
): Promise<SubscriptionRow | undefined> =>
  db
    .selectFrom('subscriptions')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where((eb) => eb.or([eb('id', '=', key), eb('subscription_number', '=', key)]))
    .executeTakeFirst();

export const numberExists = async (db: Db, s: Scope, number: string): Promise<boolean> =>
  (await db
    .selectFrom('subscriptions')
    .select('id')
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('subscription_number', '=', number)
    .executeTakeFirst()) !== undefined;

export const listActiveSubscriptionsOfAccounts = async (
  db: Db,
  s: Scope,
  accountIds: readonly string[],
): Promise<SubscriptionRow[]> =>
  accountIds.length === 0
    ? []
    : db
        .selectFrom('subscriptions')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('account_id', 'in', accountIds)
        .where('status', '=', 'Active')
        .orderBy('created_at')
        .orderBy('id')
        .execute();

export const listChargesOfSubscriptions = async (
  db: Db,
  s: Scope,
  subscriptionIds: readonly string[],
): Promise<SubscriptionChargeRow[]> =>
  subscriptionIds.length === 0
    ? []
    : db
        .selectFrom('subscription_charges')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('subscription_id', 'in', subscriptionIds)
        .orderBy('subscription_id')
        .orderBy('position')
        .execute();

/**
 * Sets chargedThroughDate (and processedThroughDate) of many charges, each to its own date, with
 * one `UPDATE … FROM (VALUES …)` per 500 charges (SQLite ≥ 3.33 and PostgreSQL): a bill-run chunk
 * advances hundreds of charges to dozens of distinct dates, formerly one statement per date.
 */
export const setChargedThroughEach = async (
  db: Db,
  s: Scope,
  dates: readonly { chargeId: string; date: string }[],
): Promise<void> => {
  for (let i = 0; i < dates.length; i += CHUNK) {
    const values = sql.join(dates.slice(i, i + CHUNK).map((d) => sql`(${d.chargeId}, ${d.date})`));
    await sql`with v (id, d) as (values ${values})
      update subscription_charges set charged_through_date = v.d, processed_through_date = v.d
      from v where subscription_charges.id = v.id
      and subscription_charges.tenant_id = ${s.tenantId}
      and subscription_charges.entity_id = ${s.entityId}`.execute(db);
  }
};

/** Active TERMED auto-renew subscriptions of these accounts whose term ends on or before `date`. */
export const listRenewable = async (
  db: Db,
  s: Scope,
  accountIds: readonly string[],
  date: string,
): Promise<SubscriptionRow[]> => {
  const out: SubscriptionRow[] = [];
  for (let i = 0; i < accountIds.length; i += CHUNK)
    out.push(
      ...(await db
        .selectFrom('subscriptions')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('account_id', 'in', accountIds.slice(i, i + CHUNK))
        .where('status', '=', 'Active')
        .where('term_type', '=', 'TERMED')
        .where('auto_renew', '=', 1)
        .where('term_end_date', '<=', date)
        .execute()),
    );
  return out;
};

/**
 * Moves a subscription to a new term, and its charges' effective end with it. Only when its term
 * still ends on `from`: a retried bill-run chunk does not renew twice.
 */
export const renewTerm = async (
  db: Db,
  s: Scope,
  id: string,
  term: { from: string; start: string; end: string; at: string },
): Promise<void> => {
  const r = await db
    .updateTable('subscriptions')
    .set({ term_start_date: term.start, term_end_date: term.end, updated_at: term.at })
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', '=', id)
    .where('term_end_date', '=', term.from)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return;
  await db
    .updateTable('subscription_charges')
    .set({ effective_end_date: term.end })
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('subscription_id', '=', id)
    .execute();
};

/** Subscriptions of one account of a tenant, by number (the console's account detail). */
export const listSubscriptionsOfAccount = async (
  db: Db,
  tenantId: string,
  accountId: string,
): Promise<SubscriptionRow[]> =>
  db
    .selectFrom('subscriptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('account_id', '=', accountId)
    .orderBy('subscription_number')
    .limit(1000)
    .execute();
