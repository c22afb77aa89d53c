import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { Scope } from '../platform/scope.ts';
import type { AccountRow, ContactRow, NewAccountRow, NewContactRow } from './accounts.table.ts';

/** Rows per multi-row INSERT: under SQLite's 32,766 bound-parameter limit (16 columns). */
const CHUNK = 1000;

export const insertAccounts = async (db: Db, rows: NewAccountRow[]): Promise<void> => {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('accounts')
      .values(rows.slice(i, i + CHUNK))
      .execute();
};
export const insertContacts = async (db: Db, rows: NewContactRow[]): Promise<void> => {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('contacts')
      .values(rows.slice(i, i + CHUNK))
      .execute();
};

/** By id or account number (C0.3 "Key"), inside the scope only. */
export const findAccountByKey = async (
  db: Db,
  s: Scope,
  key: string,
): Promise<AccountRow | undefined> =>
  db
    .selectFrom('accounts')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where((eb) => eb.or([eb('id', '=', key), eb('account_number', '=', key)]))
    .executeTakeFirst();

export const numberExists = async (db: Db, s: Scope, number: string): Promise<boolean> =>
  (await db
    .selectFrom('accounts')
    .select('id')
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('account_number', '=', number)
    .executeTakeFirst()) !== undefined;

export const listContacts = async (db: Db, s: Scope, accountId: string): Promise<ContactRow[]> =>
  db
    .selectFrom('contacts')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('account_id', '=', accountId)
    .execute();

/** The contacts of several accounts (bulk PDF generation loads in batches). */
export const listContactsOfAccounts = async (
  db: Db,
  s: Scope,
  accountIds: readonly string[],
): Promise<ContactRow[]> =>
  accountIds.length === 0
    ? []
    : db
        .selectFrom('contacts')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('account_id', 'in', accountIds)
        .execute();

export const setBillCycleDay = async (
  db: Db,
  s: Scope,
  accountId: string,
  day: number,
  now: string,
): Promise<void> => {
  await db
    .updateTable('accounts')
    .set({ bill_cycle_day: day, updated_at: now })
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', '=', accountId)
    .where('bill_cycle_day', 'is', null)
    .execute();
};

/**
 * Ids of the `Active` accounts a bill run selects (C3.4.1), ordered by id: by batch (null = any)
 * and bill cycle day (`any`; or a list of days — an unset day never matches a list).
 */
export const selectAccountIdsForBilling = async (
  db: Db,
  s: Scope,
  q: { batches: readonly string[] | null; days: 'any' | readonly number[]; accountId?: string },
): Promise<string[]> => {
  let query = db
    .selectFrom('accounts')
    .select('id')
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('status', '=', 'Active');
  if (q.accountId !== undefined) query = query.where('id', '=', q.accountId);
  if (q.batches !== null) query = query.where('batch', 'in', [...q.batches]);
  if (q.days !== 'any') {
    if (q.days.length === 0) return [];
    query = query.where('bill_cycle_day', 'in', [...q.days]);
  }
  return (await query.orderBy('id').execute()).map((r) => r.id);
};

export const findAccountsByIds = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
): Promise<AccountRow[]> =>
  ids.length === 0
    ? []
    : db
        .selectFrom('accounts')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('id', 'in', [...ids])
        .orderBy('id')
        .execute();

/**
 * Accounts of a tenant (one entity when given) whose number or id equals `search`, or whose
 * number or name contains it, case-insensitively; newest number first. For the console's
 * admin search (`GET /folio/v1/tenants/{tenantId}/accounts`).
 */
export const searchAccounts = async (
  db: Db,
  q: { tenantId: string; entityId?: string | undefined; search?: string | undefined },
  limit: number,
  offset: number,
): Promise<AccountRow[]> => {
  let query = db.selectFrom('accounts').selectAll().where('tenant_id', '=', q.tenantId);
  if (q.entityId !== undefined) query = query.where('entity_id', '=', q.entityId);
  const search = q.search?.trim() ?? '';
  if (search !== '') {
    // LIKE wildcards in the input are literal; SQLite has no default escape character.
    const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('id', '=', search),
        sql<boolean>`lower(account_number) like ${pattern} escape '\\'`,
        sql<boolean>`lower(name) like ${pattern} escape '\\'`,
      ]),
    );
  }
  return query.orderBy('account_number', 'desc').limit(limit).offset(offset).execute();
};
