import type { Kysely } from 'kysely';

// Bill runs (CONTRACT C3). Timestamps ISO-8601 UTC text, booleans integers, lists JSON text.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('bill_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('batches', 'text')
    .addColumn('bill_cycle_day', 'text')
    .addColumn('bill_run_filters', 'text')
    .addColumn('charge_type_to_exclude', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('invoice_date', 'text')
    .addColumn('target_date', 'text')
    .addColumn('auto_email', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('auto_post', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('auto_renewal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('no_email_for_zero_amount_invoice', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('include_subscriptions', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('include_order_line_items', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('schedule', 'text')
    .addColumn('schedule_repeat_type', 'text')
    .addColumn('schedule_id', 'text')
    .addColumn('scheduled_execution_time', 'text')
    .addColumn('invoice_date_offset', 'integer')
    .addColumn('target_date_offset', 'integer')
    .addColumn('invoice_date_month_offset', 'integer')
    .addColumn('invoice_date_day_of_month', 'integer')
    .addColumn('target_date_month_offset', 'integer')
    .addColumn('target_date_day_of_month', 'integer')
    .addColumn('number_of_accounts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('number_of_invoices', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('number_of_credit_memos', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accounts_planned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accounts_processed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_message', 'text')
    .addColumn('executed_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('posted_at', 'text')
    .addColumn('invoices_emailed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_email_sent_at', 'text')
    .addColumn('created_by_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_by_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Numbers are per entity and unique (C1.4, C3).
  await db.schema
    .createIndex('bill_runs_entity_number')
    .on('bill_runs')
    .columns(['tenant_id', 'entity_id', 'number'])
    .unique()
    .execute();
  // The 500-Pending limit and the worker's FIFO pick both read by status.
  await db.schema
    .createIndex('bill_runs_entity_status')
    .on('bill_runs')
    .columns(['tenant_id', 'entity_id', 'status', 'created_at'])
    .execute();
  await db.schema
    .createTable('bill_run_numbers')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('bill_run_numbers_pk', ['tenant_id', 'entity_id'])
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('bill_run_numbers').execute();
  await db.schema.dropTable('bill_runs').execute();
};
