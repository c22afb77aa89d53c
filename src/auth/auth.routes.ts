import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { FolioError, TenantParams } from '../tenants/tenants.schemas.ts';
import { createClient, issueToken, listClients, revokeClient } from './auth.service.ts';
import {
  ClientParams,
  CreateClientBody,
  FolioCreatedOauthClient,
  FolioOauthClientList,
  OauthError,
  TokenForm,
  ZuoraTokenResponse,
} from './auth.schemas.ts';

/** `POST /oauth/token`: form-urlencoded only (C1.1), RFC 6749 errors (C1.2). */
export const authRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  // Only this scope parses forms; elsewhere a form body is refused with 415 (C1.1).
  app.removeContentTypeParser('application/json');
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/oauth/token',
    {
      schema: {
        operationId: 'createToken',
        summary: 'Create an OAuth token',
        tags: ['OAuth'],
        body: TokenForm,
        consumes: ['application/x-www-form-urlencoded'],
        response: {
          200: ZuoraTokenResponse,
          400: OauthError,
          401: OauthError,
          415: OauthError,
          429: OauthError,
        },
      },
    },
    async (request) => {
      const header = request.headers['zuora-entity-ids'];
      return issueToken(deps, {
        grant_type: request.body.grant_type,
        client_id: request.body.client_id,
        client_secret: request.body.client_secret,
        entityIdsHeader: Array.isArray(header) ? header.join(',') : header,
        address: request.ip,
      });
    },
  );
};

const errors = { 400: FolioError, 401: FolioError, 403: FolioError, 404: FolioError };
const tags = ['Folio admin'];

/**
 * Admin API for OAuth clients (`/folio/v1/tenants/{tenantId}/oauth-clients`); `buildApp` checks
 * the admin token. A create returns the secret once; a revoke invalidates the client's tokens.
 */
export const authAdminRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/folio/v1/tenants/:tenantId/oauth-clients',
    {
      schema: {
        operationId: 'folioCreateOauthClient',
        summary: 'Create an OAuth client; the secret is returned only here',
        tags,
        params: TenantParams,
        body: CreateClientBody,
        response: { 201: FolioCreatedOauthClient, ...errors },
      },
    },
    async (request, reply) => {
      const client = await createClient(deps, {
        tenantId: request.params.tenantId,
        ...(request.body.name === undefined ? {} : { name: request.body.name }),
        ...(request.body.entityIds === undefined
          ? {}
          : { entityIds: request.body.entityIds.map((e) => e.toLowerCase()) }),
      });
      return reply.code(201).send(client);
    },
  );
  r.get(
    '/folio/v1/tenants/:tenantId/oauth-clients',
    {
      schema: {
        operationId: 'folioListOauthClients',
        summary: "List a tenant's OAuth clients (without secrets)",
        tags,
        params: TenantParams,
        response: { 200: FolioOauthClientList, ...errors },
      },
    },
    async (request) => ({ clients: await listClients(deps, request.params.tenantId) }),
  );
  r.delete(
    '/folio/v1/tenants/:tenantId/oauth-clients/:clientId',
    {
      schema: {
        operationId: 'folioRevokeOauthClient',
        summary: 'Revoke an OAuth client and every token it was issued',
        tags,
        params: ClientParams,
        response: { 204: { type: 'null', description: 'Revoked' }, ...errors },
      },
    },
    async (request, reply) => {
      await revokeClient(deps, request.params.tenantId, request.params.clientId);
      return reply.code(204).send();
    },
  );
};
