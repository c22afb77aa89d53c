/**
 * Admin API for tenants and entities (`/folio/v1`, DESIGN.md "Emulator controls"). `buildApp`
 * checks the admin bearer token for every `/folio/*` path (403 when the admin API is disabled),
 * and errors take the `admin` surface of the Zuora error table.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { forgetTokens } from '../auth/auth.service.ts';
import {
  createEntity,
  createTenant,
  deleteTenant,
  getTenant,
  listEntities,
  listTenants,
} from './tenants.service.ts';
import {
  CreateEntityBody,
  CreateTenantBody,
  FolioCreatedTenant,
  FolioEntity,
  FolioEntityList,
  FolioError,
  FolioTenant,
  FolioTenantList,
  TenantParams,
} from './tenants.schemas.ts';

const errors = { 400: FolioError, 401: FolioError, 403: FolioError, 404: FolioError };
const tags = ['Folio admin'];

export const tenantsRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/folio/v1/tenants',
    {
      schema: {
        operationId: 'folioCreateTenant',
        summary: 'Create a tenant with its default entity',
        tags,
        body: CreateTenantBody,
        response: { 201: FolioCreatedTenant, ...errors },
      },
    },
    async (request, reply) => {
      const { tenant, entity } = await createTenant(deps, {
        name: request.body.name,
        zuoraVersionDefault: request.body.zuoraVersionDefault ?? null,
      });
      return reply.code(201).send({ ...tenant, defaultEntity: entity });
    },
  );

  r.get(
    '/folio/v1/tenants',
    {
      schema: {
        operationId: 'folioListTenants',
        summary: 'List tenants',
        tags,
        response: { 200: FolioTenantList, ...errors },
      },
    },
    async () => ({ tenants: await listTenants(deps) }),
  );

  r.get(
    '/folio/v1/tenants/:tenantId',
    {
      schema: {
        operationId: 'folioGetTenant',
        summary: 'Get a tenant',
        tags,
        params: TenantParams,
        response: { 200: FolioTenant, ...errors },
      },
    },
    async (request) => getTenant(deps, request.params.tenantId),
  );

  r.delete(
    '/folio/v1/tenants/:tenantId',
    {
      schema: {
        operationId: 'folioDeleteTenant',
        summary: 'Delete a tenant and everything it owns',
        tags,
        params: TenantParams,
        response: { 204: { type: 'null', description: 'Deleted' }, ...errors },
      },
    },
    async (request, reply) => {
      await deleteTenant(deps, request.params.tenantId);
      // Tokens of the deleted tenant must stop at once, not when the token cache expires.
      forgetTokens(deps);
      return reply.code(204).send();
    },
  );

  r.post(
    '/folio/v1/tenants/:tenantId/entities',
    {
      schema: {
        operationId: 'folioCreateEntity',
        summary: 'Add an entity to a tenant (CONTRACT C1.4)',
        tags,
        params: TenantParams,
        body: CreateEntityBody,
        response: { 201: FolioEntity, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await createEntity(deps, request.params.tenantId, { name: request.body.name })),
  );

  r.get(
    '/folio/v1/tenants/:tenantId/entities',
    {
      schema: {
        operationId: 'folioListEntities',
        summary: "List a tenant's entities",
        tags,
        params: TenantParams,
        response: { 200: FolioEntityList, ...errors },
      },
    },
    async (request) => ({ entities: await listEntities(deps, request.params.tenantId) }),
  );
};
