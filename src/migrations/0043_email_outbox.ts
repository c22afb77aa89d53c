import type { Kysely } from 'kysely';

// Invoice emails are recorded, not sent (C3.2.7): one row per email, readable at /folio/v1/outbox.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('email_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('bill_run_id', 'text')
    .addColumn('document_type', 'text', (c) => c.notNull())
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('document_number', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // `recorded`; with SMTP configured then `sent` or `failed` (with `error`).
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('recorded'))
    .addColumn('recipient', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('email_outbox_tenant_created')
    .on('email_outbox')
    .columns(['tenant_id', 'created_at'])
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('email_outbox').execute();
};
