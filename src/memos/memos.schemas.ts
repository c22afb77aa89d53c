/**
 * v1 wire schemas of credit and debit memos (Zuora `GETCreditMemoType`, `GETDebitMemoType`,
 * `GETCreditMemoFilesResponse`, `GETDebitMemoFilesResponse`): names and nullability as in Zuora's
 * OpenAPI subset; fields of features Folio does not model (tax engines, e-invoicing, NetSuite)
 * are left out, which the schemas allow (none of them is `required`).
 */
import { Type } from '@sinclair/typebox';

const NullableString = Type.Union([Type.String(), Type.Null()]);

const common = {
  success: Type.Boolean(),
  id: Type.String(),
  number: Type.String(),
  accountId: Type.String(),
  accountNumber: Type.String(),
  amount: Type.Number(),
  currency: NullableString,
  status: Type.String(),
  targetDate: NullableString,
  taxAmount: Type.Number(),
  totalTaxExemptAmount: Type.Number(),
  reasonCode: Type.String(),
  referredInvoiceId: NullableString,
  comment: NullableString,
  cancelledById: NullableString,
  cancelledOn: NullableString,
  postedById: NullableString,
  postedOn: NullableString,
  transferredToAccounting: Type.String(),
  sourceType: Type.String(),
  latestPDFFileId: Type.Optional(Type.String()),
  createdById: Type.String(),
  createdDate: Type.String(),
  updatedById: Type.String(),
  updatedDate: Type.String(),
};

export const GetCreditMemoResponse = Type.Object({
  ...common,
  creditMemoDate: Type.String(),
  appliedAmount: Type.Number(),
  refundAmount: Type.Number(),
  unappliedAmount: Type.Number(),
  autoApplyUponPosting: Type.Boolean(),
  excludeFromAutoApplyRules: Type.Boolean(),
  reversed: Type.Boolean(),
  billToContactId: NullableString,
  source: Type.String(),
  sourceId: NullableString,
});

export const GetDebitMemoResponse = Type.Object({
  ...common,
  debitMemoDate: Type.String(),
  dueDate: Type.Optional(Type.String()),
  paymentTerm: Type.Optional(Type.String()),
  balance: Type.Number(),
  beAppliedAmount: Type.Number(),
  autoPay: Type.Boolean(),
  billToContactId: Type.Optional(Type.String()),
  soldToContactId: NullableString,
});

const MemoFile = Type.Object({
  id: Type.String(),
  pdfFileUrl: Type.String(),
  versionNumber: Type.Integer(),
});

export const CreditMemoFilesResponse = Type.Object({
  success: Type.Boolean(),
  creditMemoFiles: Type.Array(MemoFile),
  nextPage: Type.Optional(Type.String()),
});

export const DebitMemoFilesResponse = Type.Object({
  success: Type.Boolean(),
  debitMemoFiles: Type.Array(MemoFile),
  nextPage: Type.Optional(Type.String()),
});

export const CreditMemoKeyParams = Type.Object({ creditMemoKey: Type.String({ maxLength: 64 }) });
export const DebitMemoKeyParams = Type.Object({ debitMemoKey: Type.String({ maxLength: 64 }) });
