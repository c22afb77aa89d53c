import type { Kysely } from 'kysely';

// The documents each bill run created, so post/cancel/delete find them without a scan.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('bill_run_documents')
    .addColumn('bill_run_id', 'text', (c) =>
      c.notNull().references('bill_runs.id').onDelete('cascade'),
    )
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('document_type', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('bill_run_documents_pk', ['bill_run_id', 'document_id'])
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('bill_run_documents').execute();
};
