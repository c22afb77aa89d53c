import type { Kysely, CreateTableBuilder } from 'kysely';

// The billing model of CONTRACT C4 (issue 7). Every row carries tenant_id and entity_id and every
// lookup index starts with them (C1.4: a key from another entity behaves as unknown). Dates are
// `yyyy-MM-dd` text, timestamps ISO-8601 UTC text, money decimal text, booleans integers.
const scoped = <T extends string>(t: CreateTableBuilder<T, never>) =>
  t
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('entity_id', 'text', (c) => c.notNull());

export const up = async (db: Kysely<unknown>): Promise<void> => {
  // Per-entity number sequences (A, INV, CM, DM, A-S, charge numbers). Incremented with
  // UPDATE … RETURNING inside the caller's transaction: the row lock serialises concurrent
  // writers and a rollback returns the numbers, so sequences are gap-free (DESIGN.md "Data").
  await db.schema
    .createTable('sequences')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('sequences_pk', ['tenant_id', 'entity_id', 'name'])
    .execute();

  await scoped(db.schema.createTable('products'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sku', 'text')
    .addColumn('description', 'text')
    .addColumn('category', 'text')
    .addColumn('effective_start_date', 'text', (c) => c.notNull())
    .addColumn('effective_end_date', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await scoped(db.schema.createTable('product_rate_plans'))
    .addColumn('product_id', 'text', (c) =>
      c.notNull().references('products.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await scoped(db.schema.createTable('product_rate_plan_charges'))
    .addColumn('product_rate_plan_id', 'text', (c) =>
      c.notNull().references('product_rate_plans.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('charge_type', 'text', (c) => c.notNull())
    .addColumn('charge_model', 'text', (c) => c.notNull())
    .addColumn('billing_period', 'text', (c) => c.notNull())
    .addColumn('bill_cycle_type', 'text', (c) => c.notNull())
    .addColumn('bill_cycle_day', 'integer')
    .addColumn('trigger_event', 'text', (c) => c.notNull())
    .addColumn('billing_timing', 'text', (c) => c.notNull())
    .addColumn('uom', 'text')
    .addColumn('default_quantity', 'text')
    /** JSON object currency → price (decimal string): the tiers of C4, one flat tier per currency. */
    .addColumn('prices', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await scoped(db.schema.createTable('accounts'))
    .addColumn('account_number', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('batch', 'text', (c) => c.notNull())
    .addColumn('bill_cycle_day', 'integer')
    .addColumn('payment_term', 'text', (c) => c.notNull())
    .addColumn('invoice_template_id', 'text')
    .addColumn('notes', 'text')
    .addColumn('bill_to_contact_id', 'text')
    .addColumn('sold_to_contact_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('accounts_number', ['tenant_id', 'entity_id', 'account_number'])
    .execute();
  await db.schema
    .createIndex('accounts_billing')
    .on('accounts')
    .columns(['tenant_id', 'entity_id', 'batch', 'bill_cycle_day'])
    .execute();
  await scoped(db.schema.createTable('contacts'))
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('address1', 'text')
    .addColumn('address2', 'text')
    .addColumn('city', 'text')
    .addColumn('state', 'text')
    .addColumn('zip_code', 'text')
    .addColumn('country', 'text')
    .addColumn('county', 'text')
    .addColumn('work_email', 'text')
    .addColumn('work_phone', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contacts_account').on('contacts').column('account_id').execute();

  await scoped(db.schema.createTable('subscriptions'))
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('subscription_number', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('term_type', 'text', (c) => c.notNull())
    .addColumn('initial_term', 'integer')
    .addColumn('renewal_term', 'integer', (c) => c.notNull())
    .addColumn('auto_renew', 'integer', (c) => c.notNull())
    .addColumn('invoice_separately', 'integer', (c) => c.notNull())
    .addColumn('contract_effective_date', 'text', (c) => c.notNull())
    .addColumn('service_activation_date', 'text')
    .addColumn('customer_acceptance_date', 'text')
    .addColumn('term_start_date', 'text', (c) => c.notNull())
    .addColumn('term_end_date', 'text')
    .addColumn('notes', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('subscriptions_number', ['tenant_id', 'entity_id', 'subscription_number'])
    .execute();
  await db.schema
    .createIndex('subscriptions_account')
    .on('subscriptions')
    .columns(['account_id'])
    .execute();
  await scoped(db.schema.createTable('subscription_charges'))
    .addColumn('subscription_id', 'text', (c) =>
      c.notNull().references('subscriptions.id').onDelete('cascade'),
    )
    .addColumn('rate_plan_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('product_name', 'text', (c) => c.notNull())
    .addColumn('product_rate_plan_id', 'text', (c) => c.notNull())
    .addColumn('rate_plan_name', 'text', (c) => c.notNull())
    .addColumn('product_rate_plan_charge_id', 'text', (c) => c.notNull())
    .addColumn('charge_number', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('charge_type', 'text', (c) => c.notNull())
    .addColumn('charge_model', 'text', (c) => c.notNull())
    .addColumn('billing_period', 'text', (c) => c.notNull())
    .addColumn('bill_cycle_type', 'text', (c) => c.notNull())
    .addColumn('bill_cycle_day', 'integer')
    .addColumn('billing_timing', 'text', (c) => c.notNull())
    .addColumn('trigger_event', 'text', (c) => c.notNull())
    .addColumn('trigger_date', 'text')
    .addColumn('price', 'text')
    .addColumn('quantity', 'text', (c) => c.notNull())
    .addColumn('uom', 'text')
    .addColumn('charged_through_date', 'text')
    .addColumn('processed_through_date', 'text')
    .addColumn('effective_start_date', 'text', (c) => c.notNull())
    .addColumn('effective_end_date', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('subscription_charges_subscription')
    .on('subscription_charges')
    .column('subscription_id')
    .execute();

  // Invoices, credit memos and debit memos share one shape of header and items.
  for (const [table, itemTable, parent] of [
    ['invoices', 'invoice_items', 'invoice_id'],
    ['memos', 'memo_items', 'memo_id'],
  ] as const) {
    let t = scoped(db.schema.createTable(table))
      .addColumn('account_id', 'text', (c) =>
        c.notNull().references('accounts.id').onDelete('cascade'),
      )
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text')
      .addColumn('bill_run_id', 'text')
      .addColumn('document_date', 'text', (c) => c.notNull())
      .addColumn('target_date', 'text')
      .addColumn('due_date', 'text')
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('amount', 'text', (c) => c.notNull())
      .addColumn('balance', 'text', (c) => c.notNull())
      .addColumn('payment_term', 'text')
      .addColumn('template_id', 'text')
      .addColumn('posted_date', 'text')
      .addColumn('posted_by', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull());
    if (table === 'memos')
      t = t
        .addColumn('memo_type', 'text', (c) => c.notNull())
        .addColumn('invoice_id', 'text')
        .addColumn('reason_code', 'text');
    else
      t = t
        .addColumn('last_email_sent_at', 'text')
        .addColumn('pdf_regenerations', 'integer', (c) => c.notNull().defaultTo(0));
    await t.addUniqueConstraint(`${table}_number`, ['tenant_id', 'entity_id', 'number']).execute();
    await db.schema
      .createIndex(`${table}_account`)
      .on(table)
      .columns(['tenant_id', 'entity_id', 'account_id', 'document_date'])
      .execute();
    await scoped(db.schema.createTable(itemTable))
      .addColumn(parent, 'text', (c) => c.notNull().references(`${table}.id`).onDelete('cascade'))
      .addColumn('subscription_id', 'text')
      .addColumn('subscription_number', 'text')
      .addColumn('charge_id', 'text')
      .addColumn('charge_number', 'text')
      .addColumn('charge_name', 'text', (c) => c.notNull())
      .addColumn('charge_type', 'text')
      .addColumn('product_name', 'text')
      .addColumn('rate_plan_name', 'text')
      .addColumn('service_start_date', 'text', (c) => c.notNull())
      .addColumn('service_end_date', 'text', (c) => c.notNull())
      .addColumn('quantity', 'text', (c) => c.notNull())
      .addColumn('unit_price', 'text', (c) => c.notNull())
      .addColumn('amount', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex(`${itemTable}_parent`).on(itemTable).column(parent).execute();
  }

  // Versions of a document's PDF (C4 `…/files`, C6): written by the PDF issue, read here.
  await scoped(db.schema.createTable('document_files'))
    .addColumn('document_type', 'text', (c) => c.notNull())
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('generation_status', 'text', (c) => c.notNull())
    .addColumn('file_status', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text')
    .addColumn('file_name', 'text')
    .addColumn('size', 'integer')
    .addColumn('error_category', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('document_files_document')
    .on('document_files')
    .columns(['tenant_id', 'entity_id', 'document_id', 'version_number'])
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  for (const t of [
    'document_files',
    'memo_items',
    'memos',
    'invoice_items',
    'invoices',
    'subscription_charges',
    'subscriptions',
    'contacts',
    'accounts',
    'product_rate_plan_charges',
    'product_rate_plans',
    'products',
    'sequences',
  ])
    await db.schema.dropTable(t).execute();
};
