/** Job handlers of the bulk PDF export (DESIGN.md "Long work"); the steps live in the service. */
import { Type, type Static } from '@sinclair/typebox';
import type { Deps } from '../deps.ts';
import { defineTask, type Task } from '../platform/jobs/queue.ts';
import {
  TASKS,
  failJob,
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

/** Every step: a job that fails for good ends the bulk PDF job in `Error`. */
const onFailed = {
  onFailed: (p: Static<typeof JobRef>, { deps }: { deps: Deps }) => failJob(deps, p),
};

export const bulkpdfTasks: readonly Task<Deps>[] = [
  defineTask(TASKS.start, JobRef, (p, { deps }) => startJob(deps, p), onFailed),
  defineTask(
    TASKS.generate,
    JobRef,
    (p, { deps, signal }) => generateMissing(deps, p, signal),
    onFailed,
  ),
  defineTask(TASKS.plan, JobRef, (p, { deps, signal }) => planParts(deps, p, signal), onFailed),
  defineTask(TASKS.zip, JobRef, (p, { deps, signal }) => zipPart(deps, p, signal), onFailed),
  defineTask(TASKS.finish, JobRef, (p, { deps }) => finishJob(deps, p), onFailed),
  defineTask(TASKS.purge, JobRef, (p, { deps }) => purgeJob(deps, p)),
];
