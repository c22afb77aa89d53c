import type { Insertable, Selectable } from 'kysely';

export interface AccountsTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  account_number: string;
  name: string;
  currency: string;
  /** `Active` (C3.4.1 bills only active accounts). */
  status: string;
  batch: string;
  /** 1–31; null until set from the first subscription (C4). */
  bill_cycle_day: number | null;
  payment_term: string;
  invoice_template_id: string | null;
  notes: string | null;
  bill_to_contact_id: string | null;
  sold_to_contact_id: string | null;
  created_at: string;
  updated_at: string;
}
export interface ContactsTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  account_id: string;
  first_name: string;
  last_name: string;
  address1: string | null;
  address2: string | null;
  city: string | null;
  state: string | null;
  zip_code: string | null;
  country: string | null;
  county: string | null;
  work_email: string | null;
  work_phone: string | null;
  created_at: string;
}
export interface AccountsTables {
  accounts: AccountsTable;
  contacts: ContactsTable;
}
export type AccountRow = Selectable<AccountsTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type NewContactRow = Insertable<ContactsTable>;
