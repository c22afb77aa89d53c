/**
 * Wire schemas of the PDF operations (C4 "Documents"), with the key names of Zuora's schemas
 * (`GetInvoicePdfStatusResponse` & co.: `pdfFileURL`, `errorCategory`, not the examples'
 * `pdfFileUrl`/`errorCode`), `RetrieveFileStatus`, `POSTMemoPdfResponse`, `ProxyGetInvoice`.
 */
import { Type, type TSchema } from '@sinclair/typebox';

/** C4: at most 50 keys per pdf-status request, comma-separated. */
export const MAX_PDF_STATUS_KEYS = 50;

const keys = Type.String({
  minLength: 1,
  // 50 keys of ≤ 64 characters and their commas.
  maxLength: 50 * 65,
  description: `Comma-separated IDs or numbers, at most ${MAX_PDF_STATUS_KEYS}.`,
});
export const InvoiceKeysQuery = Type.Object({ invoiceKeys: keys });
export const CreditMemoKeysQuery = Type.Object({ creditMemoKeys: keys });
export const DebitMemoKeysQuery = Type.Object({ debitMemoKeys: keys });

const STATUSES = ['None', 'Pending', 'Processing', 'Generated', 'Error', 'Obsolete'] as const;
const statusEnum = (extra: readonly string[]) =>
  Type.Union([...STATUSES, ...extra].map((s) => Type.Literal(s)));

const statusItem = (idKey: string, numberKey: string, status: TSchema) =>
  Type.Object({
    [idKey]: Type.String(),
    [numberKey]: Type.String(),
    pdfGenerationStatus: status,
    createdOn: Type.Optional(Type.String()),
    updatedOn: Type.Optional(Type.String()),
    pdfFileURL: Type.Optional(Type.String()),
    errorCategory: Type.Optional(Type.String()),
    errorMessage: Type.Optional(Type.String()),
  });

export const InvoicePdfStatusResponse = Type.Object({
  invoiceFiles: Type.Array(statusItem('invoiceId', 'invoiceNumber', statusEnum(['Archived']))),
  success: Type.Boolean(),
});
// C4: the memo enum has no `Archived`.
export const CreditMemoPdfStatusResponse = Type.Object({
  creditMemoFiles: Type.Array(statusItem('creditMemoId', 'creditMemoNumber', statusEnum([]))),
  success: Type.Boolean(),
});
export const DebitMemoPdfStatusResponse = Type.Object({
  debitMemoFiles: Type.Array(statusItem('debitMemoId', 'debitMemoNumber', statusEnum([]))),
  success: Type.Boolean(),
});

export const CreditMemoKeyParams = Type.Object({ creditMemoKey: Type.String({ maxLength: 64 }) });
export const DebitMemoKeyParams = Type.Object({ debitMemoKey: Type.String({ maxLength: 64 }) });
export const MemoPdfResponse = Type.Object({ success: Type.Boolean() });

export const FileIdParams = Type.Object({ fileId: Type.String({ maxLength: 64 }) });
export const FileStatusResponse = Type.Object({
  success: Type.Boolean(),
  accessible: Type.Boolean(),
  status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('ARCHIVED')]),
});

export const ObjectIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export const ObjectInvoiceQuery = Type.Object({
  fields: Type.Optional(Type.String({ maxLength: 2000 })),
});

/** CRUD `ProxyGetInvoice`: the fields Folio has (tax, adjustments and refunds are zero). */
export const ObjectInvoice = Type.Object({
  Id: Type.Optional(Type.String()),
  AccountId: Type.Optional(Type.String()),
  AdjustmentAmount: Type.Optional(Type.Number()),
  Amount: Type.Optional(Type.Number()),
  AmountWithoutTax: Type.Optional(Type.Number()),
  Balance: Type.Optional(Type.Number()),
  Body: Type.Optional(Type.String({ description: 'Base64 PDF; only when named in `fields`.' })),
  CreatedById: Type.Optional(Type.String()),
  CreatedDate: Type.Optional(Type.String()),
  CreditBalanceAdjustmentAmount: Type.Optional(Type.Number()),
  DueDate: Type.Optional(Type.String()),
  IncludesOneTime: Type.Optional(Type.Boolean()),
  IncludesRecurring: Type.Optional(Type.Boolean()),
  IncludesUsage: Type.Optional(Type.Boolean()),
  InvoiceDate: Type.Optional(Type.String()),
  InvoiceNumber: Type.Optional(Type.String()),
  LastEmailSentDate: Type.Optional(Type.String()),
  PaymentAmount: Type.Optional(Type.Number()),
  PostedBy: Type.Optional(Type.String()),
  PostedDate: Type.Optional(Type.String()),
  RefundAmount: Type.Optional(Type.Number()),
  Status: Type.Optional(Type.String()),
  TargetDate: Type.Optional(Type.String()),
  TaxAmount: Type.Optional(Type.Number()),
  TaxExemptAmount: Type.Optional(Type.Number()),
  TransferredToAccounting: Type.Optional(Type.String()),
  UpdatedById: Type.Optional(Type.String()),
  UpdatedDate: Type.Optional(Type.String()),
});

/**
 * CRUD `ProxyModifyInvoice`, of which Folio accepts `RegenerateInvoicePDF` alone (C4). Extra
 * properties are kept, not stripped, so that the handler can refuse them by name.
 */
export const ModifyObjectInvoice = Type.Object(
  { RegenerateInvoicePDF: Type.Optional(Type.Union([Type.Boolean(), Type.String()])) },
  { additionalProperties: true },
);
export const CrudModified = Type.Object({ Success: Type.Boolean(), Id: Type.String() });

/** Folio admin API: a tenant's PDF template settings (camelCase, C6.2). */
export const FolioPdfSettings = Type.Object({
  companyName: Type.String({ maxLength: 500 }),
  companyAddress: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 8 }),
  /** Base64 PNG or JPEG of at most 2 MiB. */
  logo: Type.Optional(Type.String({ maxLength: 2_796_204, pattern: '^[A-Za-z0-9+/]*={0,2}$' })),
  accentColor: Type.String({ pattern: '^#[0-9A-Fa-f]{6}$' }),
  footerText: Type.String({ maxLength: 500 }),
});
export const TenantIdParams = Type.Object({ tenantId: Type.String({ maxLength: 64 }) });
