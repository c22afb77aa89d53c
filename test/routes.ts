/**
 * Test-only routes used by the foundation tests before real capabilities exist: one that reads a
 * tenant-scoped object (an entity) and one with a validated body (errors and versions).
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../src/deps.ts';
import { listEntities } from '../src/tenants/tenants.service.ts';
import { AppError, notFound } from '../src/platform/errors.ts';

export const testRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/v1/test-entities/:id',
    { schema: { hide: true, params: Type.Object({ id: Type.String() }) } },
    async (request) => {
      const p = request.principal!;
      const found = (await listEntities(deps, p.tenantId)).find(
        (e) => e.id === request.params.id && p.entityIds.includes(e.id),
      );
      if (found === undefined) throw notFound('Entity', request.params.id);
      return { success: true, id: found.id, name: found.name, actingEntity: p.entityId };
    },
  );
  r.post(
    '/v1/test-widgets',
    {
      config: { zuoraResource: '599900' },
      schema: {
        hide: true,
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 32 }),
          kind: Type.Optional(Type.Union([Type.Literal('A'), Type.Literal('B')])),
        }),
      },
    },
    async (request) => {
      if (request.body.name === 'busy')
        throw new AppError('busy', 'The widget is being processed.');
      if (request.body.name === 'crash') throw new Error('boom');
      return { success: true, name: request.body.name };
    },
  );
  r.get('/v1/object/test-widget/:id', { schema: { hide: true } }, async () => {
    throw notFound('Widget', 'x');
  });
  r.get('/object-query/test-widgets', { schema: { hide: true } }, async () => {
    throw new AppError('bad_query', 'Invalid filter.');
  });
};
