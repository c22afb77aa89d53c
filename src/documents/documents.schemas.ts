/** v1 wire schemas of `GET /v1/billing-documents` (Zuora `BillingDocumentQueryResponseElementType`). */
import { Type } from '@sinclair/typebox';

export const BillingDocumentsQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 40, default: 20 })),
  accountId: Type.Optional(Type.String({ maxLength: 64 })),
  accountNumber: Type.Optional(Type.String({ maxLength: 70 })),
  documentDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
  status: Type.Optional(
    Type.Union([
      Type.Literal('Draft'),
      Type.Literal('Posted'),
      Type.Literal('Canceled'),
      Type.Literal('Error'),
    ]),
  ),
  sort: Type.Optional(Type.String({ maxLength: 64 })),
});

export const BillingDocument = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  documentType: Type.String(),
  documentNumber: Type.String(),
  documentDate: Type.String(),
  status: Type.String(),
  amount: Type.Number(),
  balance: Type.Number(),
  currency: Type.Union([Type.String(), Type.Null()]),
});

export const BillingDocumentsResponse = Type.Object({
  success: Type.Boolean(),
  documents: Type.Array(BillingDocument),
  nextPage: Type.Optional(Type.String()),
});
