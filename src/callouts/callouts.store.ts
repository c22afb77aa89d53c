import type { Db } from '../database.ts';
import type { CalloutDeliveryRow, CalloutRow } from './callouts.table.ts';

export const insertCallout = async (db: Db, row: CalloutRow): Promise<void> => {
  await db.insertInto('callouts').values(row).execute();
};

export const listCallouts = async (db: Db, tenantId: string): Promise<CalloutRow[]> =>
  db.selectFrom('callouts').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();

export const deleteCallout = async (db: Db, tenantId: string, id: string): Promise<number> => {
  const r = await db
    .deleteFrom('callouts')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
};

export const insertDeliveries = async (db: Db, rows: CalloutDeliveryRow[]): Promise<void> => {
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('callout_deliveries')
      .values(rows.slice(i, i + 200))
      .execute();
};

export const findDelivery = async (
  db: Db,
  tenantId: string,
  id: string,
): Promise<CalloutDeliveryRow | undefined> =>
  db
    .selectFrom('callout_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();

export const updateDelivery = async (
  db: Db,
  tenantId: string,
  id: string,
  set: Pick<
    CalloutDeliveryRow,
    'status' | 'attempts' | 'response_status' | 'last_error' | 'updated_at'
  >,
): Promise<void> => {
  await db
    .updateTable('callout_deliveries')
    .set(set)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
};

/** Newest first. */
export const listDeliveries = async (
  db: Db,
  tenantId: string,
  limit: number,
): Promise<CalloutDeliveryRow[]> =>
  db
    .selectFrom('callout_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
