/** Credit and debit memos (CONTRACT C3.4.5, C4 "Documents"). */
import type { Db } from '../database.ts';
import type { Deps } from '../deps.ts';
import { toIso } from '../platform/clock.ts';
import { dueDateOf } from '../platform/dates.ts';
import { formatNumber, takeNumbers } from '../platform/db/sequences.ts';
import { notFound } from '../platform/errors.ts';
import type { Scope } from '../platform/scope.ts';
import type { DocumentItem, NewDocument } from '../invoices/invoices.service.ts';
import * as store from './memos.store.ts';
import type { MemoItemRow, MemoRow, NewMemoItemRow, NewMemoRow } from './memos.table.ts';

export type MemoType = 'CreditMemo' | 'DebitMemo';
const PREFIX: Record<MemoType, string> = { CreditMemo: 'CM', DebitMemo: 'DM' };

export interface Memo {
  id: string;
  memoType: MemoType;
  accountId: string;
  number: string;
  status: string;
  source: string;
  sourceId: string | null;
  billRunId: string | null;
  memoDate: string;
  targetDate: string | null;
  dueDate: string | null;
  paymentTerm: string | null;
  currency: string;
  amount: string;
  balance: string;
  invoiceId: string | null;
  reasonCode: string | null;
  postedDate: string | null;
  postedBy: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

const toMemo = (r: MemoRow): Memo => ({
  id: r.id,
  memoType: r.memo_type as MemoType,
  accountId: r.account_id,
  number: r.number,
  status: r.status,
  source: r.source,
  sourceId: r.source_id,
  billRunId: r.bill_run_id,
  memoDate: r.document_date,
  targetDate: r.target_date,
  dueDate: r.due_date,
  paymentTerm: r.payment_term,
  currency: r.currency,
  amount: r.amount,
  balance: r.balance,
  invoiceId: r.invoice_id,
  reasonCode: r.reason_code,
  postedDate: r.posted_date,
  postedBy: r.posted_by,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toItem = (r: MemoItemRow): DocumentItem => ({
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

export interface NewMemo extends NewDocument {
  memoType: MemoType;
  invoiceId?: string | null;
  reasonCode?: string | null;
}

/** Writes Draft memos (`CM`/`DM` + 8 digits per entity) with their items in the caller's tx. */
export const insertDraftMemos = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  docs: readonly NewMemo[],
): Promise<Memo[]> => {
  const now = toIso(deps.clock.now(scope.tenantId));
  const rows: NewMemoRow[] = [];
  const items: NewMemoItemRow[] = [];
  for (const type of ['CreditMemo', 'DebitMemo'] as const) {
    const of = docs.filter((d) => d.memoType === type);
    if (of.length === 0) continue;
    let n = await takeNumbers(tx, scope, PREFIX[type], of.length);
    for (const d of of) {
      const id = deps.ids.id();
      rows.push({
        id,
        tenant_id: scope.tenantId,
        entity_id: scope.entityId,
        account_id: d.accountId,
        memo_type: type,
        number: formatNumber(PREFIX[type], n++),
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
        invoice_id: d.invoiceId ?? null,
        reason_code: d.reasonCode ?? null,
        posted_date: null,
        posted_by: null,
        created_by: d.createdBy,
        created_at: now,
        updated_at: now,
      });
      d.items.forEach((it, position) =>
        items.push({
          id: deps.ids.id(),
          tenant_id: scope.tenantId,
          entity_id: scope.entityId,
          memo_id: id,
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
  }
  await store.insertMemos(tx, rows, items);
  return (rows as MemoRow[]).map(toMemo);
};

export const postMemos = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  ids: readonly string[],
  postedDate: string,
  postedBy: string,
): Promise<void> =>
  store.postMemos(tx, scope, ids, postedDate, postedBy, toIso(deps.clock.now(scope.tenantId)));

/**
 * Re-dates Draft memos as a bill-run post does its invoices (C3.2.5: "Documents get that date and
 * a recomputed due date"): the document date becomes `documentDate`, the due date that plus the
 * memo's payment term (C3.4.5: `Due Upon Receipt` 0 days, `Net N` N days). One UPDATE per
 * distinct payment term.
 */
export const redateDraftMemos = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  ids: readonly string[],
  documentDate: string,
): Promise<void> => {
  const now = toIso(deps.clock.now(scope.tenantId));
  const byTerm = new Map<string | null, string[]>();
  for (const r of await store.listDraftTerms(tx, scope, ids))
    byTerm.set(r.payment_term, [...(byTerm.get(r.payment_term) ?? []), r.id]);
  for (const [term, group] of byTerm) {
    const dueDate = dueDateOf(documentDate, term);
    await store.setDraftDates(tx, scope, group, { documentDate, dueDate, now });
  }
};

export const getMemo = async (
  deps: Deps,
  scope: Scope,
  type: MemoType,
  key: string,
): Promise<Memo> => {
  const r = await store.findMemoByKey(deps.db.read, scope, type, key);
  if (r === undefined) throw notFound(type === 'CreditMemo' ? 'Credit memo' : 'Debit memo', key);
  return toMemo(r);
};

export const findMemos = async (
  deps: Deps,
  scope: Scope,
  type: MemoType,
  keys: readonly string[],
): Promise<Memo[]> => (await store.findMemosByKeys(deps.db.read, scope, type, keys)).map(toMemo);

export const listMemoItems = async (
  deps: Deps,
  scope: Scope,
  memoId: string,
): Promise<DocumentItem[]> => (await store.listItems(deps.db.read, scope, memoId)).map(toItem);

/** The items of several memos, by memo id (in position order). */
export const listItemsOfMemos = async (
  deps: Deps,
  scope: Scope,
  memoIds: readonly string[],
): Promise<Map<string, DocumentItem[]>> => {
  const out = new Map<string, DocumentItem[]>();
  for (const r of await store.listItemsOfMemos(deps.db.read, scope, memoIds)) {
    const list = out.get(r.memo_id) ?? [];
    list.push(toItem(r));
    out.set(r.memo_id, list);
  }
  return out;
};

export const listMemosOfAccount = async (
  deps: Deps,
  scope: Scope,
  accountId: string,
): Promise<Memo[]> => (await store.listMemosOfAccount(deps.db.read, scope, accountId)).map(toMemo);

/** Cancels the Draft memos among `ids`; returns their items' charge and service start (C3.4.7). */
export const cancelDraftMemos = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  ids: readonly string[],
): Promise<{ chargeId: string; serviceStartDate: string }[]> =>
  (await store.cancelDraftMemos(tx, scope, ids, toIso(deps.clock.now(scope.tenantId)))).flatMap(
    (i) =>
      i.charge_id === null
        ? []
        : [{ chargeId: i.charge_id, serviceStartDate: i.service_start_date }],
  );

/** How many of `ids` are Posted. */
export const countPostedMemos = async (
  deps: Deps,
  scope: Scope,
  ids: readonly string[],
  db: Db = deps.db.read,
): Promise<number> => store.countPostedMemos(db, scope, ids);

/** Deletes memos and their items (C3.2.6). */
export const deleteMemos = async (
  _deps: Deps,
  tx: Db,
  scope: Scope,
  ids: readonly string[],
): Promise<void> => store.deleteMemos(tx, scope, ids);

/**
 * The first `limit` memos of an account matching `filter`, ordered by (date, number), and how
 * many match in all (`GET /v1/billing-documents`, C4).
 */
export const listMemosPage = async (
  deps: Deps,
  scope: Scope,
  filter: store.DocumentFilter,
  direction: 'asc' | 'desc',
  limit: number,
): Promise<{ memos: Memo[]; total: number }> => {
  const [rows, total] = await Promise.all([
    store.listMemosPage(deps.db.read, scope, filter, direction, limit),
    store.countMemos(deps.db.read, scope, filter),
  ]);
  return { memos: rows.map(toMemo), total };
};
