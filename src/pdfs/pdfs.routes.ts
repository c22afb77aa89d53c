/**
 * PDF operations of C4 "Documents": pdf-status of invoices and memos, memo regeneration, the CRUD
 * invoice (`Body`, `RegenerateInvoicePDF`) and `GET /v1/files/{file-id}` with its status.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { AppError, missing, notFound } from '../platform/errors.ts';
import { toCrudDateTime, toV1DateTime, type Scope } from '../platform/scope.ts';
import { toWire } from '../platform/money.ts';
import {
  getInvoice,
  listInvoiceItems,
  requestRegeneration,
  type Invoice,
} from '../invoices/invoices.service.ts';
import { getMemo } from '../memos/memos.service.ts';
import {
  getPdfFileStatus,
  loadPdfSettings,
  setPdfSettings,
  type PdfSettings,
  getPdfStatuses,
  openPdfFile,
  parseKeys,
  readLatestPdf,
  requestPdfGeneration,
  type PdfDocType,
  type PdfStatus,
} from './pdfs.service.ts';
import {
  CreditMemoKeyParams,
  CreditMemoKeysQuery,
  CreditMemoPdfStatusResponse,
  CrudModified,
  DebitMemoKeyParams,
  DebitMemoKeysQuery,
  DebitMemoPdfStatusResponse,
  FileIdParams,
  FileStatusResponse,
  InvoiceKeysQuery,
  InvoicePdfStatusResponse,
  MemoPdfResponse,
  ModifyObjectInvoice,
  ObjectIdParams,
  ObjectInvoice,
  ObjectInvoiceQuery,
  FolioPdfSettings,
  TenantIdParams,
} from './pdfs.schemas.ts';
import { getTenant } from '../tenants/tenants.service.ts';

const scopeOf = (r: FastifyRequest): Scope => ({
  tenantId: r.principal!.tenantId,
  entityId: r.principal!.entityId,
});

/** The common fields of a pdf-status entry; the id and number keys differ per document type. */
const statusFields = (s: PdfStatus) => {
  const f = s.file;
  return {
    pdfGenerationStatus: s.status,
    ...(f === undefined
      ? {}
      : { createdOn: toV1DateTime(f.createdAt), updatedOn: toV1DateTime(f.updatedAt) }),
    ...(f?.generationStatus === 'Generated' ? { pdfFileURL: `/v1/files/${f.id}` } : {}),
    ...(f?.errorCategory == null ? {} : { errorCategory: f.errorCategory }),
    ...(f?.errorMessage == null ? {} : { errorMessage: f.errorMessage }),
  };
};

/** `attachment; filename="…"`, with RFC 6266 `filename*` when the name is not plain ASCII. */
const disposition = (name: string): string => {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return ascii === name
    ? `attachment; filename="${name}"`
    : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
};

/** CRUD invoice fields, without `Body` (C7 #32: a base64 PDF only when named in `fields`). */
const crudInvoice = (i: Invoice, items: { chargeType: string | null }[]) => ({
  Id: i.id,
  AccountId: i.accountId,
  AdjustmentAmount: 0,
  Amount: toWire(i.amount, i.currency),
  AmountWithoutTax: toWire(i.amount, i.currency),
  Balance: toWire(i.balance, i.currency),
  CreatedById: i.createdBy,
  CreatedDate: toCrudDateTime(i.createdAt),
  CreditBalanceAdjustmentAmount: 0,
  ...(i.dueDate === null ? {} : { DueDate: i.dueDate }),
  IncludesOneTime: items.some((x) => x.chargeType === 'OneTime'),
  IncludesRecurring: items.some((x) => x.chargeType === 'Recurring'),
  IncludesUsage: false,
  InvoiceDate: i.invoiceDate,
  InvoiceNumber: i.invoiceNumber,
  ...(i.lastEmailSentAt === null ? {} : { LastEmailSentDate: toCrudDateTime(i.lastEmailSentAt) }),
  PaymentAmount: 0,
  ...(i.postedBy === null ? {} : { PostedBy: i.postedBy }),
  ...(i.postedDate === null ? {} : { PostedDate: `${i.postedDate}T00:00:00.000+00:00` }),
  RefundAmount: 0,
  Status: i.status,
  ...(i.targetDate === null ? {} : { TargetDate: i.targetDate }),
  TaxAmount: 0,
  TaxExemptAmount: 0,
  TransferredToAccounting: 'No',
  UpdatedById: i.createdBy,
  UpdatedDate: toCrudDateTime(i.updatedAt),
});
const CRUD_FIELDS = new Map(
  [...Object.keys(ObjectInvoice.properties)].map((k) => [k.toLowerCase(), k] as const),
);

export const pdfsRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/v1/invoices/pdf-status',
    {
      schema: {
        operationId: 'GetInvoicePdfStatus',
        summary: 'Retrieve the PDF file generation status of invoices',
        tags: ['Invoices'],
        querystring: InvoiceKeysQuery,
        response: { 200: InvoicePdfStatusResponse },
      },
    },
    async (req) => {
      const keys = parseKeys(req.query.invoiceKeys, 'invoiceKeys');
      const st = await getPdfStatuses(deps, scopeOf(req), 'Invoice', keys);
      return {
        invoiceFiles: st.map((s) => ({
          invoiceId: s.documentId,
          invoiceNumber: s.number,
          ...statusFields(s),
        })),
        success: true,
      };
    },
  );

  r.get(
    '/v1/credit-memos/pdf-status',
    {
      schema: {
        operationId: 'GetCreditMemoPdfStatus',
        summary: 'Retrieve the PDF file generation status of credit memos',
        tags: ['Credit Memos'],
        querystring: CreditMemoKeysQuery,
        response: { 200: CreditMemoPdfStatusResponse },
      },
    },
    async (req) => {
      const keys = parseKeys(req.query.creditMemoKeys, 'creditMemoKeys');
      const st = await getPdfStatuses(deps, scopeOf(req), 'CreditMemo', keys);
      return {
        creditMemoFiles: st.map((s) => ({
          creditMemoId: s.documentId,
          creditMemoNumber: s.number,
          ...statusFields(s),
        })),
        success: true,
      };
    },
  );

  r.get(
    '/v1/debit-memos/pdf-status',
    {
      schema: {
        operationId: 'GetDebitMemoPdfStatus',
        summary: 'Retrieve the PDF file generation status of debit memos',
        tags: ['Debit Memos'],
        querystring: DebitMemoKeysQuery,
        response: { 200: DebitMemoPdfStatusResponse },
      },
    },
    async (req) => {
      const keys = parseKeys(req.query.debitMemoKeys, 'debitMemoKeys');
      const st = await getPdfStatuses(deps, scopeOf(req), 'DebitMemo', keys);
      return {
        debitMemoFiles: st.map((s) => ({
          debitMemoId: s.documentId,
          debitMemoNumber: s.number,
          ...statusFields(s),
        })),
        success: true,
      };
    },
  );

  const regenerateMemo = async (
    scope: Scope,
    type: Exclude<PdfDocType, 'Invoice'>,
    key: string,
  ) => {
    const m = await getMemo(deps, scope, type, key);
    await requestPdfGeneration(deps, scope, type, m.id);
    return { success: true };
  };
  r.post(
    '/v1/credit-memos/:creditMemoKey/pdfs',
    {
      schema: {
        operationId: 'POST_CreditMemoPDF',
        summary: 'Generate a credit memo PDF file',
        tags: ['Credit Memos'],
        params: CreditMemoKeyParams,
        response: { 200: MemoPdfResponse },
      },
      config: { zuoraResource: '570100' },
    },
    async (req) => regenerateMemo(scopeOf(req), 'CreditMemo', req.params.creditMemoKey),
  );
  r.post(
    '/v1/debit-memos/:debitMemoKey/pdfs',
    {
      schema: {
        operationId: 'POST_DebitMemoPDF',
        summary: 'Generate a debit memo PDF file',
        tags: ['Debit Memos'],
        params: DebitMemoKeyParams,
        response: { 200: MemoPdfResponse },
      },
      config: { zuoraResource: '570100' },
    },
    async (req) => regenerateMemo(scopeOf(req), 'DebitMemo', req.params.debitMemoKey),
  );

  r.get(
    '/v1/object/invoice/:id',
    {
      schema: {
        operationId: 'Object_GETInvoice',
        summary: 'CRUD: Retrieve an invoice',
        tags: ['Invoices'],
        params: ObjectIdParams,
        querystring: ObjectInvoiceQuery,
        response: { 200: ObjectInvoice },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const i = await getInvoice(deps, scope, req.params.id);
      // CRUD addresses objects by id only.
      if (i.id !== req.params.id) throw notFound('Invoice', req.params.id);
      const all: Record<string, unknown> = crudInvoice(
        i,
        await listInvoiceItems(deps, scope, i.id),
      );
      if (req.query.fields === undefined) return all;
      const named = req.query.fields
        .split(',')
        .map((f) => f.trim())
        .filter((f) => f !== '')
        .map((f) => {
          const k = CRUD_FIELDS.get(f.toLowerCase());
          if (k === undefined)
            throw new AppError(
              'unknown_field',
              `Invalid field ${JSON.stringify(f.slice(0, 64))}.`,
              {
                field: 'fields',
              },
            );
          return k;
        });
      const out: Record<string, unknown> = {};
      for (const k of named) {
        if (k === 'Body') {
          const pdf = await readLatestPdf(deps, scope, i.id);
          if (pdf !== undefined) out.Body = pdf.toString('base64');
        } else if (all[k] !== undefined) out[k] = all[k];
      }
      return out;
    },
  );

  r.put(
    '/v1/object/invoice/:id',
    {
      schema: {
        operationId: 'Object_PUTInvoice',
        summary: 'CRUD: Update an invoice (RegenerateInvoicePDF only)',
        tags: ['Invoices'],
        params: ObjectIdParams,
        body: ModifyObjectInvoice,
        response: { 200: CrudModified },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const body = req.body as Record<string, unknown>;
      const other = Object.keys(body).find((k) => k !== 'RegenerateInvoicePDF');
      // C4: RegenerateInvoicePDF is accepted alone; other invoice changes are not in the minimum.
      if (other !== undefined)
        throw new AppError(
          'unknown_field',
          `Field ${JSON.stringify(other.slice(0, 64))} cannot be updated; send RegenerateInvoicePDF alone.`,
          { field: other.slice(0, 64) },
        );
      const v = body.RegenerateInvoicePDF;
      if (v === undefined) throw missing('RegenerateInvoicePDF');
      // C7 #26: the strings "true"/"false" are accepted for booleans.
      if (v !== true && v !== false && v !== 'true' && v !== 'false')
        throw new AppError('invalid', 'RegenerateInvoicePDF must be true or false.', {
          field: 'RegenerateInvoicePDF',
        });
      if (v === true || v === 'true') {
        const i = await requestRegeneration(deps, scope, req.params.id);
        await requestPdfGeneration(deps, scope, 'Invoice', i.id);
      } else {
        const i = await getInvoice(deps, scope, req.params.id);
        if (i.id !== req.params.id) throw notFound('Invoice', req.params.id);
      }
      return { Success: true, Id: req.params.id };
    },
  );

  r.get(
    '/v1/files/:fileId',
    {
      schema: {
        operationId: 'GET_Files',
        summary: 'Retrieve a file',
        tags: ['Files'],
        params: FileIdParams,
      },
    },
    async (req, reply) => {
      const d = await openPdfFile(deps, scopeOf(req), req.params.fileId);
      // C4: application/pdf;charset=UTF-8 and the C5.6 name.
      return reply
        .header('Content-Type', 'application/pdf;charset=UTF-8')
        .header('Content-Disposition', disposition(d.fileName))
        .header('Content-Length', String(d.size))
        .send(d.body);
    },
  );

  r.get(
    '/v1/files/:fileId/status',
    {
      schema: {
        operationId: 'GET_FileStatus',
        summary: 'Retrieve the status of a file',
        tags: ['Files'],
        params: FileIdParams,
        response: { 200: FileStatusResponse },
      },
    },
    async (req) => ({
      success: true,
      ...(await getPdfFileStatus(deps, scopeOf(req), req.params.fileId)),
    }),
  );

  const toWireSettings = (p: PdfSettings) => ({
    companyName: p.companyName,
    companyAddress: p.companyAddress,
    ...(p.logo === undefined ? {} : { logo: Buffer.from(p.logo).toString('base64') }),
    accentColor: p.accentColor,
    footerText: p.footerText,
  });
  r.get(
    '/folio/v1/tenants/:tenantId/pdf-settings',
    {
      schema: {
        operationId: 'folioGetPdfSettings',
        summary: "Get a tenant's PDF template settings",
        tags: ['Folio admin'],
        params: TenantIdParams,
        response: { 200: FolioPdfSettings },
      },
    },
    async (req) => {
      const t = await getTenant(deps, req.params.tenantId);
      return toWireSettings(await loadPdfSettings(deps, t.id));
    },
  );
  r.put(
    '/folio/v1/tenants/:tenantId/pdf-settings',
    {
      schema: {
        operationId: 'folioSetPdfSettings',
        summary: "Set a tenant's PDF template settings (used by every PDF generated afterwards)",
        tags: ['Folio admin'],
        params: TenantIdParams,
        body: FolioPdfSettings,
        response: { 200: FolioPdfSettings },
      },
    },
    async (req) => {
      const t = await getTenant(deps, req.params.tenantId);
      const b = req.body;
      return toWireSettings(
        await setPdfSettings(deps, t.id, {
          companyName: b.companyName,
          companyAddress: b.companyAddress,
          accentColor: b.accentColor,
          footerText: b.footerText,
          ...(b.logo === undefined ? {} : { logo: Buffer.from(b.logo, 'base64') }),
        }),
      );
    },
  );
};
