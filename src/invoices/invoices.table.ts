import type { Insertable, Selectable } from 'kysely';

export interface InvoicesTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  account_id: string;
  number: string;
  /** `Draft` | `Posted` | `Canceled`. */
  status: string;
  source: string;
  source_id: string | null;
  bill_run_id: string | null;
  document_date: string;
  target_date: string | null;
  due_date: string | null;
  currency: string;
  amount: string;
  balance: string;
  payment_term: string | null;
  template_id: string | null;
  posted_date: string | null;
  posted_by: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  last_email_sent_at: string | null;
  /** PUT RegenerateInvoicePDF count (C4: ≤ 100 per invoice). */
  pdf_regenerations: number;
}
export interface InvoiceItemsTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  invoice_id: string;
  subscription_id: string | null;
  subscription_number: string | null;
  charge_id: string | null;
  charge_number: string | null;
  charge_name: string;
  charge_type: string | null;
  product_name: string | null;
  rate_plan_name: string | null;
  service_start_date: string;
  service_end_date: string;
  quantity: string;
  unit_price: string;
  amount: string;
  position: number;
}
export interface InvoicesTables {
  invoices: InvoicesTable;
  invoice_items: InvoiceItemsTable;
}
export type InvoiceRow = Selectable<InvoicesTable>;
export type NewInvoiceRow = Insertable<InvoicesTable>;
export type InvoiceItemRow = Selectable<InvoiceItemsTable>;
export type NewInvoiceItemRow = Insertable<InvoiceItemsTable>;
