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
