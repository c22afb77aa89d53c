import type { Kysely } from 'kysely';

// Per-tenant PDF template settings (C6.2: company name and address, logo, accent colour, footer).
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('pdf_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('company_name', 'text', (c) => c.notNull())
    .addColumn('company_address', 'text', (c) => c.notNull())
    .addColumn('logo', 'text')
    .addColumn('accent_color', 'text', (c) => c.notNull())
    .addColumn('footer_text', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('pdf_settings').execute();
};
