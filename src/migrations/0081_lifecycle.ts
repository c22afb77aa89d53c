import type { Kysely } from 'kysely';

// Lifecycle control of async jobs (issue 12 part 2): a mode per tenant, overrides and forced
// failures per job, and the jobs held back ("parked") until a poll or an advance releases them.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('lifecycle_tenants')
    .addColumn('tenant_id', 'text', (c) =>
      c.primaryKey().references('tenants.id').onDelete('cascade'),
    )
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('polls', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('lifecycle_jobs')
    .addColumn('object_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('mode', 'text')
    .addColumn('polls', 'integer')
    .addColumn('polls_seen', 'integer', (c) => c.notNull())
    .addColumn('force_step', 'text')
    .addColumn('force_reason', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('lifecycle_parked')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('job_key', 'text', (c) => c.unique())
    .addColumn('max_attempts', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('lifecycle_parked_object')
    .on('lifecycle_parked')
    .columns(['object_id', 'id'])
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('lifecycle_parked').execute();
  await db.schema.dropTable('lifecycle_jobs').execute();
  await db.schema.dropTable('lifecycle_tenants').execute();
};
