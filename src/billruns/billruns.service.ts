/**
 * Bill runs (CONTRACT C3): creation with the shared rules of both APIs, reads, and every status
 * change through the one state machine of C3.3 (`transition`).
 */
import { AppError, invalid, notFound, rule } from '../platform/errors.ts';
import { toIso } from '../platform/clock.ts';
import type { Deps } from '../deps.ts';
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

export const addDays = (date: string, days: number): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

const daysInMonth = (y: number, m0: number): number =>
  new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate();

/** The date `months` months after `date`, on `day` (31 = month end, clamped to the month). */
export const monthDay = (date: string, months: number, day: number): string => {
  const y = Number(date.slice(0, 4));
  const m0 = Number(date.slice(5, 7)) - 1 + months;
  const yy = y + Math.floor(m0 / 12);
  const mm = ((m0 % 12) + 12) % 12;
  const dd = Math.min(day, daysInMonth(yy, mm));
  return `${yy}-${String(mm + 1).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
};

const daysBetween = (a: string, b: string): number =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

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
    return toBillRun(row);
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
const reload = async (deps: Deps, scope: store.Scope, id: string): Promise<BillRun> => {
  const row = await store.findBillRun(deps.db.db, scope, id);
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
    const now = await reload(deps, actor, run.id);
    mustTransition(now, action, api);
    throw new AppError('busy', `The bill run ${run.number} changed meanwhile; try again.`);
  }
};

export interface CancelResult {
  run: BillRun;
  nextRun: BillRun | null;
}

/**
 * Cancel (C3.2.4, CRUD PUT `Canceled`): `CancelInProgress`, then `Canceled` when its documents
 * are canceled. For a scheduled run, `cancelOnce` true creates the next occurrence; false (and the
 * CRUD API, C7 #13) ends the schedule, canceling its other Pending occurrences.
 */
export const cancelBillRun = async (
  deps: Deps,
  actor: Actor,
  key: string,
  opts: { api: Api; cancelOnce: boolean },
): Promise<CancelResult> => {
  const run = await getBillRun(deps, actor, key);
  await applyTransition(deps, actor, run, 'cancel', opts.api);
  const inProgress = await reload(deps, actor, run.id);
  let nextRun: BillRun | null = null;
  if (run.schedule !== null && run.status === 'Pending' && opts.cancelOnce) {
    nextRun = (await createNextOccurrence(deps, actor, run)) ?? null;
  }
  await finishCancel(deps, actor, run.id);
  return { run: inProgress, nextRun };
};

/**
 * Ends a cancel: `CancelInProgress` → `Canceled`.
 * TODO(billing engine): cancel the run's Draft documents and roll back chargedThroughDate
 * (C3.4.7) once the billing capability lands; then this becomes the `billruns.cancel` task.
 */
export const finishCancel = async (deps: Deps, actor: Actor, id: string): Promise<void> => {
  const run = await reload(deps, actor, id);
  await applyTransition(deps, actor, run, 'cancelDone', 'rest');
};

/** Creates the occurrence after `run` of its schedule, `Pending`, or returns undefined at the end. */
export const createNextOccurrence = async (
  deps: Deps,
  actor: Actor,
  run: BillRun,
): Promise<BillRun | undefined> => {
  if (run.schedule === null || run.scheduledExecutionTime === null) return undefined;
  const day = nextOccurrenceDay(run.schedule, toIso(run.scheduledExecutionTime).slice(0, 10));
  if (day === undefined) return undefined;
  const dates = occurrenceDates(run, day);
  const now = toIso(deps.clock.now(actor.tenantId));
  const id = deps.ids.id();
  return deps.db.db.transaction().execute(async (tx) => {
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
      scheduled_execution_time: executionTime(day, run.schedule!.runTime),
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
    return toBillRun(row);
  });
};

/**
 * Post (C3.2.5, CRUD PUT `Posted`): `PostInProgress`, then `Posted`. `invoiceDate` replaces the
 * run's invoice date (documents get it and a recomputed due date).
 * TODO(billing engine): post the Draft documents through the billing capability's posting
 * function (C3.4.7) once it lands; then the second step becomes the `billruns.post` task.
 */
export const postBillRun = async (
  deps: Deps,
  actor: Actor,
  key: string,
  opts: { api: Api; invoiceDate: string | null },
): Promise<BillRun> => {
  const run = await getBillRun(deps, actor, key);
  await applyTransition(deps, actor, run, 'post', opts.api, {
    ...(opts.invoiceDate === null ? {} : { invoice_date: opts.invoiceDate }),
  });
  const inProgress = await reload(deps, actor, run.id);
  await finishPost(deps, actor, run.id);
  return inProgress;
};

export const finishPost = async (deps: Deps, actor: Actor, id: string): Promise<void> => {
  const run = await reload(deps, actor, id);
  await applyTransition(deps, actor, run, 'postDone', 'rest', {
    posted_at: toIso(deps.clock.now(actor.tenantId)),
  });
};

/**
 * Delete (C3.1 DELETE, C3.2.6): `RemoveInProgress`, then the run and its documents are gone.
 * TODO(billing engine): remove the run's documents once the billing capability lands.
 */
export const deleteBillRun = async (
  deps: Deps,
  actor: Actor,
  key: string,
  opts: { api: Api },
): Promise<BillRun> => {
  const run = await getBillRun(deps, actor, key);
  await applyTransition(deps, actor, run, 'delete', opts.api);
  const inProgress = await reload(deps, actor, run.id);
  await store.deleteBillRun(deps.db.db, actor, run.id);
  return inProgress;
};

/**
 * Emails of a run's posted documents (C3.2.7): recorded, not sent. A run without posted documents
 * is refused (cat30).
 * TODO(billing engine): record per invoice `lastEmailSentDate` and honour `resend` and
 * `noEmailForZeroAmountInvoice` per document once invoices exist.
 */
export const emailBillRun = async (
  deps: Deps,
  actor: Actor,
  key: string,
  _opts: { resend: boolean },
): Promise<void> => {
  const run = await getBillRun(deps, actor, key);
  const r = transition(run.status, 'email', 'rest', `The bill run ${run.number}`);
  const posted = run.status === 'Posted' ? run.numberOfInvoices + run.numberOfCreditMemos : 0;
  if (!r.ok && r.error.kind === 'busy') throw r.error;
  if (!r.ok || posted === 0)
    throw rule(`The bill run ${run.number} has no posted documents to email.`);
  const now = toIso(deps.clock.now(actor.tenantId));
  await applyTransition(deps, actor, run, 'email', 'rest', {
    invoices_emailed: 1,
    last_email_sent_at: now,
  });
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
