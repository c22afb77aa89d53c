import type { Db } from '../database.ts';
import type { TenantClockRow } from './clocks.table.ts';

export const listClocks = async (db: Db): Promise<TenantClockRow[]> =>
  db.selectFrom('tenant_clocks').selectAll().execute();

export const findClock = async (db: Db, tenantId: string): Promise<TenantClockRow | undefined> =>
  db.selectFrom('tenant_clocks').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();

export const saveClock = async (db: Db, row: TenantClockRow): Promise<void> => {
  await db
    .insertInto('tenant_clocks')
    .values(row)
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({
        frozen_at: row.frozen_at,
        offset_ms: row.offset_ms,
        updated_at: row.updated_at,
      }),
    )
    .execute();
};

export const deleteClock = async (db: Db, tenantId: string): Promise<void> => {
  await db.deleteFrom('tenant_clocks').where('tenant_id', '=', tenantId).execute();
};
