import { sql, type Kysely } from 'kysely';

// The accounts of each bill run: the guard that makes chunks idempotent (DESIGN.md "Long work").
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('bill_run_accounts')
    .addColumn('bill_run_id', 'text', (c) =>
      c.notNull().references('bill_runs.id').onDelete('cascade'),
    )
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('chunk', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('invoices', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('credit_memos', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('bill_run_accounts_pk', ['bill_run_id', 'account_id'])
    .execute();
  await db.schema
    .createIndex('bill_run_accounts_chunk')
    .on('bill_run_accounts')
    .columns(['bill_run_id', 'chunk', 'status'])
    .execute();
  // C3.4.7 "one run at a time per account": an account can be pending in one run only. A partial
  // unique index works the same on SQLite and PostgreSQL.
  await db.schema
    .createIndex('bill_run_accounts_one_pending')
    .on('bill_run_accounts')
    .columns(['tenant_id', 'entity_id', 'account_id'])
    .unique()
    .where(sql.ref('status'), '=', 'pending')
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('bill_run_accounts').execute();
};
