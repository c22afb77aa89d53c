/**
 * Bill-run routes (CONTRACT C3): the CRUD object API, the Bill Run API and the Object Query
 * listing, with the wire ⇄ domain mappers. No SQL here.
 */
import { createHash } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { AppError, invalid, missing, notFound, rule } from '../platform/errors.ts';
import {
  BillRunErrorsQuery,
  BillRunErrorsResponse,
  BillRunIdParams,
  BillRunKeyParams,
  BillRunResponse,
  CancelBillRunRequest,
  CancelBillRunResponse,
  CreateBillRunRequest,
  CrudBillRun,
  CrudCreateBillRunRequest,
  CrudGetQuery,
  CrudIdParams,
  CrudIdResponse,
  CrudModifyBillRunRequest,
  EmailBillRunRequest,
  ExpandedBillingRun,
  ObjectQueryKeyParams,
  ObjectQueryParams,
  OutboxQuery,
  OutboxResponse,
  PostBillRunRequest,
  QueryBillingRunsResponse,
  SuccessResponse,
} from './billruns.schemas.ts';
import {
  CHARGE_TYPES,
  cancelBillRun,
  createBillRun,
  deleteBillRun,
  emailBillRun,
  findBillRun,
  getBillRun,
  isDate,
  listBillRunErrors,
  listBillRuns,
  listOutbox,
  postBillRun,
  type Actor,
  type BillRun,
  type BillRunFilter,
  type ChargeType,
  type CreateBillRunInput,
} from './billruns.service.ts';
import {
  QUERY_COLUMNS,
  type QueryField,
  type QueryFilter,
  type QueryOp,
  type QuerySort,
} from './billruns.store.ts';

/** C2.2 resource codes of the bill-run operations. */
const RESOURCE = { create: '560100', cancel: '560200', post: '560300', emails: '560400' };

// Per OAuth client: a SHA-256 per request showed in the GET /v1/bill-runs/{id} profile.
const userIds = new Map<string, string>();
const actorOf = (request: FastifyRequest): Actor => {
  const p = request.principal!;
  // The user id Zuora's token scope names (`user.<32hex>`), derived as auth does (C1.2).
  let userId = userIds.get(p.clientId);
  if (userId === undefined) {
    userId = createHash('sha256').update(`user:${p.clientId}`).digest('hex').slice(0, 32);
    if (userIds.size >= 10_000) userIds.clear();
    userIds.set(p.clientId, userId);
  }
  return { tenantId: p.tenantId, entityId: p.entityId, userId };
};

// ---------------------------------------------------------------------------------------------
// Formats (C0.4): v1 REST `yyyy-MM-dd HH:mm:ss`, CRUD `yyyy-MM-ddTHH:mm:ss.SSS±hh:mm`, Object
// Query ISO 8601 with offset; all in the tenant time zone, UTC until tenants carry one.

const restTime = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');
const crudTime = (d: Date): string => `${d.toISOString().slice(0, 23)}+00:00`;
const oqTime = crudTime;

// ---------------------------------------------------------------------------------------------
// CRUD mappers.

/** C1.9: `X-Zuora-WSDL-Version`, default 79. */
const wsdlVersionOf = (request: FastifyRequest): number => {
  const h = request.headers['x-zuora-wsdl-version'];
  if (h === undefined) return 79;
  const v = Array.isArray(h) ? h[0]! : h;
  if (!/^\d{1,4}(\.0)?$/.test(v.trim()))
    throw new AppError('invalid', `Invalid X-Zuora-WSDL-Version: ${v.slice(0, 20)}`, {
      crudCode: 'INVALID_VERSION',
    });
  return Number.parseInt(v, 10);
};

/** A CRUD date, `yyyy-MM-dd` (C0.4). */
const crudDate = (v: string, field: string): string => {
  if (isDate(v)) return v;
  throw invalid(`Invalid value for field ${field}: ${v.slice(0, 40)}. Expected yyyy-MM-dd.`, field);
};

/** C7 #26: booleans also as the strings `true`/`false`. */
const crudBool = (v: boolean | string | undefined, field: string): boolean => {
  if (v === undefined) return false;
  if (typeof v === 'boolean') return v;
  const s = v.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw invalid(
    `Invalid value for field ${field}: ${v.slice(0, 20)}. Expected true or false.`,
    field,
  );
};

const BATCH = /^Batch([1-9]|[1-4]\d|50)$/;

/** `AllBatches`, or distinct `Batch1`…`Batch50` (C3.1, C3.2.1). */
const parseBatches = (values: string[], field: string): string[] => {
  const list = values.map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw invalid(`Invalid value for field ${field}: empty.`, field);
  if (list.includes('AllBatches')) {
    if (list.length > 1)
      throw invalid(
        `Invalid value for field ${field}: AllBatches cannot be combined with other batches.`,
        field,
      );
    return ['AllBatches'];
  }
  for (const b of list)
    if (!BATCH.test(b))
      throw invalid(
        `Invalid value for field ${field}: ${b.slice(0, 20)}. Expected AllBatches or Batch1 to Batch50.`,
        field,
      );
  if (new Set(list).size !== list.length)
    throw invalid(`Invalid value for field ${field}: a batch is listed twice.`, field);
  return list;
};

/** `AllBillCycleDays` or a day `1`–`31` (also `01`–`31`, C7 #26), stored without a leading zero. */
const parseBillCycleDay = (v: string, field: string, allowAsRunDay: boolean): string => {
  const s = v.trim();
  if (s === 'AllBillCycleDays') return s;
  if (s === 'AsRunDay') {
    if (allowAsRunDay) return s;
    throw invalid(
      `Invalid value for field ${field}: AsRunDay is allowed for scheduled bill runs only.`,
      field,
    );
  }
  if (/^(0?[1-9]|[12]\d|3[01])$/.test(s)) return String(Number(s));
  throw invalid(
    `Invalid value for field ${field}: ${s.slice(0, 32)}. Expected AllBillCycleDays or 1 to 31.`,
    field,
  );
};

const parseChargeTypes = (values: string[], field: string, max: number | null): ChargeType[] => {
  const list = values.map((s) => s.trim()).filter((s) => s !== '');
  for (const t of list)
    if (!(CHARGE_TYPES as readonly string[]).includes(t))
      throw invalid(
        `Invalid value for field ${field}: ${t.slice(0, 20)}. Expected OneTime, Recurring or Usage.`,
        field,
      );
  if (new Set(list).size !== list.length)
    throw invalid(`Invalid value for field ${field}: a charge type is listed twice.`, field);
  if (max !== null && list.length > max)
    throw invalid(
      `Invalid value for field ${field}: at most ${max} charge types can be excluded.`,
      field,
    );
  return list as ChargeType[];
};

/** C3.1 POST: the CRUD body as a creation, with the WSDL-version rules of `Batch`/`Batches`. */
export const fromZuoraCrudCreateBillRun = (
  body: CrudCreateBillRunRequest,
  wsdl: number,
): CreateBillRunInput => {
  if (body.Batch !== undefined && wsdl > 101)
    throw new AppError(
      'invalid',
      'Batch is supported only with X-Zuora-WSDL-Version 101 or earlier; use Batches.',
      {
        field: 'Batch',
        crudCode: 'INVALID_VERSION',
      },
    );
  if (body.Batches !== undefined && wsdl < 102)
    throw new AppError('invalid', 'Batches requires X-Zuora-WSDL-Version 102 or later.', {
      field: 'Batches',
      crudCode: 'INVALID_VERSION',
    });
  const invoiceDate = crudDate(body.InvoiceDate, 'InvoiceDate');
  const targetDate = crudDate(body.TargetDate, 'TargetDate');
  const rawBatches =
    body.Batch !== undefined
      ? [body.Batch]
      : body.Batches === undefined
        ? undefined
        : Array.isArray(body.Batches)
          ? body.Batches
          : body.Batches.split(',');
  const field = body.Batch !== undefined ? 'Batch' : 'Batches';
  const bcd = body.BillCycleDay === undefined ? undefined : String(body.BillCycleDay);
  const accountId = body.AccountId?.trim() === '' ? undefined : body.AccountId?.trim();
  let batches: string[] | null = null;
  let billCycleDay: string | null = null;
  if (accountId !== undefined) {
    if (rawBatches !== undefined || bcd !== undefined)
      throw invalid(
        'A single-account bill run (AccountId) cannot have Batch, Batches or BillCycleDay.',
        'AccountId',
      );
  } else {
    if (rawBatches === undefined && bcd === undefined)
      throw missing(wsdl >= 102 ? 'Batches' : 'Batch');
    batches = rawBatches === undefined ? ['AllBatches'] : parseBatches(rawBatches, field);
    billCycleDay =
      bcd === undefined ? 'AllBillCycleDays' : parseBillCycleDay(bcd, 'BillCycleDay', false);
  }
  return {
    origin: 'crud',
    name: null,
    accountId: accountId ?? null,
    batches,
    billCycleDay,
    billRunFilters: null,
    // C7 #27: no limit of 2 on CRUD; values distinct and from the enum.
    chargeTypeToExclude:
      body.ChargeTypeToExclude === undefined
        ? []
        : parseChargeTypes(body.ChargeTypeToExclude.split(','), 'ChargeTypeToExclude', null),
    invoiceDate,
    targetDate,
    autoEmail: crudBool(body.AutoEmail, 'AutoEmail'),
    autoPost: crudBool(body.AutoPost, 'AutoPost'),
    autoRenewal: crudBool(body.AutoRenewal, 'AutoRenewal'),
    noEmailForZeroAmountInvoice: crudBool(
      body.NoEmailForZeroAmountInvoice,
      'NoEmailForZeroAmountInvoice',
    ),
    includeSubscriptions: true,
    includeOrderLineItems: true,
    schedule: null,
    invoiceDateMonthOffset: null,
    invoiceDateDayOfMonth: null,
    targetDateMonthOffset: null,
    targetDateDayOfMonth: null,
  };
};

/** The seed's fields (C3.1 GET), in the seed's order; `Batch`/`Batches` by WSDL version. */
const CRUD_DEFAULT_FIELDS = [
  'Id',
  'AccountId',
  'AutoEmail',
  'AutoPost',
  'AutoRenewal',
  'Batch',
  'BillCycleDay',
  'BillRunNumber',
  'CreatedById',
  'CreatedDate',
  'NoEmailForZeroAmountInvoice',
  'ExecutedDate',
  'InvoiceDate',
  'InvoicesEmailed',
  'LastEmailSentTime',
  'NumberOfAccounts',
  'NumberOfInvoices',
  'Status',
  'TargetDate',
  'UpdatedById',
  'UpdatedDate',
] as const;
const CRUD_EXTRA_FIELDS = [
  'ChargeTypeToExclude',
  'ErrorMessage',
  'NumberOfCreditMemos',
  'PostedDate',
] as const;
type CrudField = keyof CrudBillRun;

const crudValues = (run: BillRun, wsdl: number): Record<CrudField, unknown> => {
  const batches = run.batches?.join(',') ?? null;
  return {
    Id: run.id,
    AccountId: run.accountId,
    AutoEmail: run.autoEmail,
    AutoPost: run.autoPost,
    AutoRenewal: run.autoRenewal,
    Batch: wsdl <= 101 ? batches : null,
    Batches: wsdl >= 102 ? batches : null,
    BillCycleDay:
      run.billCycleDay === null || !/^\d+$/.test(run.billCycleDay)
        ? run.billCycleDay
        : run.billCycleDay.padStart(2, '0'),
    BillRunNumber: run.number,
    ChargeTypeToExclude:
      run.chargeTypeToExclude.length === 0 ? null : run.chargeTypeToExclude.join(','),
    CreatedById: run.createdById,
    CreatedDate: crudTime(run.createdAt),
    ErrorMessage: run.errorMessage,
    ExecutedDate: run.executedAt === null ? null : crudTime(run.executedAt),
    InvoiceDate: run.invoiceDate,
    InvoicesEmailed: run.invoicesEmailed,
    LastEmailSentTime: run.lastEmailSentAt === null ? null : crudTime(run.lastEmailSentAt),
    NoEmailForZeroAmountInvoice: run.noEmailForZeroAmountInvoice,
    NumberOfAccounts: run.numberOfAccounts,
    NumberOfCreditMemos: run.numberOfCreditMemos,
    NumberOfInvoices: run.numberOfInvoices,
    PostedDate: run.postedAt === null ? null : crudTime(run.postedAt),
    Status: run.status,
    TargetDate: run.targetDate,
    UpdatedById: run.updatedById,
    UpdatedDate: crudTime(run.updatedAt),
  };
};

/** C3.1 GET: the seed fields (nulls omitted), or exactly the ones `fields=` names. */
export const toZuoraCrudBillRun = (
  run: BillRun,
  wsdl: number,
  fields: string | undefined,
): CrudBillRun => {
  const values = crudValues(run, wsdl);
  const byLower = new Map<string, CrudField>(
    (Object.keys(values) as CrudField[]).map((k) => [k.toLowerCase(), k]),
  );
  let names: CrudField[];
  if (fields === undefined || fields.trim() === '') {
    names = CRUD_DEFAULT_FIELDS.map((f) => (f === 'Batch' && wsdl >= 102 ? 'Batches' : f));
  } else {
    names = [];
    for (const raw of fields.split(',')) {
      const name = raw.trim();
      if (name === '') continue;
      let f = byLower.get(name.toLowerCase());
      // Batch and Batches are one field under two names, chosen by the WSDL version (C3.1).
      if (f === 'Batch' || f === 'Batches') f = wsdl >= 102 ? 'Batches' : 'Batch';
      if (
        f === undefined ||
        (!(CRUD_DEFAULT_FIELDS as readonly string[]).includes(f) &&
          f !== 'Batches' &&
          !(CRUD_EXTRA_FIELDS as readonly string[]).includes(f))
      )
        throw new AppError('unknown_field', `Invalid field name: ${name.slice(0, 40)}`, {
          field: 'fields',
        });
      names.push(f);
    }
  }
  const out: Record<string, unknown> = {};
  for (const n of names) if (values[n] !== null && values[n] !== undefined) out[n] = values[n];
  return out;
};

// ---------------------------------------------------------------------------------------------
// Bill Run API mappers.

/** C3.2.1 (and C3.2.2): the REST body as a creation. */
export const fromZuoraCreateBillRun = (body: CreateBillRunRequest): CreateBillRunInput => {
  const scheduled = body.schedule !== undefined;
  if (body.billRunType !== undefined && body.billRunType !== 'Regular') {
    if (body.billRunType === 'CatchUp') throw rule('Catch-up bill runs are not supported.');
    throw invalid(
      `Invalid value for field billRunType: ${body.billRunType}. Expected Regular.`,
      'billRunType',
    );
  }
  if (body.batches !== undefined && body.billRunFilters !== undefined)
    throw invalid('batches and billRunFilters cannot both be given.', 'batches');
  if (body.batches === undefined && body.billRunFilters === undefined) throw missing('batches');
  let batches: string[] | null = null;
  let billCycleDay: string | null = null;
  let filters: BillRunFilter[] | null = null;
  let accountId: string | null = null;
  if (body.batches !== undefined) {
    batches = parseBatches(body.batches, 'batches');
    billCycleDay =
      body.billCycleDay === undefined
        ? 'AllBillCycleDays'
        : parseBillCycleDay(body.billCycleDay, 'billCycleDay', scheduled);
  } else {
    const list = body.billRunFilters!;
    if (body.billCycleDay !== undefined)
      throw invalid('billCycleDay can be given only with batches.', 'billCycleDay');
    if (list.length === 0) throw missing('billRunFilters');
    if (list.some((f) => f.filterType === 'FilterCondition'))
      throw invalid('filterType FilterCondition is not supported.', 'billRunFilters.filterType');
    const types = new Set(list.map((f) => f.filterType));
    if (types.size > 1)
      throw invalid(
        'Account and Subscription filters cannot be mixed.',
        'billRunFilters.filterType',
      );
    const accounts = new Set(list.map((f) => f.accountId));
    if (accounts.size > 1)
      throw invalid(
        'Every bill run filter must have the same accountId.',
        'billRunFilters.accountId',
      );
    if (types.has('Account') && list.length > 1)
      throw invalid('An Account filter must be the only filter.', 'billRunFilters');
    if (types.has('Subscription')) {
      if (list.length > 50)
        throw invalid('At most 50 subscription filters can be given.', 'billRunFilters');
      if (list.some((f) => f.subscriptionId === undefined || f.subscriptionId === ''))
        throw missing('billRunFilters.subscriptionId');
    }
    accountId = list[0]!.accountId;
    filters = list.map((f) => ({
      accountId: f.accountId,
      filterType: f.filterType as 'Account' | 'Subscription',
      subscriptionId: f.subscriptionId ?? null,
      objectType: f.objectType ?? null,
    }));
  }
  if (!scheduled && body.targetDate === undefined) throw missing('targetDate');
  const monthlyPair = (m: number | undefined, d: number | undefined, name: string) => {
    if (m === undefined && d === undefined) return;
    if (m === undefined || d === undefined)
      throw missing(m === undefined ? `${name}MonthOffset` : `${name}DayOfMonth`);
    if (body.schedule?.repeatType !== 'Monthly')
      throw invalid(
        `${name}MonthOffset and ${name}DayOfMonth apply to Monthly schedules only.`,
        `${name}MonthOffset`,
      );
  };
  monthlyPair(body.invoiceDateMonthOffset, body.invoiceDateDayOfMonth, 'invoiceDate');
  monthlyPair(body.targetDateMonthOffset, body.targetDateDayOfMonth, 'targetDate');
  const s = body.schedule;
  if (s !== undefined) {
    if (s.repeatType === 'Weekly' && (s.weeklyOnDay === undefined || s.weeklyOnDay.length === 0))
      throw missing('schedule.weeklyOnDay');
    if (s.repeatType !== 'Weekly' && s.weeklyOnDay !== undefined)
      throw invalid(
        'schedule.weeklyOnDay applies to Weekly schedules only.',
        'schedule.weeklyOnDay',
      );
    if (s.repeatType !== 'Monthly' && s.monthlyOnEndOfMonth !== undefined)
      throw invalid(
        'schedule.monthlyOnEndOfMonth applies to Monthly schedules only.',
        'schedule.monthlyOnEndOfMonth',
      );
  }
  return {
    origin: 'rest',
    name: body.name ?? null,
    accountId,
    batches,
    billCycleDay,
    billRunFilters: filters,
    chargeTypeToExclude: parseChargeTypes(body.chargeTypeToExclude ?? [], 'chargeTypeToExclude', 2),
    invoiceDate: body.invoiceDate ?? null,
    targetDate: body.targetDate ?? null,
    autoEmail: body.autoEmail ?? false,
    autoPost: body.autoPost ?? false,
    autoRenewal: body.autoRenewal ?? false,
    noEmailForZeroAmountInvoice: body.noEmailForZeroAmountInvoice ?? false,
    includeSubscriptions: body.includeSubscriptions ?? true,
    includeOrderLineItems: body.includeOrderLineItems ?? true,
    schedule:
      s === undefined
        ? null
        : {
            repeatFrom: s.repeatFrom,
            repeatTo: s.repeatTo ?? null,
            repeatType: s.repeatType,
            runTime: s.runTime,
            weeklyOnDay: s.weeklyOnDay ?? null,
            monthlyOnEndOfMonth: s.monthlyOnEndOfMonth ?? null,
          },
    invoiceDateMonthOffset: body.invoiceDateMonthOffset ?? null,
    invoiceDateDayOfMonth: body.invoiceDateDayOfMonth ?? null,
    targetDateMonthOffset: body.targetDateMonthOffset ?? null,
    targetDateDayOfMonth: body.targetDateDayOfMonth ?? null,
  };
};

/** `GetBillRunResponseType` without `success`: every field, null when unset (C3.2). */
export const toZuoraBillRun = (run: BillRun) => ({
  id: run.id,
  billRunNumber: run.number,
  name: run.name,
  status: run.status,
  autoEmail: run.autoEmail,
  autoPost: run.autoPost,
  autoRenewal: run.autoRenewal,
  noEmailForZeroAmountInvoice: run.noEmailForZeroAmountInvoice,
  includeSubscriptions: run.includeSubscriptions,
  includeOrderLineItems: run.includeOrderLineItems,
  batches: run.batches,
  billCycleDay: run.billCycleDay,
  billRunFilters: run.billRunFilters,
  chargeTypeToExclude: run.chargeTypeToExclude.length === 0 ? null : run.chargeTypeToExclude,
  invoiceDate: run.invoiceDate,
  targetDate: run.targetDate,
  invoiceDateOffset: run.invoiceDateOffset,
  invoiceDateMonthOffset: run.invoiceDateMonthOffset,
  invoiceDateDayOfMonth: run.invoiceDateDayOfMonth,
  targetDateOffset: run.targetDateOffset,
  targetDateMonthOffset: run.targetDateMonthOffset,
  targetDateDayOfMonth: run.targetDateDayOfMonth,
  schedule: run.schedule,
  scheduledExecutionTime:
    run.scheduledExecutionTime === null ? null : restTime(run.scheduledExecutionTime),
  organizationLabels: null,
  createdById: run.createdById,
  createdDate: restTime(run.createdAt),
  updatedById: run.updatedById,
  updatedDate: restTime(run.updatedAt),
});

// ---------------------------------------------------------------------------------------------
// Object Query (C3.2.8).

/** `ExpandedBillingRun` with every field, nulls included; the route drops what was not asked. */
export const toExpandedBillingRun = (run: BillRun): Record<string, unknown> => ({
  id: run.id,
  createdById: run.createdById,
  createdDate: oqTime(run.createdAt),
  updatedById: run.updatedById,
  updatedDate: oqTime(run.updatedAt),
  billingRunNumber: run.number,
  billingRunType: 'Regular',
  endDate: run.endedAt === null ? null : oqTime(run.endedAt),
  errorMessage: run.errorMessage,
  executedDate: run.executedAt === null ? null : oqTime(run.executedAt),
  invoiceDate: run.invoiceDate,
  name: run.name,
  numberOfAccounts: run.numberOfAccounts,
  numberOfInvoices: run.numberOfInvoices,
  numberOfCreditMemos: run.numberOfCreditMemos,
  postedDate: run.postedAt === null ? null : oqTime(run.postedAt),
  startDate: run.executedAt === null ? null : oqTime(run.executedAt),
  status: run.status,
  targetDate: run.targetDate,
  targetType: run.accountId !== null ? 'SingleAccount' : 'AllAccount',
  totalTime:
    run.executedAt !== null && run.endedAt !== null
      ? run.endedAt.getTime() - run.executedAt.getTime()
      : null,
  accountId: run.accountId,
  batches: run.batches,
  // C7 #29: numeric days are emitted as strings, ignoring the spec's two-value enum.
  billCycleDay: run.billCycleDay,
  noEmailForZeroAmountInvoice: run.noEmailForZeroAmountInvoice,
  autoEmail: run.autoEmail,
  autoPost: run.autoPost,
  autoRenewal: run.autoRenewal,
  invoicesEmailed: run.invoicesEmailed,
  lastEmailSentTime: run.lastEmailSentAt === null ? null : oqTime(run.lastEmailSentAt),
  targetDateOffSet: run.targetDateOffset,
  invoiceDateOffSet: run.invoiceDateOffset,
  chargeTypeToExclude:
    run.chargeTypeToExclude.length === 0 ? null : run.chargeTypeToExclude.join(','),
  scheduledExecutionTime:
    run.scheduledExecutionTime === null ? null : oqTime(run.scheduledExecutionTime),
  repeatType: run.schedule?.repeatType ?? null,
  repeatFrom: run.schedule?.repeatFrom ?? null,
  repeatTo: run.schedule?.repeatTo ?? null,
  runTime: run.schedule?.runTime ?? null,
  timeZone: run.schedule === null ? null : 'UTC',
  monthlyOnDay:
    run.schedule?.repeatType === 'Monthly'
      ? run.schedule.monthlyOnEndOfMonth === true
        ? 'EndOfMonth'
        : String(Number(run.schedule.repeatFrom.slice(8, 10)))
      : null,
  weeklyOnDay: run.schedule?.weeklyOnDay?.join(',') ?? null,
  includeSubscriptions: run.includeSubscriptions,
  includeOrderLineItems: run.includeOrderLineItems,
});

const EXPANDED_FIELDS = Object.keys(ExpandedBillingRun.properties);
const badQuery = (message: string): AppError => new AppError('bad_query', message);
const listOf = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

const NUMERIC: readonly QueryField[] = [
  'numberofaccounts',
  'numberofinvoices',
  'numberofcreditmemos',
];
const TIMES: readonly QueryField[] = ['updateddate', 'executeddate'];

const filterValue = (field: QueryField, raw: string): string | number | null => {
  if (raw === 'null') return null;
  if (NUMERIC.includes(field)) {
    if (!/^-?\d{1,15}$/.test(raw))
      throw badQuery(`Invalid filter value for ${field}: ${raw.slice(0, 40)}`);
    return Number(raw);
  }
  if (TIMES.includes(field)) {
    const t = Date.parse(raw);
    if (Number.isNaN(t)) throw badQuery(`Invalid filter value for ${field}: ${raw.slice(0, 40)}`);
    return new Date(t).toISOString();
  }
  return raw;
};

/** `field.OP:value` (EQ NE LT GT SW IN; LE GE as a Folio extension, C3.2.8). */
export const parseFilter = (s: string): QueryFilter => {
  const m = /^([A-Za-z]+)\.([A-Za-z]{2}):(.*)$/s.exec(s);
  if (m === null) throw badQuery(`Invalid filter: ${s.slice(0, 60)}. Expected field.OP:value.`);
  const field = m[1]!.toLowerCase() as QueryField;
  const op = m[2]!.toUpperCase() as QueryOp;
  if (!(field in QUERY_COLUMNS))
    throw badQuery(`Field ${m[1]!.slice(0, 40)} cannot be filtered on.`);
  if (!['EQ', 'NE', 'LT', 'GT', 'LE', 'GE', 'SW', 'IN'].includes(op))
    throw badQuery(`Invalid filter operator: ${m[2]!}.`);
  const raw = m[3]!;
  if (op === 'IN') {
    const inner = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
    const values = inner.split(',').map((v) => filterValue(field, v.trim()));
    if (values.length === 0 || values.length > 100) throw badQuery('IN takes 1 to 100 values.');
    return { field, op, values };
  }
  const v = filterValue(field, raw);
  if (v === null && op !== 'EQ' && op !== 'NE')
    throw badQuery(`null can be compared with EQ or NE only.`);
  if (op === 'SW' && typeof v !== 'string') throw badQuery(`SW applies to text fields only.`);
  return { field, op, values: [v] };
};

const parseSort = (s: string): QuerySort => {
  const m = /^([A-Za-z]+)\.(ASC|DESC)$/i.exec(s);
  if (m === null)
    throw badQuery(`Invalid sort: ${s.slice(0, 60)}. Expected field.ASC or field.DESC.`);
  const field = m[1]!.toLowerCase() as QueryField;
  if (!(field in QUERY_COLUMNS)) throw badQuery(`Field ${m[1]!.slice(0, 40)} cannot be sorted on.`);
  return { field, desc: m[2]!.toUpperCase() === 'DESC' };
};

interface ParsedQuery {
  pageSize: number;
  offset: number;
  filters: QueryFilter[];
  sort: QuerySort[];
  fields: string[] | null;
  includeNullFields: boolean;
}

const parseObjectQuery = (q: ObjectQueryParams): ParsedQuery => {
  if (listOf(q['expand[]']).some((e) => e.trim() !== ''))
    throw badQuery('expand[] is not supported for billing runs.');
  let pageSize = 10;
  if (q.pageSize !== undefined) {
    if (!/^\d{1,2}$/.test(q.pageSize) || Number(q.pageSize) < 1)
      throw badQuery('pageSize must be an integer from 1 to 99.');
    pageSize = Number(q.pageSize);
  }
  let offset = 0;
  if (q.cursor !== undefined && q.cursor !== '') {
    const decoded = Buffer.from(q.cursor, 'base64url').toString('utf8');
    if (!/^o:\d{1,9}$/.test(decoded)) throw badQuery('Invalid cursor.');
    offset = Number(decoded.slice(2));
  }
  let includeNullFields = false;
  if (q.includeNullFields !== undefined) {
    if (q.includeNullFields !== 'true' && q.includeNullFields !== 'false')
      throw badQuery('includeNullFields must be true or false.');
    includeNullFields = q.includeNullFields === 'true';
  }
  const byLower = new Map(EXPANDED_FIELDS.map((f) => [f.toLowerCase(), f]));
  const fieldNames = listOf(q['fields[]'])
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const fields = fieldNames.map((f) => {
    const name = byLower.get(f.toLowerCase());
    if (name === undefined) throw badQuery(`Unknown field in fields[]: ${f.slice(0, 40)}`);
    return name;
  });
  return {
    pageSize,
    offset,
    filters: listOf(q['filter[]']).map(parseFilter),
    sort: listOf(q['sort[]']).map(parseSort),
    fields: fields.length === 0 ? null : fields,
    includeNullFields,
  };
};

const shapeExpanded = (run: BillRun, q: ParsedQuery): Record<string, unknown> => {
  const all = toExpandedBillingRun(run);
  const out: Record<string, unknown> = {};
  for (const k of q.fields ?? EXPANDED_FIELDS) {
    const v = all[k];
    if (v !== null || q.includeNullFields) out[k] = v;
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Routes.

/** A status read: a poll, which may move a run held by lifecycle control (issue 12, mode `polls`). */
const pollBillRun = async (deps: Deps, actor: Actor, key: string): Promise<BillRun> => {
  const run = await getBillRun(deps, actor, key);
  return (await deps.jobControl.polled(actor.tenantId, run.id))
    ? getBillRun(deps, actor, run.id)
    : run;
};

export const billrunsRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const crudTags = ['Bill Run (CRUD)'];
  const restTags = ['Bill Run'];

  r.post(
    '/v1/object/bill-run',
    {
      config: { zuoraResource: RESOURCE.create },
      schema: {
        operationId: 'Object_POSTBillRun',
        summary: 'CRUD: Create a bill run',
        tags: crudTags,
        body: CrudCreateBillRunRequest,
        response: { 200: CrudIdResponse },
      },
    },
    async (request) => {
      const input = fromZuoraCrudCreateBillRun(request.body, wsdlVersionOf(request));
      const run = await createBillRun(deps, actorOf(request), input);
      return { Success: true, Id: run.id };
    },
  );

  r.get(
    '/v1/object/bill-run/:id',
    {
      schema: {
        operationId: 'Object_GETBillRun',
        summary: 'CRUD: Retrieve a bill run',
        tags: crudTags,
        params: CrudIdParams,
        querystring: CrudGetQuery,
        response: { 200: CrudBillRun },
      },
    },
    async (request) => {
      const wsdl = wsdlVersionOf(request);
      const run = await pollBillRun(deps, actorOf(request), request.params.id);
      return toZuoraCrudBillRun(run, wsdl, request.query.fields);
    },
  );

  r.put(
    '/v1/object/bill-run/:id',
    {
      schema: {
        operationId: 'Object_PUTBillRun',
        summary: 'CRUD: Post or cancel a bill run',
        tags: crudTags,
        params: CrudIdParams,
        body: CrudModifyBillRunRequest,
        response: { 200: CrudIdResponse },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { Status, InvoiceDate } = request.body;
      if (Status !== 'Posted' && Status !== 'Canceled')
        throw invalid(
          `Invalid value for field Status: ${Status.slice(0, 20)}. Expected Posted or Canceled.`,
          'Status',
        );
      if (InvoiceDate !== undefined && Status !== 'Posted')
        throw invalid('InvoiceDate can be given only with Status Posted.', 'InvoiceDate');
      const invoiceDate = InvoiceDate === undefined ? null : crudDate(InvoiceDate, 'InvoiceDate');
      const run =
        Status === 'Posted'
          ? await postBillRun(deps, actor, request.params.id, { api: 'crud', invoiceDate })
          : // C7 #13: a CRUD cancel of a scheduled run cancels the whole schedule.
            (
              await cancelBillRun(deps, actor, request.params.id, {
                api: 'crud',
                cancelOnce: false,
              })
            ).run;
      return { Success: true, Id: run.id };
    },
  );

  r.delete(
    '/v1/object/bill-run/:id',
    {
      schema: {
        operationId: 'Object_DELETEBillRun',
        summary: 'CRUD: Delete a bill run',
        tags: crudTags,
        params: CrudIdParams,
        response: { 200: CrudIdResponse },
      },
    },
    async (request) => {
      const run = await deleteBillRun(deps, actorOf(request), request.params.id, { api: 'crud' });
      // C7 #28: the example's capitalised keys.
      return { Success: true, Id: run.id };
    },
  );

  r.post(
    '/v1/bill-runs',
    {
      config: { zuoraResource: RESOURCE.create },
      schema: {
        operationId: 'POST_CreateBillRun',
        summary: 'Create a bill run',
        tags: restTags,
        body: CreateBillRunRequest,
        response: { 200: BillRunResponse },
      },
    },
    async (request) => {
      const run = await createBillRun(deps, actorOf(request), fromZuoraCreateBillRun(request.body));
      return { ...toZuoraBillRun(run), success: true };
    },
  );

  r.get(
    '/v1/bill-runs/:billRunId',
    {
      schema: {
        operationId: 'GET_BillRun',
        summary: 'Retrieve a bill run',
        tags: restTags,
        params: BillRunIdParams,
        response: { 200: BillRunResponse },
      },
    },
    async (request) => {
      const run = await pollBillRun(deps, actorOf(request), request.params.billRunId);
      return { ...toZuoraBillRun(run), success: true };
    },
  );

  r.delete(
    '/v1/bill-runs/:billRunId',
    {
      schema: {
        operationId: 'DELETE_DeleteBillRun',
        summary: 'Delete a bill run',
        tags: restTags,
        params: BillRunIdParams,
        response: { 200: BillRunResponse },
      },
    },
    async (request) => {
      const run = await deleteBillRun(deps, actorOf(request), request.params.billRunId, {
        api: 'rest',
      });
      return { ...toZuoraBillRun(run), success: true };
    },
  );

  r.put(
    '/v1/bill-runs/:billRunId/cancel',
    {
      config: { zuoraResource: RESOURCE.cancel },
      schema: {
        operationId: 'PUT_CancelBillRun',
        summary: 'Cancel a bill run',
        tags: restTags,
        params: BillRunIdParams,
        body: CancelBillRunRequest,
        response: { 200: CancelBillRunResponse },
      },
    },
    async (request) => {
      const { run, nextRun } = await cancelBillRun(
        deps,
        actorOf(request),
        request.params.billRunId,
        {
          api: 'rest',
          cancelOnce: request.body.cancelOnce ?? true,
        },
      );
      return {
        ...toZuoraBillRun(run),
        nextRun: nextRun === null ? null : toZuoraBillRun(nextRun),
        success: true,
      };
    },
  );

  r.put(
    '/v1/bill-runs/:billRunId/post',
    {
      config: { zuoraResource: RESOURCE.post },
      schema: {
        operationId: 'PUT_PostBillRun',
        summary: 'Post a bill run',
        tags: restTags,
        params: BillRunIdParams,
        body: PostBillRunRequest,
        response: { 200: BillRunResponse },
      },
    },
    async (request) => {
      const run = await postBillRun(deps, actorOf(request), request.params.billRunId, {
        api: 'rest',
        invoiceDate: request.body.invoiceDate,
      });
      return { ...toZuoraBillRun(run), success: true };
    },
  );

  r.post(
    '/v1/bill-runs/:billRunKey/emails',
    {
      config: { zuoraResource: RESOURCE.emails },
      schema: {
        operationId: 'POST_EmailBillingDocumentsfromBillRun',
        summary: 'Email billing documents generated from a bill run',
        tags: restTags,
        params: BillRunKeyParams,
        body: EmailBillRunRequest,
        response: { 200: SuccessResponse },
      },
    },
    async (request) => {
      await emailBillRun(deps, actorOf(request), request.params.billRunKey, {
        resend: request.body.resend ?? false,
      });
      return { success: true };
    },
  );

  r.get(
    '/object-query/billing-runs',
    {
      schema: {
        operationId: 'queryBillingRuns',
        summary: 'List bill runs',
        tags: ['Object Queries'],
        querystring: ObjectQueryParams,
        response: { 200: QueryBillingRunsResponse },
      },
    },
    async (request) => {
      const q = parseObjectQuery(request.query);
      const { runs, more } = await listBillRuns(deps, actorOf(request), q);
      return {
        nextPage: more ? Buffer.from(`o:${q.offset + q.pageSize}`).toString('base64url') : null,
        data: runs.map((run) => shapeExpanded(run, q)),
      };
    },
  );

  r.get(
    '/object-query/billing-runs/:key',
    {
      schema: {
        operationId: 'queryBillingRunByKey',
        summary: 'Retrieve a bill run',
        tags: ['Object Queries'],
        params: ObjectQueryKeyParams,
        querystring: ObjectQueryParams,
        response: { 200: ExpandedBillingRun },
      },
    },
    async (request) => {
      const q = parseObjectQuery(request.query);
      const run = await findBillRun(deps, actorOf(request), request.params.key);
      if (run === undefined) throw notFound('Billing run', request.params.key);
      return shapeExpanded(run, q);
    },
  );

  r.get(
    '/folio/v1/bill-runs/:billRunId/errors',
    {
      schema: {
        operationId: 'folioListBillRunErrors',
        summary: 'Accounts a bill run could not bill, with their reasons (Folio admin API)',
        tags: ['Folio admin'],
        params: BillRunIdParams,
        querystring: BillRunErrorsQuery,
        response: { 200: BillRunErrorsResponse },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const { run, errors, more } = await listBillRunErrors(deps, request.params.billRunId, page);
      return {
        billRunId: run.id,
        billRunNumber: run.number,
        status: run.status,
        errorMessage: run.errorMessage,
        errors,
        nextPage: more ? page + 1 : null,
        success: true,
      };
    },
  );

  r.get(
    '/folio/v1/outbox',
    {
      schema: {
        operationId: 'folioListOutbox',
        summary: 'Invoice emails recorded instead of sent (Folio admin API)',
        tags: ['Folio admin'],
        querystring: OutboxQuery,
        response: { 200: OutboxResponse },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const { emails, more } = await listOutbox(deps, {
        ...(request.query.tenantId === undefined ? {} : { tenantId: request.query.tenantId }),
        ...(request.query.billRunId === undefined ? {} : { billRunId: request.query.billRunId }),
        page,
      });
      return {
        emails: emails.map(({ createdAt, sentAt, ...e }) => ({
          ...e,
          createdDate: restTime(createdAt),
          sentDate: sentAt === null ? null : restTime(sentAt),
        })),
        nextPage: more ? page + 1 : null,
        success: true,
      };
    },
  );
};
