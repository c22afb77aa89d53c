/** `GET /v1/billing-documents` (CONTRACT C4 "Documents", pagination C1.10). */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { toWire } from '../platform/money.ts';
import { nextPageUrl } from '../platform/http/pagination.ts';
import { listBillingDocuments } from './documents.service.ts';
import { BillingDocumentsQuery, BillingDocumentsResponse } from './documents.schemas.ts';

export const documentsRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/v1/billing-documents',
    {
      schema: {
        operationId: 'GET_BillingDocuments',
        summary: 'List billing documents for an account',
        tags: ['Billing Documents'],
        querystring: BillingDocumentsQuery,
        response: { 200: BillingDocumentsResponse },
      },
    },
    async (req) => {
      const q = req.query;
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? 20;
      const scope = { tenantId: req.principal!.tenantId, entityId: req.principal!.entityId };
      const { documents, total } = await listBillingDocuments(deps, scope, {
        ...(q.accountId === undefined ? {} : { accountId: q.accountId }),
        ...(q.accountNumber === undefined ? {} : { accountNumber: q.accountNumber }),
        ...(q.documentDate === undefined ? {} : { documentDate: q.documentDate }),
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.sort === undefined ? {} : { sort: q.sort }),
        page,
        pageSize,
      });
      return {
        success: true,
        documents: documents.map((d) => ({
          id: d.id,
          accountId: d.accountId,
          documentType: d.documentType,
          documentNumber: d.documentNumber,
          documentDate: d.documentDate,
          status: d.status,
          amount: toWire(d.amount, d.currency),
          balance: toWire(d.balance, d.currency),
          currency: d.currency,
        })),
        ...nextPageUrl(req, page, pageSize, total),
      };
    },
  );
};
