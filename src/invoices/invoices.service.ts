/** Invoices (CONTRACT C3.4.5, C4 "Documents"): `Draft` → `Posted` | `Canceled`. */
import type { Db } from '../database.ts';
import type { Deps } from '../deps.ts';
import { toIso } from '../platform/clock.ts';
import { dueDateOf } from '../platform/dates.ts';
import { formatNumber, takeNumbers } from '../platform/db/sequences.ts';
import { notFound, rule } from '../platform/errors.ts';
import type { Scope } from '../platform/scope.ts';
import type { DraftItem } from '../billing/billing.engine.ts';
import * as store from './invoices.store.ts';
import type {
  InvoiceItemRow,
  InvoiceRow,
  NewInvoiceItemRow,
  NewInvoiceRow,
} from './invoices.table.ts';

/** A document to write: the engine's draft plus its dates and origin. */
export interface NewDocument {
  accountId: string;
  currency: string;
  amount: string;
  source: string;
  sourceId: string | null;
  billRunId: string | null;
  documentDate: string;
  targetDate: string | null;
  dueDate: string | null;
  paymentTerm: string | null;
  templateId: string | null;
  createdBy: string;
  items: readonly DraftItem[];
}

export interface DocumentItem {
  id: string;
  subscriptionId: string | null;
  subscriptionNumber: string | null;
  chargeId: string | null;
  chargeNumber: string | null;
  chargeName: string;
  chargeType: string | null;
  productName: string | null;
  ratePlanName: string | null;
  serviceStartDate: string;
  serviceEndDate: string;
  quantity: string;
  unitPrice: string;
  amount: string;
}

export interface Invoice {
  id: string;
  accountId: string;
  invoiceNumber: string;
  status: string;
  source: string;
  sourceId: string | null;
  billRunId: string | null;
  invoiceDate: string;
  targetDate: string | null;
  dueDate: string | null;
  currency: string;
  amount: string;
  balance: string;
  paymentTerm: string | null;
  templateId: string | null;
  postedDate: string | null;
  postedBy: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  lastEmailSentAt: string | null;
  pdfRegenerations: number;
}

export const toInvoice = (r: InvoiceRow): Invoice => ({
  id: r.id,
  accountId: r.account_id,
  invoiceNumber: r.number,
  status: r.status,
  source: r.source,
  sourceId: r.source_id,
  billRunId: r.bill_run_id,
  invoiceDate: r.document_date,
  targetDate: r.target_date,
  dueDate: r.due_date,
  currency: r.currency,
  amount: r.amount,
  balance: r.balance,
  paymentTerm: r.payment_term,
  templateId: r.template_id,
  postedDate: r.posted_date,
  postedBy: r.posted_by,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastEmailSentAt: r.last_email_sent_at,
  pdfRegenerations: r.pdf_regenerations,
});

export const toItem = (r: InvoiceItemRow): DocumentItem => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  subscriptionNumber: r.subscription_number,
  chargeId: r.charge_id,
  chargeNumber: r.charge_number,
  chargeName: r.charge_name,
  chargeType: r.charge_type,
  productName: r.product_name,
  ratePlanName: r.rate_plan_name,
  serviceStartDate: r.service_start_date,
  serviceEndDate: r.service_end_date,
  quantity: r.quantity,
  unitPrice: r.unit_price,
  amount: r.amount,
});

/**
 * Writes Draft invoices with their items in the caller's transaction, numbered `INV` + 8 digits
 * from one block of the entity's sequence (given at creation, never reused: C3.4.5, C7 #17).
 */
export const insertDraftInvoices = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  docs: readonly NewDocument[],
): Promise<Invoice[]> => {
  if (docs.length === 0) return [];
  const now = toIso(deps.clock.now(scope.tenantId));
  let n = await takeNumbers(tx, scope, 'INV', docs.length);
  const rows: NewInvoiceRow[] = [];
  const items: NewInvoiceItemRow[] = [];
  for (const d of docs) {
    const id = deps.ids.id();
    rows.push({
      id,
      tenant_id: scope.tenantId,
      entity_id: scope.entityId,
      account_id: d.accountId,
      number: formatNumber('INV', n++),
      status: 'Draft',
      source: d.source,
      source_id: d.sourceId,
      bill_run_id: d.billRunId,
      document_date: d.documentDate,
      target_date: d.targetDate,
      due_date: d.dueDate,
      currency: d.currency,
      amount: d.amount,
      balance: d.amount,
      payment_term: d.paymentTerm,
      template_id: d.templateId,
      posted_date: null,
      posted_by: null,
      created_by: d.createdBy,
      created_at: now,
      updated_at: now,
      last_email_sent_at: null,
      pdf_regenerations: 0,
    });
    d.items.forEach((it, position) =>
      items.push({
        id: deps.ids.id(),
        tenant_id: scope.tenantId,
        entity_id: scope.entityId,
        invoice_id: id,
        subscription_id: it.subscriptionId,
        subscription_number: it.subscriptionNumber,
        charge_id: it.chargeId,
        charge_number: it.chargeNumber,
        charge_name: it.chargeName,
        charge_type: it.chargeType,
        product_name: it.productName,
        rate_plan_name: it.ratePlanName,
        service_start_date: it.serviceStartDate,
        service_end_date: it.serviceEndDate,
        quantity: it.quantity,
        unit_price: it.unitPrice,
        amount: it.amount,
        position,
      }),
    );
  }
  await store.insertInvoices(tx, rows, items);
  return (rows as InvoiceRow[]).map(toInvoice);
};

export const postInvoices = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  ids: readonly string[],
  postedDate: string,
  postedBy: string,
): Promise<void> => {
  await store.postInvoices(
    tx,
    scope,
    ids,
    postedDate,
    postedBy,
    toIso(deps.clock.now(scope.tenantId)),
  );
  await deps.events.emit(
    tx,
    ids.map((id) => ({
      type: 'InvoicePosted',
      tenantId: scope.tenantId,
      objectId: id,
      status: 'Posted',
    })),
  );
};

export const findInvoice = async (
  deps: Deps,
  scope: Scope,
  key: string,
): Promise<Invoice | undefined> => {
  const r = await store.findInvoiceByKey(deps.db.read, scope, key);
  return r === undefined ? undefined : toInvoice(r);
};

export const getInvoice = async (deps: Deps, scope: Scope, key: string): Promise<Invoice> => {
  const i = await findInvoice(deps, scope, key);
  if (i === undefined) throw notFound('Invoice', key);
  return i;
};

/** Invoices found among `keys` (ids or numbers); unknown keys are simply absent. */
export const findInvoices = async (
  deps: Deps,
  scope: Scope,
  keys: readonly string[],
): Promise<Invoice[]> => (await store.findInvoicesByKeys(deps.db.read, scope, keys)).map(toInvoice);

export const listInvoiceItems = async (
  deps: Deps,
  scope: Scope,
  invoiceId: string,
): Promise<DocumentItem[]> => (await store.listItems(deps.db.read, scope, invoiceId)).map(toItem);

/** The items of several invoices, by invoice id (in position order). */
export const listItemsOfInvoices = async (
  deps: Deps,
  scope: Scope,
  invoiceIds: readonly string[],
): Promise<Map<string, DocumentItem[]>> => {
  const out = new Map<string, DocumentItem[]>();
  for (const r of await store.listItemsOfInvoices(deps.db.read, scope, invoiceIds)) {
    const list = out.get(r.invoice_id) ?? [];
    list.push(toItem(r));
    out.set(r.invoice_id, list);
  }
  return out;
};

export const listInvoicesOfAccount = async (
  deps: Deps,
  scope: Scope,
  accountId: string,
): Promise<Invoice[]> =>
  (await store.listInvoicesOfAccount(deps.db.read, scope, accountId)).map(toInvoice);

/** C4: `PUT /v1/object/invoice/{id}` `RegenerateInvoicePDF` is allowed ≤ 100 times per invoice. */
export const MAX_PDF_REGENERATIONS = 100;

/** Counts a regeneration request; refuses past the limit. */
export const requestRegeneration = async (
  deps: Deps,
  scope: Scope,
  id: string,
): Promise<Invoice> => {
  const r = await store.findInvoiceByKey(deps.db.db, scope, id);
  if (r === undefined || r.id !== id) throw notFound('Invoice', id);
  if (r.pdf_regenerations >= MAX_PDF_REGENERATIONS)
    throw rule(
      `The PDF of invoice ${r.number} was regenerated ${MAX_PDF_REGENERATIONS} times already.`,
    );
  await store.countRegeneration(deps.db.db, scope, id, toIso(deps.clock.now(scope.tenantId)));
  return toInvoice(r);
};

/** Cancels the Draft invoices among `ids`; returns their items' charge and service start (C3.4.7). */
export const cancelDraftInvoices = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  ids: readonly string[],
): Promise<{ chargeId: string; serviceStartDate: string }[]> =>
  (await store.cancelDraftInvoices(tx, scope, ids, toIso(deps.clock.now(scope.tenantId)))).flatMap(
    (i) =>
      i.charge_id === null
        ? []
        : [{ chargeId: i.charge_id, serviceStartDate: i.service_start_date }],
  );

/** How many of `ids` are Posted. */
export const countPostedInvoices = async (
  deps: Deps,
  scope: Scope,
  ids: readonly string[],
  db: Db = deps.db.read,
): Promise<number> => store.countPostedInvoices(db, scope, ids);

/** Deletes invoices and their items (C3.2.6). */
export const deleteInvoices = async (
  _deps: Deps,
  tx: Db,
  scope: Scope,
  ids: readonly string[],
): Promise<void> => store.deleteInvoices(tx, scope, ids);

/**
 * Gives Draft invoices a new invoice date and the due date their payment term makes of it
 * (a bill-run post with `invoiceDate`, C3.2.5: `Due Upon Receipt` 0 days, `Net N` N days).
 */
export const redateDraftInvoices = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  ids: readonly string[],
  invoiceDate: string,
): Promise<void> => {
  const now = toIso(deps.clock.now(scope.tenantId));
  for (const r of await store.listDraftTerms(tx, scope, ids)) {
    await store.setDates(tx, scope, r.id, invoiceDate, dueDateOf(invoiceDate, r.payment_term), now);
  }
};

/** A Posted invoice as an email decision sees it (C3.2.7). */
export interface EmailableInvoice {
  id: string;
  number: string;
  accountId: string;
  amount: string;
  lastEmailSentAt: string | null;
}

/** The Posted invoices among `ids`, ordered by number. */
export const listPostedInvoicesForEmail = async (
  _deps: Deps,
  tx: Db,
  scope: Scope,
  ids: readonly string[],
): Promise<EmailableInvoice[]> =>
  (await store.listPostedForEmail(tx, scope, ids)).map((r) => ({
    id: r.id,
    number: r.number,
    accountId: r.account_id,
    amount: r.amount,
    lastEmailSentAt: r.last_email_sent_at,
  }));

/** Records that invoices were emailed (`lastEmailSentDate`, C3.2.7). */
export const markInvoicesEmailed = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  ids: readonly string[],
): Promise<void> => store.setLastEmailSent(tx, scope, ids, toIso(deps.clock.now(scope.tenantId)));

export type { DocumentFilter } from './invoices.store.ts';

/**
 * The first `limit` invoices of an account matching `filter`, ordered by (date, number), and how
 * many match in all (`GET /v1/billing-documents`, C4).
 */
export const listInvoicesPage = async (
  deps: Deps,
  scope: Scope,
  filter: store.DocumentFilter,
  direction: 'asc' | 'desc',
  limit: number,
): Promise<{ invoices: Invoice[]; total: number }> => {
  const [rows, total] = await Promise.all([
    store.listInvoicesPage(deps.db.read, scope, filter, direction, limit),
    store.countInvoices(deps.db.read, scope, filter),
  ]);
  return { invoices: rows.map(toInvoice), total };
};
