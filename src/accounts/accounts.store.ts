import type { Db } from '../database.ts';
import type { Scope } from '../platform/scope.ts';
import type { AccountRow, ContactRow, NewAccountRow, NewContactRow } from './accounts.table.ts';

export const insertAccounts = async (db: Db, rows: NewAccountRow[]): Promise<void> => {
  if (rows.length > 0) await db.insertInto('accounts').values(rows).execute();
};
export const insertContacts = async (db: Db, rows: NewContactRow[]): Promise<void> => {
  if (rows.length > 0) await db.insertInto('contacts').values(rows).execute();
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
