import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * One bill run, shared by the CRUD and Bill Run APIs (CONTRACT C3). Progress of the long work
 * lives on this row (DESIGN.md "Long work"). Dates are `yyyy-MM-dd` text, timestamps ISO-8601 UTC
 * text, booleans integers, lists JSON text.
 */
export interface BillRunsTable {
  /** 32 hex (C0.3). */
  id: string;
  tenant_id: string;
  entity_id: string;
  /** `BR-` + 8 digits, per entity, gap-free (C3). */
  number: string;
  name: string | null;
  /** C3.3 status enum. */
  status: string;
  /** Which API created the run: `crud` | `rest`; the 500-Pending limit counts per operation (C3.1, C3.2.1). */
  origin: string;
  /** Single-account run (CRUD `AccountId`, REST `Account` filter). */
  account_id: string | null;
  /** Comma list: `AllBatches` or `Batch1,Batch2`; null for filter runs (also the CRUD `Batches` form). */
  batches: string | null;
  /** `AllBillCycleDays`, `1`–`31` or `AsRunDay`; null for filter runs. */
  bill_cycle_day: string | null;
  /** JSON array of `{accountId, filterType, subscriptionId?, objectType?}`; null when none. */
  bill_run_filters: string | null;
  /** JSON array of `OneTime` | `Recurring` | `Usage`. */
  charge_type_to_exclude: Generated<string>;
  invoice_date: string | null;
  target_date: string | null;
  auto_email: Generated<number>;
  auto_post: Generated<number>;
  auto_renewal: Generated<number>;
  no_email_for_zero_amount_invoice: Generated<number>;
  include_subscriptions: Generated<number>;
  include_order_line_items: Generated<number>;
  /** JSON `{repeatFrom, repeatTo?, repeatType, runTime, weeklyOnDay?, monthlyOnEndOfMonth?}`; null for ad hoc runs (C3.2.2). */
  schedule: string | null;
  /** `schedule.repeatType`, a column so Object Query can filter and sort on it (C3.2.8). */
  schedule_repeat_type: string | null;
  /** Every occurrence of one schedule shares this id; null for ad hoc runs. */
  schedule_id: string | null;
  /** When a scheduled occurrence starts (ISO UTC); null for ad hoc runs. */
  scheduled_execution_time: string | null;
  invoice_date_offset: number | null;
  target_date_offset: number | null;
  invoice_date_month_offset: number | null;
  invoice_date_day_of_month: number | null;
  target_date_month_offset: number | null;
  target_date_day_of_month: number | null;
  /** Accounts that got ≥ 1 document (C3.4.6, C7 #16). */
  number_of_accounts: Generated<number>;
  number_of_invoices: Generated<number>;
  number_of_credit_memos: Generated<number>;
  /** Accounts selected by the plan step and accounts whose chunk has finished: progress of a run. */
  accounts_planned: Generated<number>;
  accounts_processed: Generated<number>;
  error_message: string | null;
  /** Processing start (C3.1 `ExecutedDate`). */
  executed_at: string | null;
  /** Processing end (Object Query `endDate`). */
  ended_at: string | null;
  posted_at: string | null;
  invoices_emailed: Generated<number>;
  last_email_sent_at: string | null;
  created_by_id: string;
  created_at: string;
  updated_by_id: string;
  updated_at: string;
}

/** Per-entity counter of bill-run numbers: incremented in the creating transaction, so gap-free. */
export interface BillRunNumbersTable {
  tenant_id: string;
  entity_id: string;
  last: number;
}

/**
 * One account of one run: the idempotency guard of the long work (DESIGN.md "Long work"). The
 * primary key (bill run, account) means a retried chunk can never bill an account twice, and a
 * partial unique index on the account while `pending` keeps one run at a time per account (C3.4.7).
 */
export interface BillRunAccountsTable {
  bill_run_id: string;
  account_id: string;
  tenant_id: string;
  entity_id: string;
  /** Which chunk job bills this account. */
  chunk: number;
  /** `pending` (planned), `billed`, `failed` (cannot be billed: `error` says why). */
  status: string;
  invoices: Generated<number>;
  credit_memos: Generated<number>;
  error: string | null;
  updated_at: string;
}

/** A document a run created (`Invoice` | `CreditMemo`). */
export interface BillRunDocumentsTable {
  bill_run_id: string;
  document_id: string;
  document_type: string;
  account_id: string;
  tenant_id: string;
  entity_id: string;
}

/** An invoice email, recorded instead of sent (C3.2.7). */
export interface EmailOutboxTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  bill_run_id: string | null;
  document_type: string;
  document_id: string;
  document_number: string;
  account_id: string;
  created_at: string;
  /** `recorded`; with SMTP configured then `sent` or `failed`. */
  status: Generated<string>;
  recipient: string | null;
  sent_at: string | null;
  error: string | null;
}

export interface BillrunsTables {
  bill_runs: BillRunsTable;
  bill_run_numbers: BillRunNumbersTable;
  bill_run_accounts: BillRunAccountsTable;
  bill_run_documents: BillRunDocumentsTable;
  email_outbox: EmailOutboxTable;
}

export type BillRunRow = Selectable<BillRunsTable>;
export type NewBillRunRow = Insertable<BillRunsTable>;
export type BillRunUpdate = Updateable<BillRunsTable>;
export type BillRunAccountRow = Selectable<BillRunAccountsTable>;
export type NewBillRunAccountRow = Insertable<BillRunAccountsTable>;
export type NewBillRunDocumentRow = Insertable<BillRunDocumentsTable>;
export type EmailOutboxRow = Selectable<EmailOutboxTable>;
export type NewEmailOutboxRow = Insertable<EmailOutboxTable>;
