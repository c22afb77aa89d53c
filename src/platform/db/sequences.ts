/**
 * Per-entity number sequences (`A00000001`, `INV00000001`, …; CONTRACT C1.4, C3.4.5), gap-free
 * under concurrency: numbers are taken with `UPDATE … RETURNING` inside the caller's transaction,
 * so concurrent writers queue on the row lock (PostgreSQL) or the single writer (SQLite), and a
 * rolled-back transaction gives its numbers back.
 */
import { sql, type Kysely } from 'kysely';

export interface SequencesTables {
  sequences: { tenant_id: string; entity_id: string; name: string; value: number };
}

/**
 * Reserves `count` consecutive values of a sequence and returns the first. Call it inside the
 * transaction that writes the numbered rows.
 */
export const takeNumbers = async (
  anyDb: object,
  scope: { tenantId: string; entityId: string },
  name: string,
  count = 1,
): Promise<number> => {
  // Any Kysely database or transaction whose schema includes the sequences table.
  const db = anyDb as unknown as Kysely<SequencesTables>;
  await db
    .insertInto('sequences')
    .values({ tenant_id: scope.tenantId, entity_id: scope.entityId, name, value: 0 })
    .onConflict((oc) => oc.columns(['tenant_id', 'entity_id', 'name']).doNothing())
    .execute();
  const row = await db
    .updateTable('sequences')
    .set({ value: sql<number>`value + ${count}` })
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .where('name', '=', name)
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value) - count + 1;
};

/** `prefix` + the number zero-padded to `width` digits: `INV00000001`. */
export const formatNumber = (prefix: string, n: number, width = 8): string =>
  `${prefix}${String(n).padStart(width, '0')}`;
