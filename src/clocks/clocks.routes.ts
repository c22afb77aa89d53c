/**
 * Admin API of per-tenant test clocks (issue 12 part 1; `docs/emulator.md` "Test clock"). The admin
 * token is checked by `buildApp` for every `/folio/*` path; a tenant's OAuth token is refused.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { FolioError, TenantParams } from '../tenants/tenants.schemas.ts';
import { advanceClock, getClock, setClock } from './clocks.service.ts';
import { AdvanceClockBody, FolioClock, SetClockBody } from './clocks.schemas.ts';

const errors = { 400: FolioError, 401: FolioError, 403: FolioError, 404: FolioError };
const tags = ['Folio admin'];

export const clocksRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/folio/v1/tenants/:tenantId/clock',
    {
      schema: {
        operationId: 'folioGetClock',
        summary: "Get a tenant's test clock",
        tags,
        params: TenantParams,
        response: { 200: FolioClock, ...errors },
      },
    },
    async (request) => getClock(deps, request.params.tenantId),
  );

  r.put(
    '/folio/v1/tenants/:tenantId/clock',
    {
      schema: {
        operationId: 'folioSetClock',
        summary: "Freeze a tenant's time, offset it, or reset it to real time",
        tags,
        params: TenantParams,
        body: SetClockBody,
        response: { 200: FolioClock, ...errors },
      },
    },
    async (request) =>
      setClock(deps, request.params.tenantId, {
        mode: request.body.mode,
        ...(request.body.at === undefined ? {} : { at: request.body.at }),
      }),
  );

  r.post(
    '/folio/v1/tenants/:tenantId/clock/advance',
    {
      schema: {
        operationId: 'folioAdvanceClock',
        summary: "Move a tenant's time forward by a duration or to an instant",
        tags,
        params: TenantParams,
        body: AdvanceClockBody,
        response: { 200: FolioClock, ...errors },
      },
    },
    async (request) => advanceClock(deps, request.params.tenantId, request.body),
  );

  r.delete(
    '/folio/v1/tenants/:tenantId/clock',
    {
      schema: {
        operationId: 'folioResetClock',
        summary: "Reset a tenant's time to real time",
        tags,
        params: TenantParams,
        response: { 200: FolioClock, ...errors },
      },
    },
    async (request) => setClock(deps, request.params.tenantId, { mode: 'real' }),
  );
};
