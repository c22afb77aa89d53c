import type { Db } from '../database.ts';
import type { Scope } from '../platform/scope.ts';
import type { MemoItemRow, MemoRow, NewMemoItemRow, NewMemoRow } from './memos.table.ts';

const CHUNK = 500;

export const insertMemos = async (
  db: Db,
  rows: NewMemoRow[],
  items: NewMemoItemRow[],
): Promise<void> => {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('memos')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  for (let i = 0; i < items.length; i += CHUNK)
    await db
      .insertInto('memo_items')
      .values(items.slice(i, i + CHUNK))
      .execute();
};

export const findMemoByKey = async (
  db: Db,
  s: Scope,
  memoType: string,
  key: string,
): Promise<MemoRow | undefined> =>
  db
    .selectFrom('memos')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('memo_type', '=', memoType)
    .where((eb) => eb.or([eb('id', '=', key), eb('number', '=', key)]))
    .executeTakeFirst();

export const findMemosByKeys = async (
  db: Db,
  s: Scope,
  memoType: string,
  keys: readonly string[],
): Promise<MemoRow[]> =>
  keys.length === 0
    ? []
    : db
        .selectFrom('memos')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('memo_type', '=', memoType)
        .where((eb) => eb.or([eb('id', 'in', keys), eb('number', 'in', keys)]))
        .execute();

export const listItems = async (db: Db, s: Scope, memoId: string): Promise<MemoItemRow[]> =>
  db
    .selectFrom('memo_items')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('memo_id', '=', memoId)
    .orderBy('position')
    .execute();

/** The items of several memos, by memo then position (bulk PDF generation loads in batches). */
export const listItemsOfMemos = async (
  db: Db,
  s: Scope,
  memoIds: readonly string[],
): Promise<MemoItemRow[]> =>
  memoIds.length === 0
    ? []
    : db
        .selectFrom('memo_items')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('memo_id', 'in', memoIds)
        .orderBy('memo_id')
        .orderBy('position')
        .execute();

export const listMemosOfAccount = async (db: Db, s: Scope, accountId: string): Promise<MemoRow[]> =>
  db
    .selectFrom('memos')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('account_id', '=', accountId)
    .execute();

export const postMemos = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
  postedDate: string,
  postedBy: string,
  now: string,
): Promise<void> => {
  if (ids.length === 0) return;
  await db
    .updateTable('memos')
    .set({ status: 'Posted', posted_date: postedDate, posted_by: postedBy, updated_at: now })
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', 'in', ids)
    .where('status', '=', 'Draft')
    .execute();
};

/** Draft memos among `ids` with their payment terms (re-dating on post, C3.2.5). */
export const listDraftTerms = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
): Promise<{ id: string; payment_term: string | null }[]> =>
  ids.length === 0
    ? []
    : db
        .selectFrom('memos')
        .select(['id', 'payment_term'])
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('id', 'in', ids)
        .where('status', '=', 'Draft')
        .execute();

/** Gives the Draft memos among `ids` one document date and one due date. */
export const setDraftDates = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
  dates: { documentDate: string; dueDate: string; now: string },
): Promise<void> => {
  if (ids.length === 0) return;
  await db
    .updateTable('memos')
    .set({ document_date: dates.documentDate, due_date: dates.dueDate, updated_at: dates.now })
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', 'in', ids)
    .where('status', '=', 'Draft')
    .execute();
};

/**
 * Cancels the Draft memos among `ids` (a bill-run cancel, C3.4.7) and returns their items'
 * charge and service start, so the caller can roll chargedThroughDate back.
 */
export const cancelDraftMemos = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
  now: string,
): Promise<{ charge_id: string | null; service_start_date: string }[]> => {
  if (ids.length === 0) return [];
  const items = await db
    .selectFrom('memo_items as i')
    .innerJoin('memos as d', 'd.id', 'i.memo_id')
    .select(['i.charge_id', 'i.service_start_date'])
    .where('d.tenant_id', '=', s.tenantId)
    .where('d.entity_id', '=', s.entityId)
    .where('d.id', 'in', ids)
    .where('d.status', '=', 'Draft')
    .execute();
  await db
    .updateTable('memos')
    .set({ status: 'Canceled', updated_at: now })
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', 'in', ids)
    .where('status', '=', 'Draft')
    .execute();
  return items;
};

/** How many of `ids` are Posted. */
export const countPostedMemos = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
): Promise<number> =>
  ids.length === 0
    ? 0
    : Number(
        (
          await db
            .selectFrom('memos')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('tenant_id', '=', s.tenantId)
            .where('entity_id', '=', s.entityId)
            .where('id', 'in', ids)
            .where('status', '=', 'Posted')
            .executeTakeFirstOrThrow()
        ).n,
      );

/** Deletes memos and their items (a bill-run delete, C3.2.6). */
export const deleteMemos = async (db: Db, s: Scope, ids: readonly string[]): Promise<void> => {
  if (ids.length === 0) return;
  await db
    .deleteFrom('memo_items')
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('memo_id', 'in', ids)
    .execute();
  await db
    .deleteFrom('memos')
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

/** The first `limit` memos (both types) of an account by (document date, number) in `direction`. */
export const listMemosPage = async (
  db: Db,
  s: Scope,
  f: DocumentFilter,
  direction: 'asc' | 'desc',
  limit: number,
): Promise<MemoRow[]> => {
  let q = db
    .selectFrom('memos')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('account_id', '=', f.accountId);
  if (f.documentDate !== undefined) q = q.where('document_date', '=', f.documentDate);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  return q.orderBy('document_date', direction).orderBy('number', direction).limit(limit).execute();
};

export const countMemos = async (db: Db, s: Scope, f: DocumentFilter): Promise<number> => {
  let q = db
    .selectFrom('memos')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('account_id', '=', f.accountId);
  if (f.documentDate !== undefined) q = q.where('document_date', '=', f.documentDate);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  const r = await q.executeTakeFirst();
  return Number(r?.n ?? 0);
};
