/** v1 wire schemas of invoices (Zuora `GetInvoiceResponse`, `GETInvoiceFilesResponse`). */
import { Type } from '@sinclair/typebox';

export const GetInvoiceResponse = Type.Object({
  success: Type.Boolean(),
  id: Type.String(),
  accountId: Type.String(),
  invoiceNumber: Type.String(),
  invoiceDate: Type.String(),
  targetDate: Type.Optional(Type.String()),
  dueDate: Type.Optional(Type.String()),
  status: Type.String(),
  source: Type.String(),
  sourceId: Type.Optional(Type.String()),
  billRunId: Type.Optional(Type.String()),
  currency: Type.String(),
  amount: Type.Number(),
  amountWithoutTax: Type.Number(),
  taxAmount: Type.Number(),
  balance: Type.Number(),
  paymentTerm: Type.Optional(Type.String()),
  templateId: Type.Union([Type.String(), Type.Null()]),
  postedDate: Type.Optional(Type.String()),
  postedBy: Type.Optional(Type.String()),
  includesOneTime: Type.Boolean(),
  includesRecurring: Type.Boolean(),
  includesUsage: Type.Boolean(),
  createdById: Type.String(),
  createdDate: Type.String(),
  updatedById: Type.String(),
  updatedDate: Type.String(),
});

export const InvoiceFilesResponse = Type.Object({
  success: Type.Boolean(),
  invoiceFiles: Type.Array(
    Type.Object({ id: Type.String(), pdfFileUrl: Type.String(), versionNumber: Type.Integer() }),
  ),
  nextPage: Type.Optional(Type.String()),
});

export const InvoiceKeyParams = Type.Object({ invoiceKey: Type.String({ maxLength: 64 }) });

/** C1.10: v1 lists take `page` ≥ 1 and `pageSize` 1–40. */
export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 40, default: 20 })),
});
