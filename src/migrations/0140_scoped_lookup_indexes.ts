import type { Kysely } from 'kysely';

// Batch lookups (`tenant_id = ? AND entity_id = ? AND id IN (…500 ids…)`, a bill-run chunk's
// accounts, subscriptions, documents) must not scan the whole entity. Without ANALYZE statistics
// SQLite's planner rates two equalities on any (tenant_id, entity_id, …) index as more selective
// than a 500-value IN on the primary key, so it walked every account of the entity once per
// chunk: quadratic in the run size (40 chunks × 20,000 rows for a 20,000-account run). An index
// whose third column is the IN column gives it the obvious plan; PostgreSQL uses it the same way.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  for (const table of ['accounts', 'invoices', 'memos'])
    await db.schema
      .createIndex(`${table}_scoped_id`)
      .on(table)
      .columns(['tenant_id', 'entity_id', 'id'])
      .execute();
  // subscriptions_account (account_id alone) lost to the same misestimate; it stays for the
  // foreign-key cascade from accounts.
  await db.schema
    .createIndex('subscriptions_scoped_account')
    .on('subscriptions')
    .columns(['tenant_id', 'entity_id', 'account_id'])
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropIndex('subscriptions_scoped_account').execute();
  for (const table of ['accounts', 'invoices', 'memos'])
    await db.schema.dropIndex(`${table}_scoped_id`).execute();
};
