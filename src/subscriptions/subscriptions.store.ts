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

export const setChargedThrough = async (
  db: Db,
  s: Scope,
  chargeId: string,
  date: string,
): Promise<void> => {
  await db
    .updateTable('subscription_charges')
    .set({ charged_through_date: date, processed_through_date: date })
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', '=', chargeId)
    .execute();
};

/** Sets chargedThroughDate (and processedThroughDate) of many charges to one date. */
export const setChargedThroughMany = async (
  db: Db,
  s: Scope,
  chargeIds: readonly string[],
  date: string,
): Promise<void> => {
  for (let i = 0; i < chargeIds.length; i += CHUNK)
    await db
      .updateTable('subscription_charges')
      .set({ charged_through_date: date, processed_through_date: date })
      .where('tenant_id', '=', s.tenantId)
      .where('entity_id', '=', s.entityId)
      .where('id', 'in', chargeIds.slice(i, i + CHUNK))
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
