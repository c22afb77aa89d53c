import type { Db } from '../database.ts';
import type { Scope } from '../platform/scope.ts';
import type {
  NewProductRatePlanChargeRow,
  NewProductRatePlanRow,
  NewProductRow,
  ProductRatePlanChargeRow,
  ProductRatePlanRow,
  ProductRow,
} from './catalog.table.ts';

export const insertProduct = async (db: Db, row: NewProductRow): Promise<void> => {
  await db.insertInto('products').values(row).execute();
};
export const insertRatePlan = async (db: Db, row: NewProductRatePlanRow): Promise<void> => {
  await db.insertInto('product_rate_plans').values(row).execute();
};
export const insertCharge = async (db: Db, row: NewProductRatePlanChargeRow): Promise<void> => {
  await db.insertInto('product_rate_plan_charges').values(row).execute();
};

export const findProduct = async (db: Db, s: Scope, id: string): Promise<ProductRow | undefined> =>
  db
    .selectFrom('products')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', '=', id)
    .executeTakeFirst();

export const findRatePlan = async (
  db: Db,
  s: Scope,
  id: string,
): Promise<ProductRatePlanRow | undefined> =>
  db
    .selectFrom('product_rate_plans')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', '=', id)
    .executeTakeFirst();

export const listChargesOfRatePlans = async (
  db: Db,
  s: Scope,
  ratePlanIds: readonly string[],
): Promise<ProductRatePlanChargeRow[]> =>
  ratePlanIds.length === 0
    ? []
    : db
        .selectFrom('product_rate_plan_charges')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('product_rate_plan_id', 'in', ratePlanIds)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
