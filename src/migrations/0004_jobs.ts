import { sql, type Kysely } from 'kysely';

// The embedded job runner's table (src/platform/jobs/embedded.ts), in the application database so
// a job commits or rolls back with the caller's rows (DESIGN.md "Long work").
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // NULLs are distinct in a unique index on both dialects: only keyed jobs de-duplicate.
    .addColumn('job_key', 'text', (c) => c.unique())
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('locked_at', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('failed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The claim query's scan: live jobs by readiness.
  await db.schema
    .createIndex('jobs_ready')
    .on('jobs')
    .columns(['run_at', 'id'])
    .where(sql.ref('failed_at'), 'is', null)
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('jobs').execute();
};
