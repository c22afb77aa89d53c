import type { Db } from '../database.ts';
import type { LifecycleJobRow, LifecycleParkedRow, LifecycleTenantRow } from './lifecycle.table.ts';

export const listTenantModes = async (db: Db): Promise<LifecycleTenantRow[]> =>
  db.selectFrom('lifecycle_tenants').selectAll().execute();

export const listJobOverrides = async (db: Db): Promise<LifecycleJobRow[]> =>
  db.selectFrom('lifecycle_jobs').selectAll().execute();

export const findTenantMode = async (
  db: Db,
  tenantId: string,
): Promise<LifecycleTenantRow | undefined> =>
  db
    .selectFrom('lifecycle_tenants')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();

export const saveTenantMode = async (db: Db, row: LifecycleTenantRow): Promise<void> => {
  await db
    .insertInto('lifecycle_tenants')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('tenant_id')
        .doUpdateSet({ mode: row.mode, polls: row.polls, updated_at: row.updated_at }),
    )
    .execute();
};

export const deleteTenantMode = async (db: Db, tenantId: string): Promise<void> => {
  await db.deleteFrom('lifecycle_tenants').where('tenant_id', '=', tenantId).execute();
};

export const findJob = async (db: Db, objectId: string): Promise<LifecycleJobRow | undefined> =>
  db.selectFrom('lifecycle_jobs').selectAll().where('object_id', '=', objectId).executeTakeFirst();

export const saveJob = async (db: Db, row: LifecycleJobRow): Promise<void> => {
  const { object_id: _id, ...rest } = row;
  await db
    .insertInto('lifecycle_jobs')
    .values(row)
    .onConflict((oc) => oc.column('object_id').doUpdateSet(rest))
    .execute();
};

export const setPollsSeen = async (db: Db, objectId: string, n: number): Promise<void> => {
  await db
    .updateTable('lifecycle_jobs')
    .set({ polls_seen: n })
    .where('object_id', '=', objectId)
    .execute();
};

export const clearForce = async (db: Db, objectId: string): Promise<void> => {
  await db
    .updateTable('lifecycle_jobs')
    .set({ force_step: null, force_reason: null })
    .where('object_id', '=', objectId)
    .execute();
};

/** Parks a job; a job whose key is already parked is not parked twice. */
export const park = async (db: Db, row: LifecycleParkedRow): Promise<boolean> => {
  const r = await db
    .insertInto('lifecycle_parked')
    .values(row)
    .onConflict((oc) => oc.column('job_key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
};

export const findParkedByKey = async (
  db: Db,
  jobKey: string,
): Promise<LifecycleParkedRow | undefined> =>
  db.selectFrom('lifecycle_parked').selectAll().where('job_key', '=', jobKey).executeTakeFirst();

export const firstParked = async (
  db: Db,
  objectId: string,
): Promise<LifecycleParkedRow | undefined> =>
  db
    .selectFrom('lifecycle_parked')
    .selectAll()
    .where('object_id', '=', objectId)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();

export const countParked = async (db: Db, objectId: string): Promise<number> => {
  const r = await db
    .selectFrom('lifecycle_parked')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('object_id', '=', objectId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
};

/** Parked jobs of a tenant whose objects follow the tenant's mode (no override). */
export const listParkedOfTenant = async (db: Db, tenantId: string): Promise<LifecycleParkedRow[]> =>
  db
    .selectFrom('lifecycle_parked')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('lifecycle_jobs')
            .select('object_id')
            .whereRef('lifecycle_jobs.object_id', '=', 'lifecycle_parked.object_id')
            .where('lifecycle_jobs.mode', 'is not', null),
        ),
      ),
    )
    .orderBy('id')
    .execute();

export const listParkedOfObject = async (db: Db, objectId: string): Promise<LifecycleParkedRow[]> =>
  db
    .selectFrom('lifecycle_parked')
    .selectAll()
    .where('object_id', '=', objectId)
    .orderBy('id')
    .execute();

/** Takes a parked job out; false when another caller took it first. */
export const unpark = async (db: Db, id: string): Promise<boolean> => {
  const r = await db.deleteFrom('lifecycle_parked').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
};

export const unparkObject = async (db: Db, objectId: string): Promise<void> => {
  await db.deleteFrom('lifecycle_parked').where('object_id', '=', objectId).execute();
};
