/**
 * Admin routes of snapshots and reset (issue 12, part 4), under `/folio/v1/tenants/{tenantId}`.
 * `buildApp` checks the admin token on every `/folio/*` path; a tenant's OAuth token gets 401.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { FolioError } from '../tenants/tenants.schemas.ts';
import {
  deleteSnapshot,
  getSnapshot,
  listSnapshots,
  resetTenant,
  restoreSnapshot,
  saveSnapshot,
} from './snapshots.service.ts';
import {
  CreateSnapshotBody,
  FolioRestoreResult,
  FolioSnapshot,
  FolioSnapshotList,
  SnapshotParams,
  TenantParams,
} from './snapshots.schemas.ts';

const errors = {
  400: FolioError,
  401: FolioError,
  403: FolioError,
  404: FolioError,
  409: FolioError,
};
const tags = ['Folio emulator'];

export const snapshotsRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/folio/v1/tenants/:tenantId/snapshots',
    {
      schema: {
        operationId: 'folioSaveSnapshot',
        summary: "Save the tenant's whole state (rows and files) under a name",
        tags,
        params: TenantParams,
        body: CreateSnapshotBody,
        response: { 201: FolioSnapshot, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await saveSnapshot(deps, request.params.tenantId, request.body.name)),
  );

  r.get(
    '/folio/v1/tenants/:tenantId/snapshots',
    {
      schema: {
        operationId: 'folioListSnapshots',
        summary: "List the tenant's snapshots",
        tags,
        params: TenantParams,
        response: { 200: FolioSnapshotList, ...errors },
      },
    },
    async (request) => ({ snapshots: await listSnapshots(deps, request.params.tenantId) }),
  );

  r.get(
    '/folio/v1/tenants/:tenantId/snapshots/:name',
    {
      schema: {
        operationId: 'folioGetSnapshot',
        summary: 'Get a snapshot with its rows per table',
        tags,
        params: SnapshotParams,
        response: { 200: FolioSnapshot, ...errors },
      },
    },
    async (request) => getSnapshot(deps, request.params.tenantId, request.params.name),
  );

  r.post(
    '/folio/v1/tenants/:tenantId/snapshots/:name/restore',
    {
      schema: {
        operationId: 'folioRestoreSnapshot',
        summary: "Replace the tenant's state with the snapshot's",
        tags,
        params: SnapshotParams,
        response: { 200: FolioRestoreResult, ...errors },
      },
    },
    async (request) => restoreSnapshot(deps, request.params.tenantId, request.params.name),
  );

  r.delete(
    '/folio/v1/tenants/:tenantId/snapshots/:name',
    {
      schema: {
        operationId: 'folioDeleteSnapshot',
        summary: 'Delete a snapshot and its copies',
        tags,
        params: SnapshotParams,
        response: { 204: { type: 'null', description: 'Deleted' }, ...errors },
      },
    },
    async (request, reply) => {
      await deleteSnapshot(deps, request.params.tenantId, request.params.name);
      return reply.code(204).send();
    },
  );

  r.post(
    '/folio/v1/tenants/:tenantId/reset',
    {
      schema: {
        operationId: 'folioResetTenant',
        summary:
          "Empty the tenant's state, keeping the tenant, its entities, OAuth clients and snapshots",
        tags,
        params: TenantParams,
        response: { 200: FolioRestoreResult, ...errors },
      },
    },
    async (request) => resetTenant(deps, request.params.tenantId),
  );
};
