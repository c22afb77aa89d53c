import type { Db } from '../database.ts';
import type { EntityRow, NewEntityRow, NewTenantRow, TenantRow } from './tenants.table.ts';

export const insertTenant = async (db: Db, row: NewTenantRow): Promise<void> => {
  await db.insertInto('tenants').values(row).execute();
};

export const nextTenantNumber = async (db: Db): Promise<number> => {
  const r = await db
    .selectFrom('tenants')
    .select((eb) => eb.fn.max('number').as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0) + 1;
};

export const findTenant = async (db: Db, id: string): Promise<TenantRow | undefined> =>
  db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();

export const listTenants = async (db: Db): Promise<TenantRow[]> =>
  db.selectFrom('tenants').selectAll().orderBy('number').execute();

export const deleteTenant = async (db: Db, id: string): Promise<number> => {
  const r = await db.deleteFrom('tenants').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows);
};

export const insertEntity = async (db: Db, row: NewEntityRow): Promise<void> => {
  await db.insertInto('entities').values(row).execute();
};

export const listEntities = async (db: Db, tenantId: string): Promise<EntityRow[]> =>
  db
    .selectFrom('entities')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

export const findEntity = async (
  db: Db,
  tenantId: string,
  id: string,
): Promise<EntityRow | undefined> =>
  db
    .selectFrom('entities')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
