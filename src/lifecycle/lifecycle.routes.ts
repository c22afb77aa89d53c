/**
 * Admin API of lifecycle control (issue 12 part 2; `docs/emulator.md` "Lifecycle control"). The
 * admin token is checked by `buildApp` for every `/folio/*` path; a tenant's OAuth token is refused.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { FolioError, TenantParams } from '../tenants/tenants.schemas.ts';
import {
  advanceJob,
  forceJob,
  getControlledJob,
  getTenantLifecycle,
  setJobLifecycle,
  setTenantLifecycle,
} from './lifecycle.service.ts';
import {
  FolioControlledJob,
  FolioTenantLifecycle,
  ForceJobBody,
  JobIdParams,
  SetJobLifecycleBody,
  SetTenantLifecycleBody,
} from './lifecycle.schemas.ts';

const errors = { 400: FolioError, 401: FolioError, 403: FolioError, 404: FolioError };
const tags = ['Folio admin'];

export const lifecycleRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/folio/v1/tenants/:tenantId/lifecycle',
    {
      schema: {
        operationId: 'folioGetLifecycle',
        summary: "Get a tenant's lifecycle mode for bill runs and bulk-PDF jobs",
        tags,
        params: TenantParams,
        response: { 200: FolioTenantLifecycle, ...errors },
      },
    },
    async (request) => getTenantLifecycle(deps, request.params.tenantId),
  );

  r.put(
    '/folio/v1/tenants/:tenantId/lifecycle',
    {
      schema: {
        operationId: 'folioSetLifecycle',
        summary: "Set a tenant's lifecycle mode for bill runs and bulk-PDF jobs",
        tags,
        params: TenantParams,
        body: SetTenantLifecycleBody,
        response: { 200: FolioTenantLifecycle, ...errors },
      },
    },
    async (request) => setTenantLifecycle(deps, request.params.tenantId, request.body),
  );

  r.get(
    '/folio/v1/jobs/:id',
    {
      schema: {
        operationId: 'folioGetJob',
        summary: 'Get a bill run or bulk-PDF job with its lifecycle controls',
        tags,
        params: JobIdParams,
        response: { 200: FolioControlledJob, ...errors },
      },
    },
    async (request) => getControlledJob(deps, request.params.id),
  );

  r.put(
    '/folio/v1/jobs/:id/lifecycle',
    {
      schema: {
        operationId: 'folioSetJobLifecycle',
        summary: "Give one bill run or bulk-PDF job its own lifecycle mode (null: the tenant's)",
        tags,
        params: JobIdParams,
        body: SetJobLifecycleBody,
        response: { 200: FolioControlledJob, ...errors },
      },
    },
    async (request) =>
      setJobLifecycle(deps, request.params.id, {
        mode: request.body.mode,
        ...(request.body.polls === undefined ? {} : { polls: request.body.polls }),
      }),
  );

  r.post(
    '/folio/v1/jobs/:id/advance',
    {
      schema: {
        operationId: 'folioAdvanceJob',
        summary: 'Move a held bill run one status, or a held bulk-PDF job one step',
        tags,
        params: JobIdParams,
        response: { 200: FolioControlledJob, ...errors },
      },
    },
    async (request) => advanceJob(deps, request.params.id),
  );

  r.post(
    '/folio/v1/jobs/:id/force',
    {
      schema: {
        operationId: 'folioForceJob',
        summary: 'Force a bill run or bulk-PDF job into Error with a reason at a chosen step',
        tags,
        params: JobIdParams,
        body: ForceJobBody,
        response: { 200: FolioControlledJob, ...errors },
      },
    },
    async (request) =>
      forceJob(deps, request.params.id, {
        reason: request.body.reason,
        ...(request.body.step === undefined ? {} : { step: request.body.step }),
      }),
  );
};
