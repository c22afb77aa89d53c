import type { Selectable } from 'kysely';

/** Per-tenant look of the PDF template (C6.2), set through `/folio/v1/tenants/{id}/pdf-settings`. */
export interface PdfSettingsTable {
  tenant_id: string;
  company_name: string;
  /** JSON array of lines. */
  company_address: string;
  /** Base64 PNG or JPEG, or null. */
  logo: string | null;
  accent_color: string;
  footer_text: string;
  updated_at: string;
}
export interface PdfsTables {
  pdf_settings: PdfSettingsTable;
}
export type PdfSettingsRow = Selectable<PdfSettingsTable>;
