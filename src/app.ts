/** The Folio application: the HTTP platform wired to every capability's routes and to auth. */
import type { FastifyInstance } from 'fastify';
import type { Deps } from './deps.ts';
import { buildApp, type RoutePlugin } from './platform/http/app.ts';
import { authenticate } from './auth/auth.service.ts';
import { routes as allRoutes } from './routes.ts';

export const createApp = async (
  deps: Deps,
  extraRoutes: readonly RoutePlugin<Deps>[] = [],
): Promise<FastifyInstance> =>
  buildApp(deps, {
    routes: [...allRoutes, ...extraRoutes],
    authenticate: (token) => authenticate(deps, token),
  });
