/**
 * Admin API of deterministic mode per tenant (issue 12 part 6; `docs/emulator.md`
 * "Deterministic mode"). Admin token only, like every `/folio/*` path.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { FolioError, TenantParams } from '../tenants/tenants.schemas.ts';
import { getSeed, setSeed } from './seeds.service.ts';
import { FolioSeed, SetSeedBody } from './seeds.schemas.ts';

const errors = { 400: FolioError, 401: FolioError, 403: FolioError, 404: FolioError };
const tags = ['Folio admin'];

export const seedsRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/folio/v1/tenants/:tenantId/seed',
    {
      schema: {
        operationId: 'folioGetSeed',
        summary: "Get the seed a tenant's ids come from",
        tags,
        params: TenantParams,
        response: { 200: FolioSeed, ...errors },
      },
    },
    async (request) => getSeed(deps, request.params.tenantId),
  );

  r.put(
    '/folio/v1/tenants/:tenantId/seed',
    {
      schema: {
        operationId: 'folioSetSeed',
        summary: "Start a tenant's id sequence from a seed (deterministic mode)",
        tags,
        params: TenantParams,
        body: SetSeedBody,
        response: { 200: FolioSeed, ...errors },
      },
    },
    async (request) => setSeed(deps, request.params.tenantId, request.body.seed),
  );
};
