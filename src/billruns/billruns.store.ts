/** Kysely queries of bill runs. Every query is scoped by tenant and entity (DESIGN.md "Data"). */
import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type {
  BillRunRow,
  BillRunUpdate,
  EmailOutboxRow,
  NewEmailOutboxRow,
  NewBillRunAccountRow,
  NewBillRunDocumentRow,
  NewBillRunRow,
} from './billruns.table.ts';

export interface Scope {
  tenantId: string;
  entityId: string;
}

/**
 * The next bill-run number of an entity. Must run inside the transaction that inserts the run:
 * the counter row is locked (PostgreSQL row lock; SQLite's single writer) until commit, so
 * concurrent creations get consecutive numbers and a rolled-back creation leaves no gap.
 */
export const nextBillRunNumber = async (tx: Db, scope: Scope): Promise<number> => {
  await tx
    .insertInto('bill_run_numbers')
    .values({ tenant_id: scope.tenantId, entity_id: scope.entityId, last: 0 })
    .onConflict((oc) => oc.columns(['tenant_id', 'entity_id']).doNothing())
    .execute();
  const row = await tx
    .updateTable('bill_run_numbers')
    .set({ last: sql<number>`last + 1` })
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .returning('last')
    .executeTakeFirstOrThrow();
  return Number(row.last);
};

export const insertBillRun = async (db: Db, row: NewBillRunRow): Promise<void> => {
  await db.insertInto('bill_runs').values(row).execute();
};

/** A run by id or by `BR-` number, within the scope. */
export const findBillRun = async (
  db: Db,
  scope: Scope,
  key: string,
): Promise<BillRunRow | undefined> =>
  db
    .selectFrom('bill_runs')
    .selectAll()
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .where((eb) => eb.or([eb('id', '=', key), eb('number', '=', key)]))
    .executeTakeFirst();

export const countPending = async (db: Db, scope: Scope, origin: string): Promise<number> => {
  const r = await db
    .selectFrom('bill_runs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .where('status', '=', 'Pending')
    .where('origin', '=', origin)
    .executeTakeFirstOrThrow();
  return Number(r.n);
};

/**
 * Updates a run only if it is still in one of `from` (compare-and-set), so two concurrent
 * transitions cannot both win. Returns the number of rows changed (0 or 1).
 */
export const updateBillRunIf = async (
  db: Db,
  scope: Scope,
  id: string,
  from: readonly string[],
  set: BillRunUpdate,
): Promise<number> => {
  const r = await db
    .updateTable('bill_runs')
    .set(set)
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
};

export const deleteBillRun = async (db: Db, scope: Scope, id: string): Promise<number> => {
  await db
    .deleteFrom('bill_run_documents')
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .where('bill_run_id', '=', id)
    .execute();
  await db
    .deleteFrom('bill_run_accounts')
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .where('bill_run_id', '=', id)
    .execute();
  const r = await db
    .deleteFrom('bill_runs')
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
};

/** Column a listing may filter or sort on (C3.2.8), by its Object Query name. */
export const QUERY_COLUMNS = {
  id: 'id',
  createdbyid: 'created_by_id',
  updateddate: 'updated_at',
  billingrunnumber: 'number',
  executeddate: 'executed_at',
  name: 'name',
  numberofaccounts: 'number_of_accounts',
  numberofinvoices: 'number_of_invoices',
  numberofcreditmemos: 'number_of_credit_memos',
  status: 'status',
  targetdate: 'target_date',
  batches: 'batches',
  repeattype: 'schedule_repeat_type',
} as const;
export type QueryField = keyof typeof QUERY_COLUMNS;

export type QueryOp = 'EQ' | 'NE' | 'LT' | 'GT' | 'LE' | 'GE' | 'SW' | 'IN';

export interface QueryFilter {
  field: QueryField;
  op: QueryOp;
  /** One value, or several for `IN`; `null` compares with NULL (EQ/NE only). */
  values: (string | number | null)[];
}

export interface QuerySort {
  field: QueryField;
  desc: boolean;
}

const SQL_OPS = { EQ: '=', NE: '<>', LT: '<', GT: '>', LE: '<=', GE: '>=' } as const;

/**
 * One page of runs: `limit + 1` rows after `offset`, filtered and sorted (ties broken by id so
 * pages are stable).
 */
export const queryBillRuns = async (
  db: Db,
  scope: Scope,
  q: { filters: QueryFilter[]; sort: QuerySort[]; offset: number; limit: number },
): Promise<BillRunRow[]> => {
  let query = db
    .selectFrom('bill_runs')
    .selectAll()
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId);
  for (const f of q.filters) {
    const expr = sql.ref(QUERY_COLUMNS[f.field]);
    query = query.where(({ eb }) => {
      const v = f.values;
      switch (f.op) {
        case 'IN':
          return eb(
            expr,
            'in',
            v.filter((x) => x !== null),
          );
        case 'SW':
          return eb(expr, 'like', `${String(v[0]).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        case 'EQ':
          return v[0] === null ? eb(expr, 'is', null) : eb(expr, '=', v[0]!);
        case 'NE':
          return v[0] === null
            ? eb(expr, 'is not', null)
            : eb.or([eb(expr, '<>', v[0]!), eb(expr, 'is', null)]);
        case 'LT':
        case 'GT':
        case 'LE':
        case 'GE':
          return eb(expr, SQL_OPS[f.op], v[0]!);
      }
    });
  }
  for (const s of q.sort) {
    query = query.orderBy(sql.ref(QUERY_COLUMNS[s.field]), s.desc ? 'desc' : 'asc');
  }
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'asc')
    .offset(q.offset)
    .limit(q.limit + 1)
    .execute();
};

/** A run by id in any tenant: the admin API only (`/folio/v1`). */
export const findBillRunAnyTenant = async (db: Db, id: string): Promise<BillRunRow | undefined> =>
  db.selectFrom('bill_runs').selectAll().where('id', '=', id).executeTakeFirst();

/** Accounts of a run that could not be billed, with their reasons (DESIGN.md "Long work"). */
export const listFailedAccounts = async (
  db: Db,
  scope: Scope,
  billRunId: string,
  limit: number,
  offset: number,
): Promise<{ account_id: string; error: string | null }[]> =>
  db
    .selectFrom('bill_run_accounts')
    .select(['account_id', 'error'])
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .where('bill_run_id', '=', billRunId)
    .where('status', '=', 'failed')
    .orderBy('account_id')
    .limit(limit)
    .offset(offset)
    .execute();

/**
 * Plans accounts into a run. `ON CONFLICT DO NOTHING` makes a retried plan a no-op, and leaves
 * out an account that is pending in another run (the partial unique index, C3.4.7).
 */
export const insertRunAccounts = async (db: Db, rows: NewBillRunAccountRow[]): Promise<void> => {
  if (rows.length === 0) return;
  await db
    .insertInto('bill_run_accounts')
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .execute();
};

export const countRunAccounts = async (
  db: Db,
  scope: Scope,
  billRunId: string,
): Promise<{ total: number; pending: number; failed: number }> => {
  const rows = await db
    .selectFrom('bill_run_accounts')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .where('bill_run_id', '=', billRunId)
    .groupBy('status')
    .execute();
  const by = new Map(rows.map((r) => [r.status, Number(r.n)]));
  return {
    total: rows.reduce((s, r) => s + Number(r.n), 0),
    pending: by.get('pending') ?? 0,
    failed: by.get('failed') ?? 0,
  };
};

export const listChunkPending = async (
  db: Db,
  scope: Scope,
  billRunId: string,
  chunk: number,
): Promise<string[]> =>
  (
    await db
      .selectFrom('bill_run_accounts')
      .select('account_id')
      .where('tenant_id', '=', scope.tenantId)
      .where('entity_id', '=', scope.entityId)
      .where('bill_run_id', '=', billRunId)
      .where('chunk', '=', chunk)
      .where('status', '=', 'pending')
      .orderBy('account_id')
      .execute()
  ).map((r) => r.account_id);

export interface AccountOutcome {
  accountId: string;
  status: 'billed' | 'failed';
  invoices: number;
  creditMemos: number;
  error: string | null;
}

/**
 * Records a chunk's outcomes. Accounts with the same outcome (typically: billed with one invoice)
 * are updated by one statement, so a chunk costs a handful of statements, not one per account.
 */
export const markAccounts = async (
  db: Db,
  scope: Scope,
  billRunId: string,
  outcomes: readonly AccountOutcome[],
  at: string,
): Promise<void> => {
  const groups = new Map<string, AccountOutcome[]>();
  for (const o of outcomes) {
    const key = JSON.stringify([o.status, o.invoices, o.creditMemos, o.error]);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [o]);
    else g.push(o);
  }
  for (const group of groups.values()) {
    const o = group[0]!;
    for (let i = 0; i < group.length; i += 500)
      await db
        .updateTable('bill_run_accounts')
        .set({
          status: o.status,
          invoices: o.invoices,
          credit_memos: o.creditMemos,
          error: o.error,
          updated_at: at,
        })
        .where('tenant_id', '=', scope.tenantId)
        .where('entity_id', '=', scope.entityId)
        .where('bill_run_id', '=', billRunId)
        .where(
          'account_id',
          'in',
          group.slice(i, i + 500).map((g) => g.accountId),
        )
        .execute();
  }
};

/**
 * Adds a chunk's results to the run's counters (C3.4.6), so a poll shows them moving; returns the
 * accounts processed and planned after the addition (the last chunk sees them equal).
 */
export const addCounters = async (
  db: Db,
  scope: Scope,
  id: string,
  c: { accounts: number; invoices: number; creditMemos: number; processed: number; at: string },
): Promise<{ processed: number; planned: number }> => {
  const row = await db
    .updateTable('bill_runs')
    .set({
      number_of_accounts: sql<number>`number_of_accounts + ${c.accounts}`,
      number_of_invoices: sql<number>`number_of_invoices + ${c.invoices}`,
      number_of_credit_memos: sql<number>`number_of_credit_memos + ${c.creditMemos}`,
      accounts_processed: sql<number>`accounts_processed + ${c.processed}`,
      updated_at: c.at,
    })
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .where('id', '=', id)
    .returning(['accounts_processed', 'accounts_planned'])
    .executeTakeFirstOrThrow();
  return { processed: Number(row.accounts_processed), planned: Number(row.accounts_planned) };
};

export const insertRunDocuments = async (db: Db, rows: NewBillRunDocumentRow[]): Promise<void> => {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('bill_run_documents')
      .values(rows.slice(i, i + 500))
      .execute();
};

export const listRunDocuments = async (
  db: Db,
  scope: Scope,
  billRunId: string,
): Promise<{ invoiceIds: string[]; creditMemoIds: string[] }> => {
  const rows = await db
    .selectFrom('bill_run_documents')
    .select(['document_id', 'document_type'])
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .where('bill_run_id', '=', billRunId)
    .orderBy('document_id')
    .execute();
  return {
    invoiceIds: rows.filter((r) => r.document_type === 'Invoice').map((r) => r.document_id),
    creditMemoIds: rows.filter((r) => r.document_type === 'CreditMemo').map((r) => r.document_id),
  };
};

export const insertOutbox = async (db: Db, rows: NewEmailOutboxRow[]): Promise<void> => {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('email_outbox')
      .values(rows.slice(i, i + 500))
      .execute();
};

/** Newest first; every tenant unless one is named (admin API). */
export const listOutbox = async (
  db: Db,
  q: { tenantId?: string; billRunId?: string; limit: number; offset: number },
): Promise<EmailOutboxRow[]> => {
  let query = db.selectFrom('email_outbox').selectAll();
  if (q.tenantId !== undefined) query = query.where('tenant_id', '=', q.tenantId);
  if (q.billRunId !== undefined) query = query.where('bill_run_id', '=', q.billRunId);
  return query
    .orderBy('created_at', 'desc')
    .orderBy('document_number', 'asc')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
};

/** Recorded emails of a run still to deliver, oldest first. */
export const listUndelivered = async (
  db: Db,
  scope: Scope,
  billRunId: string,
  limit: number,
): Promise<EmailOutboxRow[]> =>
  db
    .selectFrom('email_outbox')
    .selectAll()
    .where('tenant_id', '=', scope.tenantId)
    .where('entity_id', '=', scope.entityId)
    .where('bill_run_id', '=', billRunId)
    .where('status', '=', 'recorded')
    .orderBy('created_at')
    .orderBy('document_number')
    .limit(limit)
    .execute();

export const markDelivery = async (
  db: Db,
  id: string,
  set: { status: string; recipient: string | null; sent_at: string | null; error: string | null },
): Promise<void> => {
  await db.updateTable('email_outbox').set(set).where('id', '=', id).execute();
};

/** The scope and status of a run by id alone (admin API: a job id names one run across tenants). */
export const findBillRunScope = async (
  db: Db,
  id: string,
): Promise<{ tenant_id: string; entity_id: string; status: string } | undefined> =>
  db
    .selectFrom('bill_runs')
    .select(['tenant_id', 'entity_id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
