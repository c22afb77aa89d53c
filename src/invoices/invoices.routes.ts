import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { toV1DateTime, type Scope } from '../platform/scope.ts';
import { toWire } from '../platform/money.ts';
import { nextPageUrl } from '../platform/http/pagination.ts';
import { listDocumentFiles } from '../files/files.service.ts';
import { getInvoice, listInvoiceItems } from './invoices.service.ts';
import {
  GetInvoiceResponse,
  InvoiceFilesResponse,
  InvoiceKeyParams,
  PageQuery,
} from './invoices.schemas.ts';

const scopeOf = (r: FastifyRequest): Scope => ({
  tenantId: r.principal!.tenantId,
  entityId: r.principal!.entityId,
});

const opt = <K extends string, V>(k: K, v: V | null): { [P in K]?: V } =>
  (v === null ? {} : { [k]: v }) as { [P in K]?: V };

export const invoicesRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/v1/invoices/:invoiceKey',
    {
      schema: {
        operationId: 'Get_GetInvoice',
        summary: 'Retrieve an invoice',
        tags: ['Invoices'],
        params: InvoiceKeyParams,
        response: { 200: GetInvoiceResponse },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const i = await getInvoice(deps, scope, req.params.invoiceKey);
      const items = await listInvoiceItems(deps, scope, i.id);
      return {
        success: true,
        id: i.id,
        accountId: i.accountId,
        invoiceNumber: i.invoiceNumber,
        invoiceDate: i.invoiceDate,
        ...opt('targetDate', i.targetDate),
        ...opt('dueDate', i.dueDate),
        status: i.status,
        source: i.source,
        ...opt('sourceId', i.sourceId),
        ...opt('billRunId', i.billRunId),
        currency: i.currency,
        amount: toWire(i.amount, i.currency),
        amountWithoutTax: toWire(i.amount, i.currency),
        taxAmount: 0,
        balance: toWire(i.balance, i.currency),
        ...opt('paymentTerm', i.paymentTerm),
        templateId: i.templateId,
        ...opt('postedDate', i.postedDate),
        ...opt('postedBy', i.postedBy),
        includesOneTime: items.some((x) => x.chargeType === 'OneTime'),
        includesRecurring: items.some((x) => x.chargeType === 'Recurring'),
        includesUsage: false,
        createdById: i.createdBy,
        createdDate: toV1DateTime(i.createdAt),
        updatedById: i.createdBy,
        updatedDate: toV1DateTime(i.updatedAt),
      };
    },
  );

  r.get(
    '/v1/invoices/:invoiceKey/files',
    {
      schema: {
        operationId: 'GET_InvoiceFiles',
        summary: 'List all files of an invoice',
        tags: ['Invoices'],
        params: InvoiceKeyParams,
        querystring: PageQuery,
        response: { 200: InvoiceFilesResponse },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const i = await getInvoice(deps, scope, req.params.invoiceKey);
      const files = await listDocumentFiles(deps, scope, i.id);
      const page = req.query.page ?? 1;
      const pageSize = req.query.pageSize ?? 20;
      return {
        success: true,
        invoiceFiles: files.slice((page - 1) * pageSize, page * pageSize).map((f) => ({
          id: f.id,
          pdfFileUrl: `/v1/files/${f.id}`,
          versionNumber: f.versionNumber,
        })),
        ...nextPageUrl(req, page, pageSize, files.length),
      };
    },
  );
};
