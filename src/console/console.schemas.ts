/**
 * Wire schemas of the console's admin read endpoints (`/folio/v1/tenants/{tenantId}/…`): Folio's
 * own API, camelCase, for the lists Zuora's v1 API has no call for (account search, the documents
 * of a bill run, bulk PDF jobs).
 */
import { Type } from '@sinclair/typebox';

export const TenantScopeParams = Type.Object({ tenantId: Type.String({ maxLength: 64 }) });
export const AccountParams = Type.Object({
  tenantId: Type.String({ maxLength: 64 }),
  accountId: Type.String({ maxLength: 64 }),
});
export const BillRunParams = Type.Object({
  tenantId: Type.String({ maxLength: 64 }),
  billRunId: Type.String({ maxLength: 64 }),
});

const page = Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }));
const entityId = Type.Optional(
  Type.String({ maxLength: 64, description: 'Only this entity of the tenant' }),
);

export const AccountSearchQuery = Type.Object({
  search: Type.Optional(
    Type.String({
      maxLength: 255,
      description: 'Account number or id, or part of the number or name (case-insensitive)',
    }),
  ),
  entityId,
  page,
});
export const PageOnlyQuery = Type.Object({ entityId, page });
export const DocumentsQuery = Type.Object({ page });

const nextPage = Type.Union([Type.Integer(), Type.Null()]);

export const FolioAccountSummary = Type.Object({
  id: Type.String(),
  accountNumber: Type.String(),
  name: Type.String(),
  currency: Type.String(),
  status: Type.String(),
  batch: Type.String(),
  billCycleDay: Type.Union([Type.Integer(), Type.Null()]),
});
export const AccountSearchResponse = Type.Object({
  accounts: Type.Array(FolioAccountSummary),
  nextPage,
  success: Type.Boolean(),
});

export const SubscriptionListResponse = Type.Object({
  subscriptions: Type.Array(
    Type.Object({
      id: Type.String(),
      subscriptionNumber: Type.String(),
      status: Type.String(),
      termType: Type.String(),
      contractEffectiveDate: Type.String(),
      termStartDate: Type.String(),
      termEndDate: Type.Union([Type.String(), Type.Null()]),
      autoRenew: Type.Boolean(),
    }),
  ),
  success: Type.Boolean(),
});

export const BillRunDocumentsResponse = Type.Object({
  billRunId: Type.String(),
  billRunNumber: Type.String(),
  status: Type.String(),
  documents: Type.Array(
    Type.Object({
      documentType: Type.Union([Type.Literal('Invoice'), Type.Literal('CreditMemo')]),
      id: Type.String(),
      number: Type.String(),
      accountId: Type.String(),
      accountNumber: Type.String(),
      status: Type.String(),
      documentDate: Type.String(),
      amount: Type.Number(),
      currency: Type.String(),
    }),
  ),
  nextPage,
  success: Type.Boolean(),
});

export const BulkPdfJobListResponse = Type.Object({
  jobs: Type.Array(
    Type.Object({
      jobId: Type.String(),
      entityId: Type.String(),
      jobName: Type.String(),
      fileName: Type.String(),
      status: Type.String(),
      stepStatus: Type.String(),
      partCount: Type.Integer(),
      partsDone: Type.Integer(),
      documents: Type.Integer(),
      waitingForPdf: Type.Integer(),
      failedDocuments: Type.Integer(),
      message: Type.Union([Type.String(), Type.Null()]),
      createdOn: Type.String(),
      updatedOn: Type.String(),
    }),
  ),
  nextPage,
  success: Type.Boolean(),
});
