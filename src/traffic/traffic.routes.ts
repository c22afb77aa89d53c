/**
 * Admin routes of the traffic controls (issue 12, parts 3 and 7), under
 * `/folio/v1/tenants/{tenantId}`: fault rules and the request log. `buildApp` checks the admin
 * token on every `/folio/*` path; a tenant's OAuth token gets 401.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { FolioError } from '../tenants/tenants.schemas.ts';
import {
  addFault,
  clearFaults,
  clearRequests,
  listFaults,
  listRequests,
  removeFault,
} from './traffic.service.ts';
import {
  CreateFaultBody,
  FaultParams,
  FolioCleared,
  FolioFault,
  FolioFaultList,
  FolioRequestList,
  RequestsQuery,
  TenantParams,
} from './traffic.schemas.ts';

const errors = { 400: FolioError, 401: FolioError, 403: FolioError, 404: FolioError };
const tags = ['Folio emulator'];

export const trafficRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/folio/v1/tenants/:tenantId/faults',
    {
      schema: {
        operationId: 'folioCreateFault',
        summary: "Add a fault rule on the tenant's Zuora routes",
        tags,
        params: TenantParams,
        body: CreateFaultBody,
        response: { 201: FolioFault, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await addFault(deps, request.params.tenantId, request.body)),
  );

  r.get(
    '/folio/v1/tenants/:tenantId/faults',
    {
      schema: {
        operationId: 'folioListFaults',
        summary: "List the tenant's fault rules, with how often each fired",
        tags,
        params: TenantParams,
        response: { 200: FolioFaultList, ...errors },
      },
    },
    async (request) => ({ faults: await listFaults(deps, request.params.tenantId) }),
  );

  r.delete(
    '/folio/v1/tenants/:tenantId/faults',
    {
      schema: {
        operationId: 'folioClearFaults',
        summary: 'Remove every fault rule of the tenant',
        tags,
        params: TenantParams,
        response: { 200: FolioCleared, ...errors },
      },
    },
    async (request) => ({ cleared: await clearFaults(deps, request.params.tenantId) }),
  );

  r.delete(
    '/folio/v1/tenants/:tenantId/faults/:faultId',
    {
      schema: {
        operationId: 'folioDeleteFault',
        summary: 'Remove one fault rule',
        tags,
        params: FaultParams,
        response: { 204: { type: 'null', description: 'Removed' }, ...errors },
      },
    },
    async (request, reply) => {
      await removeFault(deps, request.params.tenantId, request.params.faultId);
      return reply.code(204).send();
    },
  );

  r.get(
    '/folio/v1/tenants/:tenantId/requests',
    {
      schema: {
        operationId: 'folioListRequests',
        summary: "The tenant's last requests to the Zuora routes, newest first",
        tags,
        params: TenantParams,
        querystring: RequestsQuery,
        response: { 200: FolioRequestList, ...errors },
      },
    },
    async (request) => listRequests(deps, request.params.tenantId, request.query.limit),
  );

  r.delete(
    '/folio/v1/tenants/:tenantId/requests',
    {
      schema: {
        operationId: 'folioClearRequests',
        summary: "Empty the tenant's request log",
        tags,
        params: TenantParams,
        response: { 204: { type: 'null', description: 'Emptied' }, ...errors },
      },
    },
    async (request, reply) => {
      await clearRequests(deps, request.params.tenantId);
      return reply.code(204).send();
    },
  );
};
