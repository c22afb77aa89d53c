/** The Folio application: the HTTP platform wired to every capability's routes and to auth. */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Deps } from './deps.ts';
import { buildApp, type RoutePlugin } from './platform/http/app.ts';
import type { IdempotencyTables } from './platform/http/idempotency.ts';
import { pendingMigrations } from './platform/db/migrate.ts';
import { authenticate, findClientTenant } from './auth/auth.service.ts';
import { migrations } from './migrations.ts';
import { routes as allRoutes } from './routes.ts';

export const createApp = async (
  deps: Deps,
  extraRoutes: readonly RoutePlugin<Deps>[] = [],
): Promise<FastifyInstance> =>
  buildApp(deps, {
    routes: [...allRoutes, ...extraRoutes],
    authenticate: (token) => authenticate(deps, token),
    tenantOfClient: (clientId) => findClientTenant(deps, clientId),
    // Kysely's table map is invariant; Database extends IdempotencyTables, so this view is safe.
    idempotencyDb: deps.db.db as unknown as Kysely<IdempotencyTables>,
    ready: async () => {
      const pending = await pendingMigrations(deps.db.db as Kysely<unknown>, migrations);
      return pending.length === 0 ? undefined : `migrations pending: ${pending.join(', ')}`;
    },
  });
