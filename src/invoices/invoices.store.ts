import type { Db } from '../database.ts';
import type { Scope } from '../platform/scope.ts';
import type {
  InvoiceItemRow,
  InvoiceRow,
  NewInvoiceItemRow,
  NewInvoiceRow,
} from './invoices.table.ts';

const CHUNK = 500;

export const insertInvoices = async (
  db: Db,
  rows: NewInvoiceRow[],
  items: NewInvoiceItemRow[],
): Promise<void> => {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('invoices')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  for (let i = 0; i < items.length; i += CHUNK)
    await db
      .insertInto('invoice_items')
      .values(items.slice(i, i + CHUNK))
      .execute();
};

export const findInvoiceByKey = async (
  db: Db,
  s: Scope,
  key: string,
): Promise<InvoiceRow | undefined> =>
  db
    .selectFrom('invoices')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where((eb) => eb.or([eb('id', '=', key), eb('number', '=', key)]))
    .executeTakeFirst();

export const findInvoicesByKeys = async (
  db: Db,
  s: Scope,
  keys: readonly string[],
): Promise<InvoiceRow[]> =>
  keys.length === 0
    ? []
    : db
        .selectFrom('invoices')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where((eb) => eb.or([eb('id', 'in', keys), eb('number', 'in', keys)]))
        .execute();

export const listItems = async (db: Db, s: Scope, invoiceId: string): Promise<InvoiceItemRow[]> =>
  db
    .selectFrom('invoice_items')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('invoice_id', '=', invoiceId)
    .orderBy('position')
    .execute();

/** The items of several invoices, by invoice then position (bulk PDF generation loads in batches). */
export const listItemsOfInvoices = async (
  db: Db,
  s: Scope,
  invoiceIds: readonly string[],
): Promise<InvoiceItemRow[]> =>
  invoiceIds.length === 0
    ? []
    : db
        .selectFrom('invoice_items')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('invoice_id', 'in', invoiceIds)
        .orderBy('invoice_id')
        .orderBy('position')
        .execute();

export const listInvoicesOfAccount = async (
  db: Db,
  s: Scope,
  accountId: string,
): Promise<InvoiceRow[]> =>
  db
    .selectFrom('invoices')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('account_id', '=', accountId)
    .execute();

export const postInvoices = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
  postedDate: string,
  postedBy: string,
  now: string,
): Promise<void> => {
  if (ids.length === 0) return;
  await db
    .updateTable('invoices')
    .set({ status: 'Posted', posted_date: postedDate, posted_by: postedBy, updated_at: now })
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', 'in', ids)
    .where('status', '=', 'Draft')
    .execute();
};

export const countRegeneration = async (
  db: Db,
  s: Scope,
  id: string,
  now: string,
): Promise<void> => {
  await db
    .updateTable('invoices')
    .set((eb) => ({ pdf_regenerations: eb('pdf_regenerations', '+', 1), updated_at: now }))
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', '=', id)
    .execute();
};

/**
 * Cancels the Draft invoices among `ids` (a bill-run cancel, C3.4.7) and returns their items'
 * charge and service start, so the caller can roll chargedThroughDate back.
 */
export const cancelDraftInvoices = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
  now: string,
): Promise<{ charge_id: string | null; service_start_date: string }[]> => {
  if (ids.length === 0) return [];
  const items = await db
    .selectFrom('invoice_items as i')
    .innerJoin('invoices as d', 'd.id', 'i.invoice_id')
    .select(['i.charge_id', 'i.service_start_date'])
    .where('d.tenant_id', '=', s.tenantId)
    .where('d.entity_id', '=', s.entityId)
    .where('d.id', 'in', ids)
    .where('d.status', '=', 'Draft')
    .execute();
  await db
    .updateTable('invoices')
    .set({ status: 'Canceled', updated_at: now })
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', 'in', ids)
    .where('status', '=', 'Draft')
    .execute();
  return items;
};

/** How many of `ids` are Posted. */
export const countPostedInvoices = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
): Promise<number> =>
  ids.length === 0
    ? 0
    : Number(
        (
          await db
            .selectFrom('invoices')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('tenant_id', '=', s.tenantId)
            .where('entity_id', '=', s.entityId)
            .where('id', 'in', ids)
            .where('status', '=', 'Posted')
            .executeTakeFirstOrThrow()
        ).n,
      );

/** Deletes invoices and their items (a bill-run delete, C3.2.6). */
export const deleteInvoices = async (db: Db, s: Scope, ids: readonly string[]): Promise<void> => {
  if (ids.length === 0) return;
  await db
    .deleteFrom('invoice_items')
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('invoice_id', 'in', ids)
    .execute();
  await db
    .deleteFrom('invoices')
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', 'in', ids)
    .execute();
};

/** Draft invoices among `ids` with their payment terms (a bill-run post with a new date). */
export const listDraftTerms = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
): Promise<{ id: string; payment_term: string | null }[]> =>
  ids.length === 0
    ? []
    : db
        .selectFrom('invoices')
        .select(['id', 'payment_term'])
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('id', 'in', ids)
        .where('status', '=', 'Draft')
        .execute();

export const setDates = async (
  db: Db,
  s: Scope,
  id: string,
  documentDate: string,
  dueDate: string,
  now: string,
): Promise<void> => {
  await db
    .updateTable('invoices')
    .set({ document_date: documentDate, due_date: dueDate, updated_at: now })
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', '=', id)
    .execute();
};

/** Posted invoices among `ids` with what an email decision needs (C3.2.7). */
export const listPostedForEmail = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
): Promise<
  {
    id: string;
    number: string;
    account_id: string;
    amount: string;
    last_email_sent_at: string | null;
  }[]
> =>
  ids.length === 0
    ? []
    : db
        .selectFrom('invoices')
        .select(['id', 'number', 'account_id', 'amount', 'last_email_sent_at'])
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('id', 'in', ids)
        .where('status', '=', 'Posted')
        .orderBy('number')
        .execute();

export const setLastEmailSent = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
  at: string,
): Promise<void> => {
  if (ids.length === 0) return;
  await db
    .updateTable('invoices')
    .set({ last_email_sent_at: at })
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', 'in', ids)
    .execute();
};

/** Filters of `GET /v1/billing-documents` (C4) on one account. */
export interface DocumentFilter {
  accountId: string;
  documentDate?: string;
  status?: string;
}

/** The first `limit` invoices of an account by (document date, number) in `direction`. */
export const listInvoicesPage = async (
  db: Db,
  s: Scope,
  f: DocumentFilter,
  direction: 'asc' | 'desc',
  limit: number,
): Promise<InvoiceRow[]> => {
  let q = db
    .selectFrom('invoices')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('account_id', '=', f.accountId);
  if (f.documentDate !== undefined) q = q.where('document_date', '=', f.documentDate);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  return q.orderBy('document_date', direction).orderBy('number', direction).limit(limit).execute();
};

export const countInvoices = async (db: Db, s: Scope, f: DocumentFilter): Promise<number> => {
  let q = db
    .selectFrom('invoices')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('account_id', '=', f.accountId);
  if (f.documentDate !== undefined) q = q.where('document_date', '=', f.documentDate);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  const r = await q.executeTakeFirst();
  return Number(r?.n ?? 0);
};
