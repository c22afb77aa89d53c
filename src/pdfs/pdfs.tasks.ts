/** Job handlers of the `pdfs` capability (DESIGN.md "Long work"). */
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.ts';
import { defineTask } from '../platform/jobs/queue.ts';
import { generatePdfBatch, PDF_JOB_BATCH } from './pdfs.service.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const GeneratePayload = Type.Object({
  tenantId: Id,
  entityId: Id,
  fileIds: Type.Array(Id, { minItems: 1, maxItems: PDF_JOB_BATCH }),
});

/** `pdfs.generate`: renders a batch of `Pending` PDF versions (C6.1), enqueued at posting. */
export const generatePdfsTask = defineTask<Deps, typeof GeneratePayload>(
  'pdfs.generate',
  GeneratePayload,
  async (p, { deps, signal, job }) =>
    generatePdfBatch(deps, { tenantId: p.tenantId, entityId: p.entityId }, p.fileIds, {
      signal,
      lastAttempt: job.attempt >= job.maxAttempts,
    }),
);

export const pdfsTasks = [generatePdfsTask];
