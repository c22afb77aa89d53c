/** Job handlers of the bulk PDF export (DESIGN.md "Long work"); the steps live in the service. */
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.ts';
import { defineTask, type Task } from '../platform/jobs/queue.ts';
import {
  TASKS,
  finishJob,
  generateMissing,
  planParts,
  purgeJob,
  startJob,
  zipPart,
} from './bulkpdf.service.ts';

const JobRef = Type.Object({
  jobId: Type.String({ pattern: '^[0-9a-f]{32}$' }),
  tenantId: Type.String({ maxLength: 64 }),
  entityId: Type.String({ maxLength: 64 }),
  part: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

export const bulkpdfTasks: readonly Task<Deps>[] = [
  defineTask(TASKS.start, JobRef, (p, { deps }) => startJob(deps, p)),
  defineTask(TASKS.generate, JobRef, (p, { deps, signal }) => generateMissing(deps, p, signal)),
  defineTask(TASKS.plan, JobRef, (p, { deps, signal }) => planParts(deps, p, signal)),
  defineTask(TASKS.zip, JobRef, (p, { deps, signal }) => zipPart(deps, p, signal)),
  defineTask(TASKS.finish, JobRef, (p, { deps }) => finishJob(deps, p)),
  defineTask(TASKS.purge, JobRef, (p, { deps }) => purgeJob(deps, p)),
];
