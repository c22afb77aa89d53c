import type { Kysely } from 'kysely';

// Per-tenant test clocks (issue 12 part 1): one row per tenant whose time is frozen or offset.
// A table, not process memory, so every process of a deployment reads the same time.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('tenant_clocks')
    .addColumn('tenant_id', 'text', (c) =>
      c.primaryKey().references('tenants.id').onDelete('cascade'),
    )
    .addColumn('frozen_at', 'text')
    .addColumn('offset_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('tenant_clocks').execute();
};
