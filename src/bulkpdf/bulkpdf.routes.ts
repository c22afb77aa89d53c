/** `POST /v1/operations/bulk-pdf` and `GET /v1/operations/bulk-pdf/{jobId}` (CONTRACT C5). */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { toV1DateTime, type Scope } from '../platform/scope.ts';
import { createBulkPdfJob, getBulkPdfJob } from './bulkpdf.service.ts';
import {
  BulkPdfJobParams,
  CreateBulkPdfRequest,
  CreateBulkPdfResponse,
  GetBulkPdfResponse,
} from './bulkpdf.schemas.ts';

const scopeOf = (r: FastifyRequest): Scope => ({
  tenantId: r.principal!.tenantId,
  entityId: r.principal!.entityId,
});

export const bulkpdfRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/v1/operations/bulk-pdf',
    {
      // C2.2: bulk-pdf's resource code.
      config: { zuoraResource: '590100' },
      schema: {
        operationId: 'Create_BulkPDFToZIPGeneration',
        summary: 'Export bulk PDF files',
        tags: ['Operations'],
        body: CreateBulkPdfRequest,
        response: { 200: CreateBulkPdfResponse },
      },
    },
    async (req) => {
      const out = await createBulkPdfJob(deps, scopeOf(req), req.body, req.principal!.clientId);
      return {
        success: true,
        jobId: out.jobId,
        invalidIds: out.invalidIds,
        // C5.2: omitted when empty.
        ...(out.skippedDocuments.length === 0 ? {} : { skippedDocuments: out.skippedDocuments }),
      };
    },
  );

  r.get(
    '/v1/operations/bulk-pdf/:jobId',
    {
      schema: {
        operationId: 'Get_BulkPDFToZIPGeneration',
        summary: 'Retrieve information of a bulk PDF file generation job',
        tags: ['Operations'],
        params: BulkPdfJobParams,
        response: { 200: GetBulkPdfResponse },
      },
    },
    async (req) => {
      let j = await getBulkPdfJob(deps, scopeOf(req), req.params.jobId);
      // A status read is a poll: it may move a job held by lifecycle control (issue 12, `polls`).
      if (await deps.jobControl.polled(scopeOf(req).tenantId, j.jobId))
        j = await getBulkPdfJob(deps, scopeOf(req), req.params.jobId);
      // C5.3: the seed's fields always; failedDocuments, skippedDocuments, message only when set.
      return {
        jobId: j.jobId,
        // C5.3: `jobName` is a seed field, so it is always present (`""` without a name).
        jobName: j.jobName ?? '',
        status: j.status,
        stepStatus: j.stepStatus,
        fileUrls: j.fileUrls,
        ...(j.failedDocuments.length === 0 ? {} : { failedDocuments: j.failedDocuments }),
        ...(j.skippedDocuments.length === 0 ? {} : { skippedDocuments: j.skippedDocuments }),
        ...(j.message === null || j.message === '' ? {} : { message: j.message }),
        createdOn: toV1DateTime(j.createdOn),
        createdBy: j.createdBy,
        success: true,
      };
    },
  );
};
