/**
 * The web console at `/console` (plain files from `public/`, no auth: the browser signs in with
 * the admin token or a tenant's OAuth client and calls the APIs itself) and the admin reads it
 * needs where Zuora's v1 API has no list call. `/folio/*` paths get the admin token check from
 * `buildApp`, like every admin route.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { FolioError } from '../tenants/tenants.schemas.ts';
import {
  listTenantAccountSubscriptions,
  listTenantBillRunDocuments,
  listTenantBulkPdfJobs,
  loadConsoleAssets,
  searchTenantAccounts,
  type ConsoleAsset,
} from './console.service.ts';
import {
  AccountParams,
  AccountSearchQuery,
  AccountSearchResponse,
  BillRunDocumentsResponse,
  BillRunParams,
  BulkPdfJobListResponse,
  DocumentsQuery,
  PageOnlyQuery,
  SubscriptionListResponse,
  TenantScopeParams,
} from './console.schemas.ts';

const errors = { 400: FolioError, 401: FolioError, 403: FolioError, 404: FolioError };
const tags = ['Folio admin'];
const hide = { schema: { hide: true } };

/**
 * Caching: file names carry no content hash (no build step), so every response says `no-cache`
 * with a strong ETag: the browser keeps its copy and revalidates it, getting a body-less 304
 * while the file is unchanged, and never runs a stale module after an upgrade.
 */
const sendAsset = (request: FastifyRequest, reply: FastifyReply, asset: ConsoleAsset) => {
  void reply.headers({
    'Content-Type': asset.contentType,
    'Cache-Control': 'no-cache',
    ETag: asset.etag,
    'X-Content-Type-Options': 'nosniff',
    // The console loads only its own files; PDFs are previewed from blob: URLs it makes itself.
    'Content-Security-Policy':
      "default-src 'self'; img-src 'self' data: blob:; frame-src 'self' blob:; object-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'Referrer-Policy': 'no-referrer',
  });
  const inm = request.headers['if-none-match'];
  if (typeof inm === 'string' && inm.split(',').some((t) => t.trim() === asset.etag))
    return reply.code(304).send();
  return reply.send(asset.body);
};

export const consoleRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const assets = loadConsoleAssets();
  const index = assets.get('/console/index.html');
  if (index === undefined) throw new Error('console: public/index.html is missing');

  app.get('/console', hide, async (request, reply) => sendAsset(request, reply, index));
  app.get('/console/', hide, async (request, reply) => sendAsset(request, reply, index));
  app.get('/console/*', hide, async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    const asset = assets.get(path);
    if (asset === undefined) return reply.code(404).send({ message: 'Not Found' });
    return sendAsset(request, reply, asset);
  });

  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/folio/v1/tenants/:tenantId/accounts',
    {
      schema: {
        operationId: 'folioSearchAccounts',
        summary: "Search a tenant's accounts by number, id or name (console)",
        tags,
        params: TenantScopeParams,
        querystring: AccountSearchQuery,
        response: { 200: AccountSearchResponse, ...errors },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const { accounts, more } = await searchTenantAccounts(
        deps,
        {
          tenantId: request.params.tenantId,
          entityId: request.query.entityId,
          search: request.query.search,
        },
        page,
      );
      return { accounts, nextPage: more ? page + 1 : null, success: true };
    },
  );

  r.get(
    '/folio/v1/tenants/:tenantId/accounts/:accountId/subscriptions',
    {
      schema: {
        operationId: 'folioListAccountSubscriptions',
        summary: 'Subscriptions of an account (console)',
        tags,
        params: AccountParams,
        response: { 200: SubscriptionListResponse, ...errors },
      },
    },
    async (request) => ({
      subscriptions: await listTenantAccountSubscriptions(
        deps,
        request.params.tenantId,
        request.params.accountId,
      ),
      success: true,
    }),
  );

  r.get(
    '/folio/v1/tenants/:tenantId/bill-runs/:billRunId/documents',
    {
      schema: {
        operationId: 'folioListBillRunDocuments',
        summary: 'Invoices and credit memos a bill run made (console)',
        tags,
        params: BillRunParams,
        querystring: DocumentsQuery,
        response: { 200: BillRunDocumentsResponse, ...errors },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const { run, documents, more } = await listTenantBillRunDocuments(
        deps,
        request.params.tenantId,
        request.params.billRunId,
        page,
      );
      return {
        billRunId: run.id,
        billRunNumber: run.number,
        status: run.status,
        documents: documents.map((d) => ({ ...d, amount: Number(d.amount) })),
        nextPage: more ? page + 1 : null,
        success: true,
      };
    },
  );

  r.get(
    '/folio/v1/tenants/:tenantId/bulk-pdf-jobs',
    {
      schema: {
        operationId: 'folioListBulkPdfJobs',
        summary: 'Bulk PDF jobs of a tenant, newest first, with progress counts (console)',
        tags,
        params: TenantScopeParams,
        querystring: PageOnlyQuery,
        response: { 200: BulkPdfJobListResponse, ...errors },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const { jobs, more } = await listTenantBulkPdfJobs(
        deps,
        { tenantId: request.params.tenantId, entityId: request.query.entityId },
        page,
      );
      return { jobs, nextPage: more ? page + 1 : null, success: true };
    },
  );
};
