import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { issueToken } from './auth.service.ts';
import { OauthError, TokenForm, ZuoraTokenResponse } from './auth.schemas.ts';

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
        response: { 200: ZuoraTokenResponse, 400: OauthError, 401: OauthError, 415: OauthError },
      },
    },
    async (request) => {
      const header = request.headers['zuora-entity-ids'];
      return issueToken(deps, {
        grant_type: request.body.grant_type,
        client_id: request.body.client_id,
        client_secret: request.body.client_secret,
        entityIdsHeader: Array.isArray(header) ? header.join(',') : header,
      });
    },
  );
};
