/**
 * Wire schemas of bill runs with Zuora's exact names (CONTRACT C3): the CRUD object
 * (`ProxyCreateBillRun`, `ProxyGetBillRun`, `ProxyModifyBillRun` of the older CRUD spec), the Bill
 * Run API (`POSTCreateBillRunRequestType`, `GetBillRunResponseType`, …) and Object Query
 * (`ExpandedBillingRun`).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** A field that is `null` when unset (C3.2: the object always carries every field). */
const Nullable = <T extends TSchema>(t: T) =>
  Type.Unsafe<Static<T> | null>({ ...t, nullable: true });

/** A string enum as one `{type, enum}` schema (nullable-friendly, and how Zuora's spec writes enums). */
const StringEnum = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });

const STATUS = StringEnum([
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
] as const);
const CHARGE_TYPE = StringEnum(['OneTime', 'Recurring', 'Usage'] as const);
const WEEK_DAY = StringEnum(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const);
const REPEAT_TYPE = StringEnum(['None', 'Daily', 'Weekly', 'Monthly'] as const);
const DATE = Type.String({ format: 'date', examples: ['2026-03-01'] });
const DATE_TIME = Type.String({ format: 'date-time' });

// ---------------------------------------------------------------------------------------------
// CRUD (`/v1/object/bill-run`).

/**
 * `ProxyCreateBillRun`. Booleans also come as the strings `"true"`/`"false"` and `BillCycleDay`
 * as `1`–`31` or `01`–`31` (C7 #26); `Batches` as a comma list or an array (C3.1). The route
 * checks the values, so wrong ones get CRUD's own messages.
 */
export const CrudCreateBillRunRequest = Type.Object(
  {
    InvoiceDate: Type.String({ maxLength: 29, examples: ['2026-03-01'] }),
    TargetDate: Type.String({ maxLength: 29, examples: ['2026-03-01'] }),
    AccountId: Type.Optional(Type.String({ maxLength: 32 })),
    AutoEmail: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
    AutoPost: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
    AutoRenewal: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
    NoEmailForZeroAmountInvoice: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
    Batch: Type.Optional(Type.String({ maxLength: 20, examples: ['Batch1'] })),
    Batches: Type.Optional(
      Type.Union([Type.String({ maxLength: 400 }), Type.Array(Type.String(), { maxItems: 50 })]),
    ),
    BillCycleDay: Type.Optional(
      Type.Union([Type.String({ maxLength: 32 }), Type.Integer()], { examples: ['01'] }),
    ),
    ChargeTypeToExclude: Type.Optional(Type.String({ maxLength: 50, examples: ['OneTime,Usage'] })),
  },
  { additionalProperties: true },
);
export type CrudCreateBillRunRequest = Static<typeof CrudCreateBillRunRequest>;

/** `ProxyModifyBillRun`. */
export const CrudModifyBillRunRequest = Type.Object(
  {
    Status: Type.String({ maxLength: 20, examples: ['Posted'] }),
    InvoiceDate: Type.Optional(Type.String({ maxLength: 29 })),
  },
  { additionalProperties: true },
);
export type CrudModifyBillRunRequest = Static<typeof CrudModifyBillRunRequest>;

/** `ProxyCreateOrModifyResponse`; also the DELETE success body with capitalised keys (C7 #28). */
export const CrudIdResponse = Type.Object({ Success: Type.Boolean(), Id: Type.String() });

/**
 * `ProxyGetBillRun` plus the fields `fields=` may name (C3.1). Every field is optional: by default
 * the seed's fields with nulls omitted.
 */
export const CrudBillRun = Type.Object({
  Id: Type.Optional(Type.String()),
  AccountId: Type.Optional(Type.String()),
  AutoEmail: Type.Optional(Type.Boolean()),
  AutoPost: Type.Optional(Type.Boolean()),
  AutoRenewal: Type.Optional(Type.Boolean()),
  Batch: Type.Optional(Type.String()),
  Batches: Type.Optional(Type.String()),
  BillCycleDay: Type.Optional(Type.String()),
  BillRunNumber: Type.Optional(Type.String()),
  ChargeTypeToExclude: Type.Optional(Type.String()),
  CreatedById: Type.Optional(Type.String()),
  CreatedDate: Type.Optional(DATE_TIME),
  ErrorMessage: Type.Optional(Type.String()),
  ExecutedDate: Type.Optional(DATE_TIME),
  InvoiceDate: Type.Optional(DATE),
  InvoicesEmailed: Type.Optional(Type.Boolean()),
  LastEmailSentTime: Type.Optional(DATE_TIME),
  NoEmailForZeroAmountInvoice: Type.Optional(Type.Boolean()),
  NumberOfAccounts: Type.Optional(Type.Integer()),
  NumberOfCreditMemos: Type.Optional(Type.Integer()),
  NumberOfInvoices: Type.Optional(Type.Integer()),
  PostedDate: Type.Optional(DATE_TIME),
  Status: Type.Optional(STATUS),
  TargetDate: Type.Optional(DATE),
  UpdatedById: Type.Optional(Type.String()),
  UpdatedDate: Type.Optional(DATE_TIME),
});
export type CrudBillRun = Static<typeof CrudBillRun>;

export const CrudIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export const CrudGetQuery = Type.Object({
  fields: Type.Optional(Type.String({ maxLength: 2000, description: 'Object fields to return' })),
});

// ---------------------------------------------------------------------------------------------
// Bill Run API (`/v1/bill-runs`).

const FilterRequest = Type.Object({
  accountId: Type.String({ maxLength: 64 }),
  filterType: StringEnum(['Account', 'Subscription', 'FilterCondition'] as const),
  condition: Type.Optional(Type.Unknown()),
  objectType: Type.Optional(StringEnum(['Account', 'Subscription', 'RatePlanCharge'] as const)),
  subscriptionId: Type.Optional(Type.String({ maxLength: 64 })),
});

const ScheduleRequest = Type.Object({
  repeatFrom: DATE,
  repeatTo: Type.Optional(DATE),
  repeatType: REPEAT_TYPE,
  runTime: Type.Integer({ minimum: 0, maximum: 23 }),
  weeklyOnDay: Type.Optional(Type.Array(WEEK_DAY, { maxItems: 7 })),
  monthlyOnEndOfMonth: Type.Optional(Type.Boolean()),
});

/** `POSTCreateBillRunRequestType`. Unknown fields are ignored (C1.9). */
export const CreateBillRunRequest = Type.Object({
  autoEmail: Type.Optional(Type.Boolean({ default: false })),
  autoPost: Type.Optional(Type.Boolean({ default: false })),
  autoRenewal: Type.Optional(Type.Boolean({ default: false })),
  batches: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 50 })),
  billCycleDay: Type.Optional(Type.String({ maxLength: 32 })),
  // The contract's limit is 50 subscription filters; the array bound leaves room for the
  // service to answer that limit with its own message (C3.2.1).
  billRunFilters: Type.Optional(Type.Array(FilterRequest, { maxItems: 1000 })),
  billRunType: Type.Optional(Type.String({ maxLength: 20 })),
  chargeTypeToExclude: Type.Optional(Type.Array(CHARGE_TYPE, { maxItems: 3 })),
  includeSubscriptions: Type.Optional(Type.Boolean({ default: true })),
  includeOrderLineItems: Type.Optional(Type.Boolean({ default: true })),
  invoiceDate: Type.Optional(DATE),
  invoiceDateMonthOffset: Type.Optional(Type.Integer({ minimum: 0, maximum: 120 })),
  invoiceDateDayOfMonth: Type.Optional(Type.Integer({ minimum: 1, maximum: 31 })),
  name: Type.Optional(Type.String({ maxLength: 100 })),
  noEmailForZeroAmountInvoice: Type.Optional(Type.Boolean({ default: false })),
  organizationLabels: Type.Optional(
    Type.Array(
      Type.Object({
        organizationId: Type.Optional(Type.String({ maxLength: 64 })),
        organizationName: Type.Optional(Type.String({ maxLength: 255 })),
      }),
      { maxItems: 50 },
    ),
  ),
  schedule: Type.Optional(ScheduleRequest),
  targetDate: Type.Optional(DATE),
  targetDateMonthOffset: Type.Optional(Type.Integer({ minimum: 0, maximum: 120 })),
  targetDateDayOfMonth: Type.Optional(Type.Integer({ minimum: 1, maximum: 31 })),
});
export type CreateBillRunRequest = Static<typeof CreateBillRunRequest>;

const FilterResponse = Type.Object({
  accountId: Type.String(),
  filterType: Type.String(),
  objectType: Nullable(Type.String()),
  subscriptionId: Nullable(Type.String()),
});

const ScheduleResponse = Type.Object({
  repeatFrom: DATE,
  repeatTo: Nullable(DATE),
  repeatType: REPEAT_TYPE,
  runTime: Type.Integer(),
  weeklyOnDay: Nullable(Type.Array(WEEK_DAY)),
  monthlyOnEndOfMonth: Nullable(Type.Boolean()),
});

const billRunProperties = {
  id: Type.String(),
  billRunNumber: Type.String(),
  name: Nullable(Type.String()),
  status: STATUS,
  autoEmail: Type.Boolean(),
  autoPost: Type.Boolean(),
  autoRenewal: Type.Boolean(),
  noEmailForZeroAmountInvoice: Type.Boolean(),
  includeSubscriptions: Type.Boolean(),
  includeOrderLineItems: Type.Boolean(),
  batches: Nullable(Type.Array(Type.String())),
  billCycleDay: Nullable(Type.String()),
  billRunFilters: Nullable(Type.Array(FilterResponse)),
  chargeTypeToExclude: Nullable(Type.Array(CHARGE_TYPE)),
  invoiceDate: Nullable(DATE),
  targetDate: Nullable(DATE),
  invoiceDateOffset: Nullable(Type.Integer()),
  invoiceDateMonthOffset: Nullable(Type.Integer()),
  invoiceDateDayOfMonth: Nullable(Type.Integer()),
  targetDateOffset: Nullable(Type.Integer()),
  targetDateMonthOffset: Nullable(Type.Integer()),
  targetDateDayOfMonth: Nullable(Type.Integer()),
  schedule: Nullable(ScheduleResponse),
  scheduledExecutionTime: Nullable(Type.String({ examples: ['2026-03-01 04:00:00'] })),
  organizationLabels: Nullable(
    Type.Array(
      Type.Object({
        organizationId: Type.Optional(Type.String()),
        organizationName: Type.Optional(Type.String()),
      }),
    ),
  ),
  createdById: Type.String(),
  createdDate: Type.String({ examples: ['2026-03-01 04:00:00'] }),
  updatedById: Type.String(),
  updatedDate: Type.String({ examples: ['2026-03-01 04:00:00'] }),
};

/** `GetBillRunResponseType` + `success` (C3.2). */
export const BillRunResponse = Type.Object({ ...billRunProperties, success: Type.Boolean() });
export type BillRunResponse = Static<typeof BillRunResponse>;

/** `CancelBillRunResponseType`: the run plus `nextRun` (C3.2.4). */
export const CancelBillRunResponse = Type.Object({
  ...billRunProperties,
  nextRun: Nullable(Type.Object(billRunProperties)),
  success: Type.Boolean(),
});

export const BillRunIdParams = Type.Object({ billRunId: Type.String({ maxLength: 64 }) });
export const BillRunKeyParams = Type.Object({ billRunKey: Type.String({ maxLength: 64 }) });

export const CancelBillRunRequest = Type.Object({
  cancelOnce: Type.Optional(Type.Boolean({ default: true })),
});
export const PostBillRunRequest = Type.Object({ invoiceDate: DATE });
/** `POSTEmailBillingDocfromBillRunType`; the body is required (C3.2.7). */
export const EmailBillRunRequest = Type.Object({
  resend: Type.Optional(Type.Boolean({ default: false })),
});
export const SuccessResponse = Type.Object({ success: Type.Boolean() });

// ---------------------------------------------------------------------------------------------
// Object Query (`/object-query/billing-runs`, C3.2.8).

/** `ExpandedBillingRun`. Null fields are omitted unless `includeNullFields=true`. */
export const ExpandedBillingRun = Type.Object({
  id: Type.Optional(Type.String()),
  createdById: Type.Optional(Nullable(Type.String())),
  createdDate: Type.Optional(Nullable(DATE_TIME)),
  updatedById: Type.Optional(Nullable(Type.String())),
  updatedDate: Type.Optional(Nullable(DATE_TIME)),
  billingRunNumber: Type.Optional(Nullable(Type.String())),
  billingRunType: Type.Optional(Nullable(Type.String())),
  endDate: Type.Optional(Nullable(DATE_TIME)),
  errorMessage: Type.Optional(Nullable(Type.String())),
  executedDate: Type.Optional(Nullable(DATE_TIME)),
  invoiceDate: Type.Optional(Nullable(DATE)),
  name: Type.Optional(Nullable(Type.String())),
  numberOfAccounts: Type.Optional(Nullable(Type.Integer())),
  numberOfInvoices: Type.Optional(Nullable(Type.Integer())),
  numberOfCreditMemos: Type.Optional(Nullable(Type.Integer())),
  postedDate: Type.Optional(Nullable(DATE_TIME)),
  startDate: Type.Optional(Nullable(DATE_TIME)),
  status: Type.Optional(Nullable(STATUS)),
  targetDate: Type.Optional(Nullable(DATE)),
  targetType: Type.Optional(Nullable(Type.String())),
  totalTime: Type.Optional(Nullable(Type.Integer())),
  accountId: Type.Optional(Nullable(Type.String())),
  batches: Type.Optional(Nullable(Type.Array(Type.String()))),
  billCycleDay: Type.Optional(Nullable(Type.String())),
  noEmailForZeroAmountInvoice: Type.Optional(Nullable(Type.Boolean())),
  autoEmail: Type.Optional(Nullable(Type.Boolean())),
  autoPost: Type.Optional(Nullable(Type.Boolean())),
  autoRenewal: Type.Optional(Nullable(Type.Boolean())),
  invoicesEmailed: Type.Optional(Nullable(Type.Boolean())),
  lastEmailSentTime: Type.Optional(Nullable(DATE_TIME)),
  targetDateOffSet: Type.Optional(Nullable(Type.Integer())),
  invoiceDateOffSet: Type.Optional(Nullable(Type.Integer())),
  chargeTypeToExclude: Type.Optional(Nullable(Type.String())),
  scheduledExecutionTime: Type.Optional(Nullable(DATE_TIME)),
  repeatType: Type.Optional(Nullable(REPEAT_TYPE)),
  repeatFrom: Type.Optional(Nullable(DATE)),
  repeatTo: Type.Optional(Nullable(DATE)),
  runTime: Type.Optional(Nullable(Type.Integer())),
  timeZone: Type.Optional(Nullable(Type.String())),
  monthlyOnDay: Type.Optional(Nullable(Type.String())),
  weeklyOnDay: Type.Optional(Nullable(Type.String())),
  includeSubscriptions: Type.Optional(Nullable(Type.Boolean())),
  includeOrderLineItems: Type.Optional(Nullable(Type.Boolean())),
});
export type ExpandedBillingRun = Static<typeof ExpandedBillingRun>;

export const QueryBillingRunsResponse = Type.Object({
  nextPage: Nullable(Type.String()),
  data: Type.Array(ExpandedBillingRun),
});

const STRING_LIST = Type.Union([
  Type.String({ maxLength: 500 }),
  Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50 }),
]);

export const ObjectQueryParams = Type.Object({
  pageSize: Type.Optional(Type.String({ maxLength: 10 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  'sort[]': Type.Optional(STRING_LIST),
  'expand[]': Type.Optional(STRING_LIST),
  'filter[]': Type.Optional(STRING_LIST),
  'fields[]': Type.Optional(STRING_LIST),
  includeNullFields: Type.Optional(Type.String({ maxLength: 10 })),
});
export type ObjectQueryParams = Static<typeof ObjectQueryParams>;
export const ObjectQueryKeyParams = Type.Object({ key: Type.String({ maxLength: 64 }) });

// ---------------------------------------------------------------------------------------------
// Folio admin API (`/folio/v1`), beyond Zuora.

export const BillRunErrorsQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
});

/** The accounts a run could not bill (DESIGN.md "Long work"): ≤ 1,000 per page. */
export const BillRunErrorsResponse = Type.Object({
  billRunId: Type.String(),
  billRunNumber: Type.String(),
  status: STATUS,
  errorMessage: Nullable(Type.String()),
  errors: Type.Array(Type.Object({ accountId: Type.String(), message: Type.String() })),
  nextPage: Nullable(Type.Integer()),
  success: Type.Boolean(),
});

export const OutboxQuery = Type.Object({
  tenantId: Type.Optional(Type.String({ maxLength: 64 })),
  billRunId: Type.Optional(Type.String({ maxLength: 64 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
});

/** Invoice emails recorded instead of sent (C3.2.7), newest first, ≤ 100 per page. */
export const OutboxResponse = Type.Object({
  emails: Type.Array(
    Type.Object({
      id: Type.String(),
      tenantId: Type.String(),
      entityId: Type.String(),
      billRunId: Nullable(Type.String()),
      documentType: Type.String(),
      documentId: Type.String(),
      documentNumber: Type.String(),
      accountId: Type.String(),
      createdDate: Type.String(),
      /** `recorded`; with SMTP configured then `sent` or `failed`. */
      status: Type.String(),
      recipient: Nullable(Type.String()),
      sentDate: Nullable(Type.String()),
      error: Nullable(Type.String()),
    }),
  ),
  nextPage: Nullable(Type.Integer()),
  success: Type.Boolean(),
});
