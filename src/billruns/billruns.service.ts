/**
 * Bill runs (CONTRACT C3): creation with the shared rules of both APIs, reads, and every status
 * change through the one state machine of C3.3 (`transition`).
 */
import { settleAfter } from '../platform/jobs/settle.ts';
import { AppError, invalid, notFound, rule } from '../platform/errors.ts';
import { toIso } from '../platform/clock.ts';
import { addDays, daysBetween, daysInMonth, monthDay } from '../platform/dates.ts';
import type { Db } from '../database.ts';
import type { Deps } from '../deps.ts';
import {
  findAccountsByIds,
  listContacts,
  selectAccountIdsForBilling,
} from '../accounts/accounts.service.ts';
import { billAccounts, postDocuments } from '../billing/billing.service.ts';
import {
  cancelDraftInvoices,
  countPostedInvoices,
  deleteInvoices,
  findInvoices,
  listPostedInvoicesForEmail,
  markInvoicesEmailed,
  redateDraftInvoices,
} from '../invoices/invoices.service.ts';
import {
  cancelDraftMemos,
  countPostedMemos,
  deleteMemos,
  findMemos,
  redateDraftMemos,
} from '../memos/memos.service.ts';
import {
  renewSubscriptions,
  rollBackChargedThrough,
} from '../subscriptions/subscriptions.service.ts';
import * as store from './billruns.store.ts';
import type { BillRunRow } from './billruns.table.ts';

export const BILL_RUN_STATUSES = [
  'Pending',
  'Processing',
  'Completed',
  'Error',
  'Canceled',
  'Posted',
  'PostInProgress',
  'CancelInProgress',
  'RemoveInProgress',
  'Paused',
] as const;
export type BillRunStatus = (typeof BILL_RUN_STATUSES)[number];

export const CHARGE_TYPES = ['OneTime', 'Recurring', 'Usage'] as const;
export type ChargeType = (typeof CHARGE_TYPES)[number];

export const REPEAT_TYPES = ['None', 'Daily', 'Weekly', 'Monthly'] as const;
export type RepeatType = (typeof REPEAT_TYPES)[number];
export const WEEK_DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

/** Which API a request came through: some rules differ (C3.3 delete, C3.1/C3.2.1 limits). */
export type Api = 'crud' | 'rest';

export interface BillRunFilter {
  accountId: string;
  filterType: 'Account' | 'Subscription';
  subscriptionId: string | null;
  objectType: string | null;
}

export interface Schedule {
  repeatFrom: string;
  repeatTo: string | null;
  repeatType: RepeatType;
  runTime: number;
  weeklyOnDay: WeekDay[] | null;
  monthlyOnEndOfMonth: boolean | null;
}

export interface BillRun {
  id: string;
  number: string;
  name: string | null;
  status: BillRunStatus;
  origin: Api;
  accountId: string | null;
  batches: string[] | null;
  billCycleDay: string | null;
  billRunFilters: BillRunFilter[] | null;
  chargeTypeToExclude: ChargeType[];
  invoiceDate: string | null;
  targetDate: string | null;
  autoEmail: boolean;
  autoPost: boolean;
  autoRenewal: boolean;
  noEmailForZeroAmountInvoice: boolean;
  includeSubscriptions: boolean;
  includeOrderLineItems: boolean;
  schedule: Schedule | null;
  scheduleId: string | null;
  scheduledExecutionTime: Date | null;
  invoiceDateOffset: number | null;
  targetDateOffset: number | null;
  invoiceDateMonthOffset: number | null;
  invoiceDateDayOfMonth: number | null;
  targetDateMonthOffset: number | null;
  targetDateDayOfMonth: number | null;
  numberOfAccounts: number;
  numberOfInvoices: number;
  numberOfCreditMemos: number;
  accountsPlanned: number;
  accountsProcessed: number;
  errorMessage: string | null;
  executedAt: Date | null;
  endedAt: Date | null;
  postedAt: Date | null;
  invoicesEmailed: boolean;
  lastEmailSentAt: Date | null;
  createdById: string;
  createdAt: Date;
  updatedById: string;
  updatedAt: Date;
}

/** Who acts: the tenant and entity of the request, and the user id the token names. */
export interface Actor extends store.Scope {
  userId: string;
}

export interface CreateBillRunInput {
  origin: Api;
  name: string | null;
  accountId: string | null;
  batches: string[] | null;
  billCycleDay: string | null;
  billRunFilters: BillRunFilter[] | null;
  chargeTypeToExclude: ChargeType[];
  invoiceDate: string | null;
  targetDate: string | null;
  autoEmail: boolean;
  autoPost: boolean;
  autoRenewal: boolean;
  noEmailForZeroAmountInvoice: boolean;
  includeSubscriptions: boolean;
  includeOrderLineItems: boolean;
  schedule: Schedule | null;
  invoiceDateMonthOffset: number | null;
  invoiceDateDayOfMonth: number | null;
  targetDateMonthOffset: number | null;
  targetDateDayOfMonth: number | null;
}

/** C3.1 / C3.2.1: "if more than 500 bill runs … are in Pending status, no more bill runs can be created". */
export const PENDING_LIMIT = 500;

// ---------------------------------------------------------------------------------------------
// The state machine (C3.3): the only place that decides whether a status change is allowed.

export type BillRunAction =
  | 'start'
  | 'complete'
  | 'fail'
  | 'post'
  | 'postDone'
  | 'postFailed'
  | 'cancel'
  | 'cancelDone'
  | 'delete'
  | 'email';

/** Actions a client asks for; the others are the worker's. */
export const USER_ACTIONS: readonly BillRunAction[] = ['post', 'cancel', 'delete', 'email'];

interface TransitionRow {
  from: readonly BillRunStatus[];
  /** Where the REST API allows more (C3.3 delete; C7 #12). */
  restFrom?: readonly BillRunStatus[];
  /** `null`: the status does not change (emails) or the run is removed (`removed`). */
  to: BillRunStatus | 'removed' | null;
  verb: string;
  allowed: string;
}

export const TRANSITIONS: Record<BillRunAction, TransitionRow> = {
  start: { from: ['Pending'], to: 'Processing', verb: 'started', allowed: 'Pending' },
  complete: { from: ['Processing'], to: 'Completed', verb: 'completed', allowed: 'Processing' },
  fail: { from: ['Processing'], to: 'Error', verb: 'failed', allowed: 'Processing' },
  post: { from: ['Completed'], to: 'PostInProgress', verb: 'posted', allowed: 'Completed' },
  postDone: { from: ['PostInProgress'], to: 'Posted', verb: 'posted', allowed: 'PostInProgress' },
  postFailed: {
    from: ['PostInProgress'],
    to: 'Completed',
    verb: 'posted',
    allowed: 'PostInProgress',
  },
  cancel: {
    from: ['Pending', 'Completed'],
    to: 'CancelInProgress',
    verb: 'canceled',
    allowed: 'Pending or Completed',
  },
  cancelDone: {
    from: ['CancelInProgress'],
    to: 'Canceled',
    verb: 'canceled',
    allowed: 'CancelInProgress',
  },
  delete: {
    from: ['Canceled'],
    restFrom: ['Canceled', 'Error'],
    to: 'RemoveInProgress',
    verb: 'deleted',
    allowed: 'Canceled',
  },
  email: {
    from: ['Completed', 'Posted'],
    to: null,
    verb: 'emailed',
    allowed: 'Completed or Posted',
  },
};

const IN_PROGRESS: readonly BillRunStatus[] = [
  'PostInProgress',
  'CancelInProgress',
  'RemoveInProgress',
];

export type TransitionResult =
  { ok: true; to: BillRunStatus | 'removed' | null } | { ok: false; error: AppError };

/**
 * C3.3 as one pure function: the status `action` leads to from `from`, or the error refusing it.
 * A client action during an "…InProgress" state is `busy` (cat50, CRUD `INVALID_VALUE`); any other
 * refusal is `rule` (cat30, C7 #15).
 */
export const transition = (
  from: BillRunStatus,
  action: BillRunAction,
  api: Api,
  label = 'The bill run',
): TransitionResult => {
  const row = TRANSITIONS[action];
  const allowedFrom = api === 'rest' && row.restFrom !== undefined ? row.restFrom : row.from;
  if (allowedFrom.includes(from)) return { ok: true, to: row.to };
  if (USER_ACTIONS.includes(action) && IN_PROGRESS.includes(from)) {
    return {
      ok: false,
      error: new AppError(
        'busy',
        `${label} is ${from}; it cannot be ${row.verb} until that has finished.`,
      ),
    };
  }
  const allowed = api === 'rest' && action === 'delete' ? 'Canceled or Error' : row.allowed;
  return {
    ok: false,
    error: rule(`${label} cannot be ${row.verb}: its status is ${from}, it must be ${allowed}.`),
  };
};

const mustTransition = (
  run: BillRun,
  action: BillRunAction,
  api: Api,
): BillRunStatus | 'removed' | null => {
  const r = transition(run.status, action, api, `The bill run ${run.number}`);
  if (!r.ok) throw r.error;
  return r.to;
};

// ---------------------------------------------------------------------------------------------
// Dates (plain `yyyy-MM-dd` strings; UTC is the tenant time zone until tenants carry one, C0.3).

export const isDate = (s: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
};

const today = (deps: Deps, tenantId: string): string =>
  toIso(deps.clock.now(tenantId)).slice(0, 10);

// ---------------------------------------------------------------------------------------------
// Rows ⇄ domain.

const parseJson = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));
const date = (s: string | null): Date | null => (s === null ? null : new Date(s));

export const toBillRun = (r: BillRunRow): BillRun => ({
  id: r.id,
  number: r.number,
  name: r.name,
  status: r.status as BillRunStatus,
  origin: r.origin as Api,
  accountId: r.account_id,
  batches: r.batches === null ? null : r.batches.split(','),
  billCycleDay: r.bill_cycle_day,
  billRunFilters: parseJson<BillRunFilter[]>(r.bill_run_filters),
  chargeTypeToExclude: parseJson<ChargeType[]>(r.charge_type_to_exclude) ?? [],
  invoiceDate: r.invoice_date,
  targetDate: r.target_date,
  autoEmail: r.auto_email === 1,
  autoPost: r.auto_post === 1,
  autoRenewal: r.auto_renewal === 1,
  noEmailForZeroAmountInvoice: r.no_email_for_zero_amount_invoice === 1,
  includeSubscriptions: r.include_subscriptions === 1,
  includeOrderLineItems: r.include_order_line_items === 1,
  schedule: parseJson<Schedule>(r.schedule),
  scheduleId: r.schedule_id,
  scheduledExecutionTime: date(r.scheduled_execution_time),
  invoiceDateOffset: r.invoice_date_offset,
  targetDateOffset: r.target_date_offset,
  invoiceDateMonthOffset: r.invoice_date_month_offset,
  invoiceDateDayOfMonth: r.invoice_date_day_of_month,
  targetDateMonthOffset: r.target_date_month_offset,
  targetDateDayOfMonth: r.target_date_day_of_month,
  numberOfAccounts: Number(r.number_of_accounts),
  numberOfInvoices: Number(r.number_of_invoices),
  numberOfCreditMemos: Number(r.number_of_credit_memos),
  accountsPlanned: Number(r.accounts_planned),
  accountsProcessed: Number(r.accounts_processed),
  errorMessage: r.error_message,
  executedAt: date(r.executed_at),
  endedAt: date(r.ended_at),
  postedAt: date(r.posted_at),
  invoicesEmailed: r.invoices_emailed === 1,
  lastEmailSentAt: date(r.last_email_sent_at),
  createdById: r.created_by_id,
  createdAt: new Date(r.created_at),
  updatedById: r.updated_by_id,
  updatedAt: new Date(r.updated_at),
});

const bool = (b: boolean): number => (b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Schedules (C3.2.2).

/** The UTC instant an occurrence on `day` starts: `runTime`:00 of that day, tenant TZ (UTC). */
const executionTime = (day: string, runTime: number): string =>
  `${day}T${String(runTime).padStart(2, '0')}:00:00.000Z`;

/** The day of the occurrence after the one on `day`, or undefined when the schedule has ended. */
export const nextOccurrenceDay = (s: Schedule, day: string): string | undefined => {
  let next: string | undefined;
  switch (s.repeatType) {
    case 'None':
      return undefined;
    case 'Daily':
      next = addDays(day, 1);
      break;
    case 'Weekly': {
      const wanted = new Set(s.weeklyOnDay ?? []);
      for (let i = 1; i <= 7; i++) {
        const d = addDays(day, i);
        const wd = WEEK_DAYS[(new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7]!;
        if (wanted.has(wd)) {
          next = d;
          break;
        }
      }
      break;
    }
    case 'Monthly':
      next =
        s.monthlyOnEndOfMonth === true
          ? monthDay(day, 1, 31)
          : monthDay(day, 1, Number(s.repeatFrom.slice(8, 10)));
      break;
  }
  if (next === undefined || (s.repeatTo !== null && next > s.repeatTo)) return undefined;
  return next;
};

/** The invoice and target dates of an occurrence on `day`, from the run's offsets (C3.2.2). */
const occurrenceDates = (
  run: Pick<
    BillRun,
    | 'invoiceDateOffset'
    | 'targetDateOffset'
    | 'invoiceDateMonthOffset'
    | 'invoiceDateDayOfMonth'
    | 'targetDateMonthOffset'
    | 'targetDateDayOfMonth'
  >,
  day: string,
): { invoiceDate: string; targetDate: string } => ({
  invoiceDate:
    run.invoiceDateMonthOffset !== null && run.invoiceDateDayOfMonth !== null
      ? monthDay(day, run.invoiceDateMonthOffset, run.invoiceDateDayOfMonth)
      : addDays(day, run.invoiceDateOffset ?? 0),
  targetDate:
    run.targetDateMonthOffset !== null && run.targetDateDayOfMonth !== null
      ? monthDay(day, run.targetDateMonthOffset, run.targetDateDayOfMonth)
      : addDays(day, run.targetDateOffset ?? 0),
});

// ---------------------------------------------------------------------------------------------
// Use cases.

const formatNumber = (n: number): string => `BR-${String(n).padStart(8, '0')}`;

/**
 * Creates a run `Pending` (C3.1 POST, C3.2.1). The caller has checked the wire rules; this checks
 * the ones both APIs share: the Pending limit and the schedule's dates.
 */
export const createBillRun = async (
  deps: Deps,
  actor: Actor,
  input: CreateBillRunInput,
): Promise<BillRun> => {
  const now = deps.clock.now(actor.tenantId);
  const day = today(deps, actor.tenantId);
  let invoiceDate = input.invoiceDate;
  let targetDate = input.targetDate;
  let scheduled: {
    at: string;
    invoiceDateOffset: number | null;
    targetDateOffset: number | null;
  } | null = null;
  if (input.schedule !== null) {
    const s = input.schedule;
    if (s.repeatFrom > addDays(day, 3653))
      throw invalid('schedule.repeatFrom must be at most 10 years ahead.', 'schedule.repeatFrom');
    if (s.repeatTo !== null && s.repeatTo < s.repeatFrom)
      throw invalid(
        'schedule.repeatTo must not be before schedule.repeatFrom.',
        'schedule.repeatTo',
      );
    // Offsets are the days from repeatFrom to the given dates, 0 when a date is not given (C3.2.2).
    const invoiceDateOffset =
      input.invoiceDateMonthOffset !== null
        ? null
        : invoiceDate === null
          ? 0
          : daysBetween(s.repeatFrom, invoiceDate);
    const targetDateOffset =
      input.targetDateMonthOffset !== null
        ? null
        : targetDate === null
          ? 0
          : daysBetween(s.repeatFrom, targetDate);
    const dates = occurrenceDates(
      {
        invoiceDateOffset,
        targetDateOffset,
        invoiceDateMonthOffset: input.invoiceDateMonthOffset,
        invoiceDateDayOfMonth: input.invoiceDateDayOfMonth,
        targetDateMonthOffset: input.targetDateMonthOffset,
        targetDateDayOfMonth: input.targetDateDayOfMonth,
      },
      s.repeatFrom,
    );
    invoiceDate = dates.invoiceDate;
    targetDate = dates.targetDate;
    scheduled = { at: executionTime(s.repeatFrom, s.runTime), invoiceDateOffset, targetDateOffset };
  } else {
    // C3.2.1: invoiceDate defaults to today for ad hoc runs.
    invoiceDate ??= day;
  }
  const id = deps.ids.id();
  // Lifecycle `immediately` (issue 12): the run's jobs are settled once this commits.
  const { value: created, settled } = await settleAfter(deps.queue, () =>
    createBillRunRow(deps, actor, input, { id, now, invoiceDate, targetDate, scheduled }),
  );
  return settled ? afterSettle(deps, actor, created) : created;
};

/** A run re-read after its jobs were settled inline; as it was when they removed it. */
const afterSettle = async (deps: Deps, scope: store.Scope, run: BillRun): Promise<BillRun> => {
  const row = await store.findBillRun(deps.db.db, scope, run.id);
  return row === undefined ? run : toBillRun(row);
};

const createBillRunRow = async (
  deps: Deps,
  actor: Actor,
  input: CreateBillRunInput,
  d: {
    id: string;
    now: Date;
    invoiceDate: string | null;
    targetDate: string | null;
    scheduled: {
      at: string;
      invoiceDateOffset: number | null;
      targetDateOffset: number | null;
    } | null;
  },
): Promise<BillRun> => {
  const { id, now, invoiceDate, targetDate, scheduled } = d;
  return deps.db.db.transaction().execute(async (tx) => {
    // Counted in the creating transaction so concurrent creations cannot both pass the limit
    // (SQLite has one writer; on PostgreSQL the counter row lock below serialises creations).
    const number = await store.nextBillRunNumber(tx, actor);
    if ((await store.countPending(tx, actor, input.origin)) > PENDING_LIMIT) {
      throw rule(
        `More than ${PENDING_LIMIT} bill runs are in Pending status; no more bill runs can be created until some of them are processed.`,
      );
    }
    const row: BillRunRow = {
      id,
      tenant_id: actor.tenantId,
      entity_id: actor.entityId,
      number: formatNumber(number),
      name: input.name,
      status: 'Pending',
      origin: input.origin,
      account_id: input.accountId,
      batches: input.batches === null ? null : input.batches.join(','),
      bill_cycle_day: input.billCycleDay,
      bill_run_filters: input.billRunFilters === null ? null : JSON.stringify(input.billRunFilters),
      charge_type_to_exclude: JSON.stringify(input.chargeTypeToExclude),
      invoice_date: invoiceDate,
      target_date: targetDate,
      auto_email: bool(input.autoEmail),
      auto_post: bool(input.autoPost),
      auto_renewal: bool(input.autoRenewal),
      no_email_for_zero_amount_invoice: bool(input.noEmailForZeroAmountInvoice),
      include_subscriptions: bool(input.includeSubscriptions),
      include_order_line_items: bool(input.includeOrderLineItems),
      schedule: input.schedule === null ? null : JSON.stringify(input.schedule),
      schedule_repeat_type: input.schedule?.repeatType ?? null,
      schedule_id: input.schedule === null ? null : id,
      scheduled_execution_time: scheduled?.at ?? null,
      invoice_date_offset: scheduled?.invoiceDateOffset ?? null,
      target_date_offset: scheduled?.targetDateOffset ?? null,
      invoice_date_month_offset: input.invoiceDateMonthOffset,
      invoice_date_day_of_month: input.invoiceDateDayOfMonth,
      target_date_month_offset: input.targetDateMonthOffset,
      target_date_day_of_month: input.targetDateDayOfMonth,
      number_of_accounts: 0,
      number_of_invoices: 0,
      number_of_credit_memos: 0,
      accounts_planned: 0,
      accounts_processed: 0,
      error_message: null,
      executed_at: null,
      ended_at: null,
      posted_at: null,
      invoices_emailed: 0,
      last_email_sent_at: null,
      created_by_id: actor.userId,
      created_at: toIso(now),
      updated_by_id: actor.userId,
      updated_at: toIso(now),
    };
    await store.insertBillRun(tx, row);
    await enqueuePlan(deps, tx, actor, toBillRun(row));
    return toBillRun(row);
  });
};

// ---------------------------------------------------------------------------------------------
// Jobs (DESIGN.md "Long work"): every step is a job enqueued in the transaction that makes it due.

/** Task ids of the bill-run jobs (`src/tasks.ts` registers their handlers). */
export const TASKS = {
  plan: 'billruns.plan',
  chunk: 'billruns.chunk',
  finish: 'billruns.finish',
  post: 'billruns.post',
  cancel: 'billruns.cancel',
  remove: 'billruns.remove',
  deliver: 'billruns.deliver',
} as const;

export interface JobRef {
  tenantId: string;
  entityId: string;
  billRunId: string;
}

const refOf = (run: Pick<BillRun, 'id'>, scope: store.Scope): JobRef => ({
  tenantId: scope.tenantId,
  entityId: scope.entityId,
  billRunId: run.id,
});

/** Ad hoc runs start FIFO as soon as a worker is free; scheduled ones at their time (C3.3). */
const enqueuePlan = async (deps: Deps, tx: Db, scope: store.Scope, run: BillRun): Promise<void> => {
  await deps.queue.add(tx, TASKS.plan, refOf(run, scope), {
    jobKey: `${TASKS.plan}:${run.id}`,
    ...(run.scheduledExecutionTime === null ? {} : { runAt: run.scheduledExecutionTime }),
  });
};

/** A run by id or `BR-` number in the actor's entity; another entity's run does not exist (C1.4). */
export const findBillRun = async (
  deps: Deps,
  scope: store.Scope,
  key: string,
): Promise<BillRun | undefined> => {
  if (key.length > 64) return undefined;
  const row = await store.findBillRun(deps.db.read, scope, key);
  return row === undefined ? undefined : toBillRun(row);
};

export const getBillRun = async (deps: Deps, scope: store.Scope, key: string): Promise<BillRun> => {
  const run = await findBillRun(deps, scope, key);
  if (run === undefined) throw notFound('Bill run', key);
  return run;
};

/** Reads through the writer: right after a change, the reader may not see it yet on every dialect. */
const reload = async (
  deps: Deps,
  scope: store.Scope,
  id: string,
  db: Db = deps.db.db,
): Promise<BillRun> => {
  const row = await store.findBillRun(db, scope, id);
  if (row === undefined) throw notFound('Bill run', id);
  return toBillRun(row);
};

/** Applies `action` to the run if its status still allows it (compare-and-set). */
const applyTransition = async (
  deps: Deps,
  actor: Actor,
  run: BillRun,
  action: BillRunAction,
  api: Api,
  extra: Parameters<typeof store.updateBillRunIf>[4] = {},
  db = deps.db.db,
): Promise<void> => {
  const to = mustTransition(run, action, api);
  const allowedFrom =
    api === 'rest'
      ? (TRANSITIONS[action].restFrom ?? TRANSITIONS[action].from)
      : TRANSITIONS[action].from;
  const changed = await store.updateBillRunIf(db, actor, run.id, allowedFrom, {
    ...(to === null || to === 'removed' ? {} : { status: to }),
    updated_by_id: actor.userId,
    updated_at: toIso(deps.clock.now(actor.tenantId)),
    ...extra,
  });
  if (changed === 0) {
    // Someone else moved the run meanwhile: answer with the state machine's verdict on the new status.
    const now = await reload(deps, actor, run.id, db);
    mustTransition(now, action, api);
    throw new AppError('busy', `The bill run ${run.number} changed meanwhile; try again.`);
  }
  if (to !== null && to !== 'removed' && to !== run.status)
    await deps.events.emit(db, [
      {
        type: 'BillRunStatusChanged',
        tenantId: actor.tenantId,
        objectId: run.id,
        status: to,
        data: { BillRunNumber: run.number },
      },
    ]);
};

/** Posted documents of a run (a post that failed part-way leaves some, C3.3). */
const countPostedDocuments = async (
  deps: Deps,
  scope: store.Scope,
  run: BillRun,
): Promise<number> => {
  const docs = await store.listRunDocuments(deps.db.read, scope, run.id);
  let n = 0;
  for (const ids of batches(docs.invoiceIds)) n += await countPostedInvoices(deps, scope, ids);
  for (const ids of batches(docs.creditMemoIds)) n += await countPostedMemos(deps, scope, ids);
  return n;
};

export interface CancelResult {
  run: BillRun;
  nextRun: BillRun | null;
}

/** Applies a client action and enqueues the job that ends it, in one transaction. */
const startAction = async (
  deps: Deps,
  actor: Actor,
  run: BillRun,
  action: 'post' | 'cancel' | 'delete',
  api: Api,
  extra: Parameters<typeof store.updateBillRunIf>[4] = {},
): Promise<BillRun> => {
  const { value, settled } = await settleAfter(deps.queue, () =>
    deps.db.db.transaction().execute(async (tx) => {
      await applyTransition(deps, actor, run, action, api, extra, tx);
      const task =
        action === 'post' ? TASKS.post : action === 'cancel' ? TASKS.cancel : TASKS.remove;
      await deps.queue.add(tx, task, refOf(run, actor), { jobKey: `${task}:${run.id}` });
      return reload(deps, actor, run.id, tx);
    }),
  );
  return settled ? afterSettle(deps, actor, value) : value;
};

/**
 * Cancel (C3.2.4, CRUD PUT `Canceled`): `CancelInProgress` now, `Canceled` when its job has run.
 * For a scheduled run, `cancelOnce` true creates the next occurrence; false (and the CRUD API,
 * C7 #13) ends the schedule.
 */
export const cancelBillRun = async (
  deps: Deps,
  actor: Actor,
  key: string,
  opts: { api: Api; cancelOnce: boolean },
): Promise<CancelResult> => {
  const run = await getBillRun(deps, actor, key);
  if (run.status === 'Completed' && (await countPostedDocuments(deps, actor, run)) > 0)
    throw rule('The Bill Run cannot be Cancelled, There are Posted invoices.');
  const inProgress = await startAction(deps, actor, run, 'cancel', opts.api);
  let nextRun: BillRun | null = null;
  if (run.schedule !== null && run.status === 'Pending' && opts.cancelOnce) {
    nextRun =
      (await deps.db.db
        .transaction()
        .execute(async (tx) => createNextOccurrence(deps, tx, actor, run))) ?? null;
  }
  return { run: inProgress, nextRun };
};

/** Creates the occurrence after `run` of its schedule, `Pending`, or returns undefined at the end. */
export const createNextOccurrence = async (
  deps: Deps,
  tx: Db,
  actor: Actor,
  run: BillRun,
): Promise<BillRun | undefined> => {
  if (run.schedule === null || run.scheduledExecutionTime === null) return undefined;
  const day = nextOccurrenceDay(run.schedule, toIso(run.scheduledExecutionTime).slice(0, 10));
  if (day === undefined) return undefined;
  const dates = occurrenceDates(run, day);
  const now = toIso(deps.clock.now(actor.tenantId));
  const id = deps.ids.id();
  const number = await store.nextBillRunNumber(tx, actor);
  const base = await store.findBillRun(tx, actor, run.id);
  if (base === undefined) throw notFound('Bill run', run.id);
  const row: BillRunRow = {
    ...base,
    id,
    number: formatNumber(number),
    status: 'Pending',
    invoice_date: dates.invoiceDate,
    target_date: dates.targetDate,
    scheduled_execution_time: executionTime(day, run.schedule.runTime),
    number_of_accounts: 0,
    number_of_invoices: 0,
    number_of_credit_memos: 0,
    accounts_planned: 0,
    accounts_processed: 0,
    error_message: null,
    executed_at: null,
    ended_at: null,
    posted_at: null,
    invoices_emailed: 0,
    last_email_sent_at: null,
    created_by_id: actor.userId,
    created_at: now,
    updated_by_id: actor.userId,
    updated_at: now,
  };
  await store.insertBillRun(tx, row);
  const next = toBillRun(row);
  await enqueuePlan(deps, tx, actor, next);
  return next;
};

/**
 * Post (C3.2.5, CRUD PUT `Posted`): `PostInProgress` now, `Posted` when its job has posted the
 * run's Draft documents. `invoiceDate` replaces the run's invoice date.
 */
export const postBillRun = async (
  deps: Deps,
  actor: Actor,
  key: string,
  opts: { api: Api; invoiceDate: string | null },
): Promise<BillRun> => {
  const run = await getBillRun(deps, actor, key);
  return startAction(deps, actor, run, 'post', opts.api, {
    ...(opts.invoiceDate === null ? {} : { invoice_date: opts.invoiceDate }),
  });
};

/** Delete (C3.1 DELETE, C3.2.6): `RemoveInProgress` now; its job removes the run and documents. */
export const deleteBillRun = async (
  deps: Deps,
  actor: Actor,
  key: string,
  opts: { api: Api },
): Promise<BillRun> => {
  const run = await getBillRun(deps, actor, key);
  return startAction(deps, actor, run, 'delete', opts.api);
};

/**
 * Records the emails of a run's posted invoices (C3.2.7): `resend` false emails only invoices never
 * emailed, true all of them; zero-total invoices are skipped with `noEmailForZeroAmountInvoice`.
 * Each email is a row of the outbox (recorded, not sent) and sets the invoice's
 * `lastEmailSentDate`; the run gets `InvoicesEmailed` and `LastEmailSentTime`. Returns how many
 * posted invoices the run has (0: nothing to email).
 */
const recordEmails = async (
  deps: Deps,
  tx: Db,
  scope: store.Scope,
  run: BillRun,
  resend: boolean,
): Promise<number> => {
  const docs = await store.listRunDocuments(tx, scope, run.id);
  const posted = [];
  for (const ids of batches(docs.invoiceIds))
    posted.push(...(await listPostedInvoicesForEmail(deps, tx, scope, ids)));
  const chosen = posted.filter(
    (i) =>
      (resend || i.lastEmailSentAt === null) &&
      !(run.noEmailForZeroAmountInvoice && Number(i.amount) === 0),
  );
  if (chosen.length === 0) return posted.length;
  const now = toIso(deps.clock.now(scope.tenantId));
  for (const ids of batches(chosen.map((i) => i.id)))
    await markInvoicesEmailed(deps, tx, scope, ids);
  await store.insertOutbox(
    tx,
    chosen.map((i) => ({
      id: deps.ids.id(),
      tenant_id: scope.tenantId,
      entity_id: scope.entityId,
      bill_run_id: run.id,
      document_type: 'Invoice',
      document_id: i.id,
      document_number: i.number,
      account_id: i.accountId,
      created_at: now,
    })),
  );
  await store.updateBillRunIf(tx, scope, run.id, [run.status], {
    invoices_emailed: 1,
    last_email_sent_at: now,
  });
  // Beyond Zuora: with SMTP configured, a job delivers what was recorded (at least once).
  if (deps.mailer !== undefined) await deps.queue.add(tx, TASKS.deliver, refOf(run, scope));
  return posted.length;
};

/**
 * `POST /v1/bill-runs/{billRunKey}/emails` (C3.2.7). A run without posted invoices is refused
 * (cat30); an action during an …InProgress state is busy (cat50).
 */
export const emailBillRun = async (
  deps: Deps,
  actor: Actor,
  key: string,
  opts: { resend: boolean },
): Promise<void> => {
  const run = await getBillRun(deps, actor, key);
  const r = transition(run.status, 'email', 'rest', `The bill run ${run.number}`);
  if (!r.ok && r.error.kind === 'busy') throw r.error;
  const noDocs = rule(`The bill run ${run.number} has no posted documents to email.`);
  if (!r.ok) throw noDocs;
  await deps.db.db.transaction().execute(async (tx) => {
    if ((await recordEmails(deps, tx, actor, run, opts.resend)) === 0) throw noDocs;
  });
};

/** Outbox rows per page of `/folio/v1/outbox`. */
export const OUTBOX_PAGE_SIZE = 100;

export interface OutboxEmail {
  id: string;
  tenantId: string;
  entityId: string;
  billRunId: string | null;
  documentType: string;
  documentId: string;
  documentNumber: string;
  accountId: string;
  createdAt: Date;
  status: string;
  recipient: string | null;
  sentAt: Date | null;
  error: string | null;
}

/** The recorded emails, newest first (admin API). */
export const listOutbox = async (
  deps: Deps,
  q: { tenantId?: string; billRunId?: string; page: number },
): Promise<{ emails: OutboxEmail[]; more: boolean }> => {
  const rows = await store.listOutbox(deps.db.read, {
    ...(q.tenantId === undefined ? {} : { tenantId: q.tenantId }),
    ...(q.billRunId === undefined ? {} : { billRunId: q.billRunId }),
    limit: OUTBOX_PAGE_SIZE + 1,
    offset: (q.page - 1) * OUTBOX_PAGE_SIZE,
  });
  return {
    emails: rows.slice(0, OUTBOX_PAGE_SIZE).map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      entityId: r.entity_id,
      billRunId: r.bill_run_id,
      documentType: r.document_type,
      documentId: r.document_id,
      documentNumber: r.document_number,
      accountId: r.account_id,
      createdAt: new Date(r.created_at),
      status: r.status,
      recipient: r.recipient,
      sentAt: date(r.sent_at),
      error: r.error,
    })),
    more: rows.length > OUTBOX_PAGE_SIZE,
  };
};

// ---------------------------------------------------------------------------------------------
// Job steps. Each runs in one transaction and is idempotent: a retry after a crash finds the
// work done (status moved on, accounts no longer pending) and does nothing twice.

/** Ids per statement: far below both dialects' bound-parameter limits. */
const ID_BATCH = 500;
const batches = <T>(list: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += ID_BATCH) out.push(list.slice(i, i + ID_BATCH));
  return out;
};

const systemActor = (ref: JobRef, run: BillRun): Actor => ({
  tenantId: ref.tenantId,
  entityId: ref.entityId,
  userId: run.updatedById,
});

/** Bill cycle days a run selects (C3.4.1); `any` for `AllBillCycleDays`. */
export const billCycleDaysOf = (billCycleDay: string | null, runDay: string): 'any' | number[] => {
  if (billCycleDay === null || billCycleDay === 'AllBillCycleDays') return 'any';
  if (billCycleDay !== 'AsRunDay') return [Number(billCycleDay)];
  // AsRunDay: the run's day, and on a month's last day every BCD ≥ it (C3.4.1).
  const d = Number(runDay.slice(8, 10));
  const last = daysInMonth(Number(runDay.slice(0, 4)), Number(runDay.slice(5, 7)));
  if (d < last) return [d];
  return Array.from({ length: 32 - d }, (_, i) => d + i);
};

/** Plan: `Pending` → `Processing`, select the accounts, cut them into chunk jobs. */
export const planBillRun = async (deps: Deps, ref: JobRef): Promise<void> => {
  await deps.db.db.transaction().execute(async (tx) => {
    const run = await findForJob(deps, tx, ref);
    if (run?.status !== 'Pending') return;
    const actor = systemActor(ref, run);
    const now = toIso(deps.clock.now(ref.tenantId));
    await applyTransition(deps, actor, run, 'start', 'rest', { executed_at: now }, tx);
    // C3.2.2: when an occurrence starts, the next one is created.
    await createNextOccurrence(deps, tx, actor, run);
    const ids = await selectAccountIdsForBilling(
      deps,
      ref,
      run.accountId !== null
        ? { accountId: run.accountId, batches: null, days: 'any' }
        : {
            batches:
              run.batches === null || run.batches.includes('AllBatches') ? null : run.batches,
            days: billCycleDaysOf(run.billCycleDay, today(deps, ref.tenantId)),
          },
      tx,
    );
    const rows = ids.map((accountId, i) => ({
      bill_run_id: run.id,
      account_id: accountId,
      tenant_id: ref.tenantId,
      entity_id: ref.entityId,
      chunk: Math.floor(i / deps.config.billRunChunkSize),
      status: 'pending',
      invoices: 0,
      credit_memos: 0,
      error: null,
      updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += 500)
      await store.insertRunAccounts(tx, rows.slice(i, i + 500));
    const counts = await store.countRunAccounts(tx, ref, run.id);
    await store.updateBillRunIf(tx, ref, run.id, ['Processing'], {
      accounts_planned: counts.total,
    });
    const chunks = Math.ceil(ids.length / deps.config.billRunChunkSize);
    for (let c = 0; c < chunks; c++)
      await deps.queue.add(
        tx,
        TASKS.chunk,
        { ...ref, chunk: c },
        {
          jobKey: `${TASKS.chunk}:${run.id}:${c}`,
        },
      );
    if (counts.pending === 0)
      await deps.queue.add(tx, TASKS.finish, ref, { jobKey: `${TASKS.finish}:${run.id}` });
  });
};

const findForJob = async (deps: Deps, tx: Db, ref: JobRef): Promise<BillRun | undefined> => {
  const row = await store.findBillRun(tx, ref, ref.billRunId);
  return row === undefined ? undefined : toBillRun(row);
};

/**
 * Chunk: bills its pending accounts with the billing engine in one transaction; records each
 * account's outcome and adds to the run's counters. The last chunk enqueues the finish job.
 */
export const billChunk = async (deps: Deps, ref: JobRef, chunk: number): Promise<void> => {
  await deps.db.db.transaction().execute(async (tx) => {
    const run = await findForJob(deps, tx, ref);
    if (run?.status !== 'Processing') return;
    const pending = await store.listChunkPending(tx, ref, run.id, chunk);
    if (pending.length === 0) return;
    const now = toIso(deps.clock.now(ref.tenantId));
    const accounts = await findAccountsByIds(deps, ref, pending, tx);
    const outcomes = new Map<string, store.AccountOutcome>(
      pending.map((id) => [
        id,
        { accountId: id, status: 'billed', invoices: 0, creditMemos: 0, error: null },
      ]),
    );
    const docs: { id: string; type: string; accountId: string }[] = [];
    if (run.includeSubscriptions && accounts.length > 0) {
      const subscriptionIds = run.billRunFilters
        ?.filter((f) => f.filterType === 'Subscription')
        .map((f) => f.subscriptionId!);
      // C3.4 step 2: with autoRenewal, due auto-renew subscriptions are renewed before billing.
      if (run.autoRenewal)
        await renewSubscriptions(
          deps,
          tx,
          ref,
          accounts.map((a) => a.id),
          run.targetDate!,
          subscriptionIds === undefined || subscriptionIds.length === 0
            ? undefined
            : subscriptionIds,
        );
      const r = await billAccounts(deps, tx, ref, accounts, {
        targetDate: run.targetDate!,
        documentDate: run.invoiceDate!,
        source: 'BillRun',
        sourceId: run.number,
        billRunId: run.id,
        createdBy: run.createdById,
        chargeTypeToExclude: run.chargeTypeToExclude,
        ...(subscriptionIds === undefined || subscriptionIds.length === 0
          ? {}
          : { subscriptionIds }),
      });
      for (const i of r.invoices) {
        outcomes.get(i.accountId)!.invoices++;
        docs.push({ id: i.id, type: 'Invoice', accountId: i.accountId });
      }
      for (const m of r.creditMemos) {
        outcomes.get(m.accountId)!.creditMemos++;
        docs.push({ id: m.id, type: 'CreditMemo', accountId: m.accountId });
      }
      for (const e of r.errors) {
        const o = outcomes.get(e.accountId)!;
        o.status = 'failed';
        o.error = e.message;
      }
    }
    const found = new Set(accounts.map((a) => a.id));
    for (const o of outcomes.values())
      if (!found.has(o.accountId)) {
        o.status = 'failed';
        o.error = `Account ${o.accountId} no longer exists.`;
      }
    const list = [...outcomes.values()];
    await store.markAccounts(tx, ref, run.id, list, now);
    await store.insertRunDocuments(
      tx,
      docs.map((d) => ({
        bill_run_id: run.id,
        document_id: d.id,
        document_type: d.type,
        account_id: d.accountId,
        tenant_id: ref.tenantId,
        entity_id: ref.entityId,
      })),
    );
    const counters = await store.addCounters(tx, ref, run.id, {
      accounts: list.filter((o) => o.invoices + o.creditMemos > 0).length,
      invoices: list.reduce((n, o) => n + o.invoices, 0),
      creditMemos: list.reduce((n, o) => n + o.creditMemos, 0),
      processed: list.length,
      at: now,
    });
    // Every chunk's accounts are counted in the transaction that marks them, so the counters say
    // when none is pending without counting the run's accounts again (that count per chunk made a
    // run quadratic in its size).
    if (counters.processed >= counters.planned)
      await deps.queue.add(tx, TASKS.finish, ref, { jobKey: `${TASKS.finish}:${run.id}` });
  });
};

/** Finish: `Processing` → `Completed` (with a summary of failed accounts), then auto-post. */
export const finishBillRun = async (deps: Deps, ref: JobRef): Promise<void> => {
  await deps.db.db.transaction().execute(async (tx) => {
    const run = await findForJob(deps, tx, ref);
    if (run?.status !== 'Processing') return;
    const counts = await store.countRunAccounts(tx, ref, run.id);
    if (counts.pending > 0) return;
    const actor = systemActor(ref, run);
    const now = toIso(deps.clock.now(ref.tenantId));
    await applyTransition(
      deps,
      actor,
      run,
      'complete',
      'rest',
      {
        ended_at: now,
        error_message:
          counts.failed === 0
            ? null
            : `${counts.failed} account(s) could not be billed; see /folio/v1/bill-runs/${run.id}/errors.`,
      },
      tx,
    );
    if (run.autoPost) {
      const completed = await reload(deps, actor, run.id, tx);
      await applyTransition(deps, actor, completed, 'post', 'rest', {}, tx);
      await deps.queue.add(tx, TASKS.post, ref, { jobKey: `${TASKS.post}:${run.id}` });
    }
  });
};

/**
 * A fault of the run itself (its job failed for good): `Processing` → `Error` (C3.3).
 */
export const failBillRun = async (deps: Deps, ref: JobRef, message: string): Promise<void> => {
  await deps.db.db.transaction().execute(async (tx) => {
    const run = await findForJob(deps, tx, ref);
    if (run?.status !== 'Processing') return;
    await applyTransition(
      deps,
      systemActor(ref, run),
      run,
      'fail',
      'rest',
      { ended_at: toIso(deps.clock.now(ref.tenantId)), error_message: message.slice(0, 2000) },
      tx,
    );
  });
};

/**
 * Post job: the run's Draft documents become Posted through the billing capability's one posting
 * function, then `PostInProgress` → `Posted`; with `autoEmail` the emails are recorded.
 */
export const runPost = async (deps: Deps, ref: JobRef): Promise<void> => {
  await deps.db.db.transaction().execute(async (tx) => {
    const run = await findForJob(deps, tx, ref);
    if (run?.status !== 'PostInProgress') return;
    const docs = await store.listRunDocuments(tx, ref, run.id);
    // C3.2.5: the documents take the run's invoice date (set by the post call) and a due date
    // recomputed from it.
    if (run.invoiceDate !== null) {
      for (const ids of batches(docs.invoiceIds))
        await redateDraftInvoices(deps, tx, ref, ids, run.invoiceDate);
      for (const ids of batches(docs.creditMemoIds))
        await redateDraftMemos(deps, tx, ref, ids, run.invoiceDate);
    }
    for (const invoiceIds of batches(docs.invoiceIds))
      await postDocuments(deps, tx, ref, { invoiceIds, creditMemoIds: [] }, run.updatedById);
    for (const creditMemoIds of batches(docs.creditMemoIds))
      await postDocuments(deps, tx, ref, { invoiceIds: [], creditMemoIds }, run.updatedById);
    const now = toIso(deps.clock.now(ref.tenantId));
    await applyTransition(
      deps,
      systemActor(ref, run),
      run,
      'postDone',
      'rest',
      { posted_at: now },
      tx,
    );
    // C3.4.7: with autoEmail, a post records the emails of the newly posted invoices.
    if (run.autoEmail)
      await recordEmails(deps, tx, ref, await reload(deps, ref, run.id, tx), false);
  });
};

/**
 * Cancel job: the run's Draft documents become Canceled and their charges' chargedThroughDate
 * rolls back (C3.4.7), then `CancelInProgress` → `Canceled`. Numbers are not reused (C7 #17).
 */
export const runCancel = async (deps: Deps, ref: JobRef): Promise<void> => {
  await deps.db.db.transaction().execute(async (tx) => {
    const run = await findForJob(deps, tx, ref);
    if (run?.status !== 'CancelInProgress') return;
    const docs = await store.listRunDocuments(tx, ref, run.id);
    const items: { chargeId: string; serviceStartDate: string }[] = [];
    for (const ids of batches(docs.invoiceIds))
      items.push(...(await cancelDraftInvoices(deps, tx, ref, ids)));
    for (const ids of batches(docs.creditMemoIds))
      items.push(...(await cancelDraftMemos(deps, tx, ref, ids)));
    await rollBackChargedThrough(tx, ref, items);
    await applyTransition(deps, systemActor(ref, run), run, 'cancelDone', 'rest', {}, tx);
  });
};

/** Remove job: the run's documents, its bookkeeping and the run itself are deleted (C3.2.6). */
export const runRemove = async (deps: Deps, ref: JobRef): Promise<void> => {
  await deps.db.db.transaction().execute(async (tx) => {
    const run = await findForJob(deps, tx, ref);
    if (run?.status !== 'RemoveInProgress') return;
    const docs = await store.listRunDocuments(tx, ref, run.id);
    for (const ids of batches(docs.invoiceIds)) await deleteInvoices(deps, tx, ref, ids);
    for (const ids of batches(docs.creditMemoIds)) await deleteMemos(deps, tx, ref, ids);
    await store.deleteBillRun(tx, ref, run.id);
  });
};

/**
 * Deliver job: sends a run's recorded emails over SMTP to each account's bill-to work email,
 * marking each `sent` or `failed` (no address). An SMTP error fails the attempt and the job
 * retries; emails already sent stay sent.
 */
export const deliverEmails = async (
  deps: Deps,
  ref: JobRef,
  signal?: AbortSignal,
): Promise<void> => {
  const mailer = deps.mailer;
  if (mailer === undefined) return;
  for (;;) {
    if (signal?.aborted === true) return;
    const rows = await store.listUndelivered(deps.db.db, ref, ref.billRunId, 100);
    if (rows.length === 0) return;
    const accounts = new Map(
      (
        await findAccountsByIds(deps, ref, [...new Set(rows.map((r) => r.account_id))], deps.db.db)
      ).map((a) => [a.id, a]),
    );
    for (const r of rows) {
      const account = accounts.get(r.account_id);
      const billTo =
        account?.billToContactId === null || account === undefined
          ? undefined
          : (await listContacts(deps, ref, account.id)).find(
              (c) => c.id === account.billToContactId,
            );
      const to = billTo?.workEmail;
      const now = toIso(deps.clock.now(ref.tenantId));
      if (to === undefined || to === '') {
        await store.markDelivery(deps.db.db, r.id, {
          status: 'failed',
          recipient: null,
          sent_at: null,
          error: 'The bill-to contact has no work email.',
        });
        continue;
      }
      await mailer.send({
        from: deps.config.mailFrom,
        to,
        subject: `Invoice ${r.document_number}`,
        text: `Dear customer,\n\nyour invoice ${r.document_number} is ready.\n`,
      });
      await store.markDelivery(deps.db.db, r.id, {
        status: 'sent',
        recipient: to,
        sent_at: now,
        error: null,
      });
    }
  }
};

export interface ListQuery {
  filters: store.QueryFilter[];
  sort: store.QuerySort[];
  pageSize: number;
  offset: number;
}

/** One page of the Object Query listing (C3.2.8), with whether another page follows. */
export const listBillRuns = async (
  deps: Deps,
  scope: store.Scope,
  q: ListQuery,
): Promise<{ runs: BillRun[]; more: boolean }> => {
  const rows = await store.queryBillRuns(deps.db.read, scope, {
    filters: q.filters,
    sort: q.sort,
    offset: q.offset,
    limit: q.pageSize,
  });
  return { runs: rows.slice(0, q.pageSize).map(toBillRun), more: rows.length > q.pageSize };
};

/** At most this many failed accounts per page of `/folio/v1/bill-runs/{id}/errors`. */
export const ERRORS_PAGE_SIZE = 1000;

/**
 * The accounts a run could not bill and why (admin API; DESIGN.md "Long work"). Admin tokens see
 * every tenant, so the run is found by id alone.
 */
export const listBillRunErrors = async (
  deps: Deps,
  id: string,
  page: number,
): Promise<{ run: BillRun; errors: { accountId: string; message: string }[]; more: boolean }> => {
  const row = await store.findBillRunAnyTenant(deps.db.read, id);
  if (row === undefined) throw notFound('Bill run', id);
  const rows = await store.listFailedAccounts(
    deps.db.read,
    { tenantId: row.tenant_id, entityId: row.entity_id },
    id,
    ERRORS_PAGE_SIZE + 1,
    (page - 1) * ERRORS_PAGE_SIZE,
  );
  return {
    run: toBillRun(row),
    errors: rows
      .slice(0, ERRORS_PAGE_SIZE)
      .map((r) => ({ accountId: r.account_id, message: r.error ?? '' })),
    more: rows.length > ERRORS_PAGE_SIZE,
  };
};

/** A document a bill run made, as the console lists it. */
export interface BillRunDocument {
  documentType: 'Invoice' | 'CreditMemo';
  id: string;
  number: string;
  accountId: string;
  accountNumber: string;
  status: string;
  documentDate: string;
  amount: string;
  currency: string;
}

export const DOCUMENTS_PAGE_SIZE = 100;

/**
 * The invoices and credit memos a bill run of `tenantId` made, a page at a time in id order
 * (`GET /folio/v1/tenants/{tenantId}/bill-runs/{billRunId}/documents`). A run of another tenant
 * is not found.
 */
export const listBillRunDocuments = async (
  deps: Deps,
  tenantId: string,
  billRunId: string,
  page: number,
): Promise<{ run: BillRun; documents: BillRunDocument[]; more: boolean }> => {
  const row = await store.findBillRunAnyTenant(deps.db.read, billRunId);
  if (row === undefined || row.tenant_id !== tenantId) throw notFound('Bill run', billRunId);
  const scope = { tenantId, entityId: row.entity_id };
  const { invoiceIds, creditMemoIds } = await store.listRunDocuments(deps.db.read, scope, row.id);
  const all = [
    ...invoiceIds.map((id) => ({ type: 'Invoice' as const, id })),
    ...creditMemoIds.map((id) => ({ type: 'CreditMemo' as const, id })),
  ];
  const slice = all.slice((page - 1) * DOCUMENTS_PAGE_SIZE, page * DOCUMENTS_PAGE_SIZE);
  const invoices = await findInvoices(
    deps,
    scope,
    slice.filter((d) => d.type === 'Invoice').map((d) => d.id),
  );
  const memos = await findMemos(
    deps,
    scope,
    'CreditMemo',
    slice.filter((d) => d.type === 'CreditMemo').map((d) => d.id),
  );
  const byId = new Map<string, BillRunDocument>([
    ...invoices.map((i): [string, BillRunDocument] => [
      i.id,
      {
        documentType: 'Invoice',
        id: i.id,
        number: i.invoiceNumber,
        accountId: i.accountId,
        accountNumber: '',
        status: i.status,
        documentDate: i.invoiceDate,
        amount: i.amount,
        currency: i.currency,
      },
    ]),
    ...memos.map((m): [string, BillRunDocument] => [
      m.id,
      {
        documentType: 'CreditMemo',
        id: m.id,
        number: m.number,
        accountId: m.accountId,
        accountNumber: '',
        status: m.status,
        documentDate: m.memoDate,
        amount: m.amount,
        currency: m.currency,
      },
    ]),
  ]);
  const numbers = new Map(
    (
      await findAccountsByIds(deps, scope, [...new Set([...byId.values()].map((d) => d.accountId))])
    ).map((a) => [a.id, a.accountNumber]),
  );
  for (const d of byId.values()) d.accountNumber = numbers.get(d.accountId) ?? '';
  return {
    run: toBillRun(row),
    documents: slice.flatMap((d) => byId.get(d.id) ?? []),
    more: all.length > page * DOCUMENTS_PAGE_SIZE,
  };
};

/**
 * A run by id in any tenant, for the admin API's job controls (issue 12): its scope and status.
 * Read through the writer, so a control sees the state its own previous step committed.
 */
export const findBillRunForAdmin = async (
  deps: Deps,
  id: string,
): Promise<{ tenantId: string; entityId: string; status: BillRunStatus } | undefined> => {
  if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
  const r = await store.findBillRunScope(deps.db.db, id);
  return r === undefined
    ? undefined
    : { tenantId: r.tenant_id, entityId: r.entity_id, status: r.status as BillRunStatus };
};
