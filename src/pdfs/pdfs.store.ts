import type { Db } from '../database.ts';
import type { PdfSettingsRow } from './pdfs.table.ts';

export const findPdfSettings = async (
  db: Db,
  tenantId: string,
): Promise<PdfSettingsRow | undefined> =>
  db.selectFrom('pdf_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();

/** Inserts or replaces a tenant's settings. */
export const savePdfSettings = async (db: Db, row: PdfSettingsRow): Promise<void> => {
  await db
    .insertInto('pdf_settings')
    .values(row)
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({
        company_name: row.company_name,
        company_address: row.company_address,
        logo: row.logo,
        accent_color: row.accent_color,
        footer_text: row.footer_text,
        updated_at: row.updated_at,
      }),
    )
    .execute();
};
