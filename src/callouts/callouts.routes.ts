/**
 * Admin routes of callouts (issue 12 part 5), under `/folio/v1/tenants/{tenantId}/callouts`.
 * `buildApp` checks the admin token on every `/folio/*` path; a tenant's OAuth token gets 401.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { FolioError } from '../tenants/tenants.schemas.ts';
import { createCallout, deleteCallout, listCallouts, listDeliveries } from './callouts.service.ts';
import {
  CalloutParams,
  CreateCalloutBody,
  DeliveriesQuery,
  FolioCalloutList,
  FolioCreatedCallout,
  FolioDeliveryList,
  TenantParams,
} from './callouts.schemas.ts';

const errors = { 400: FolioError, 401: FolioError, 403: FolioError, 404: FolioError };
const tags = ['Folio emulator'];

export const calloutsRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/folio/v1/tenants/:tenantId/callouts',
    {
      schema: {
        operationId: 'folioCreateCallout',
        summary: 'Subscribe a URL to bill-run, bulk-PDF and invoice events of the tenant',
        tags,
        params: TenantParams,
        body: CreateCalloutBody,
        response: { 201: FolioCreatedCallout, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createCallout(deps, request.params.tenantId, request.body)),
  );

  r.get(
    '/folio/v1/tenants/:tenantId/callouts',
    {
      schema: {
        operationId: 'folioListCallouts',
        summary: "List the tenant's callouts (without secrets)",
        tags,
        params: TenantParams,
        response: { 200: FolioCalloutList, ...errors },
      },
    },
    async (request) => ({ callouts: await listCallouts(deps, request.params.tenantId) }),
  );

  r.get(
    '/folio/v1/tenants/:tenantId/callouts/deliveries',
    {
      schema: {
        operationId: 'folioListCalloutDeliveries',
        summary: "The tenant's callout deliveries, newest first",
        tags,
        params: TenantParams,
        querystring: DeliveriesQuery,
        response: { 200: FolioDeliveryList, ...errors },
      },
    },
    async (request) => ({
      deliveries: await listDeliveries(deps, request.params.tenantId, request.query.limit),
    }),
  );

  r.delete(
    '/folio/v1/tenants/:tenantId/callouts/:calloutId',
    {
      schema: {
        operationId: 'folioDeleteCallout',
        summary: 'Remove one callout',
        tags,
        params: CalloutParams,
        response: { 204: { type: 'null', description: 'Removed' }, ...errors },
      },
    },
    async (request, reply) => {
      await deleteCallout(deps, request.params.tenantId, request.params.calloutId);
      return reply.code(204).send();
    },
  );
};
