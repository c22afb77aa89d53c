/** Job handler of callouts (issue 12 part 5): one attempt of one delivery. */
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.ts';
import { defineTask, type Task } from '../platform/jobs/queue.ts';
import { TASKS, deliver } from './callouts.service.ts';

const DeliveryRef = Type.Object({
  tenantId: Type.String({ maxLength: 64 }),
  deliveryId: Type.String({ maxLength: 64 }),
});

export const calloutsTasks: readonly Task<Deps>[] = [
  defineTask(TASKS.deliver, DeliveryRef, (p, { deps, job }) =>
    deliver(deps, p, { number: job.attempt, max: job.maxAttempts }),
  ),
];
