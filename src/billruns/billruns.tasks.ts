/**
 * Bill-run jobs (DESIGN.md "Long work"): plan → chunk → finish, and post / cancel / remove. Each
 * handler is one idempotent step of `billruns.service.ts`. A step that keeps failing is a fault
 * of the run itself: on its last attempt the run goes to `Error` (C3.3).
 */
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.ts';
import { defineTask, type Task, type TaskContext } from '../platform/jobs/queue.ts';
import {
  TASKS,
  billChunk,
  deliverEmails,
  failBillRun,
  finishBillRun,
  planBillRun,
  runCancel,
  runPost,
  runRemove,
  type JobRef,
} from './billruns.service.ts';

const Ref = Type.Object({
  tenantId: Type.String({ maxLength: 64 }),
  entityId: Type.String({ maxLength: 64 }),
  billRunId: Type.String({ maxLength: 64 }),
});
const ChunkRef = Type.Object({ ...Ref.properties, chunk: Type.Integer({ minimum: 0 }) });

/** Runs a processing step; on its last attempt a failure moves the run to `Error`. */
const guarded = async (ctx: TaskContext<Deps>, ref: JobRef, step: () => Promise<void>) => {
  try {
    await step();
  } catch (err) {
    if (ctx.job.attempt >= ctx.job.maxAttempts && !ctx.signal.aborted) {
      ctx.log.error({ err, billRunId: ref.billRunId }, 'bill run failed');
      await failBillRun(ctx.deps, ref, 'The bill run failed: an internal error occurred.');
    }
    throw err;
  }
};

/**
 * A processing job failed for good. After a thrown last attempt `guarded` has already moved the
 * run to `Error` (then this does nothing: the run is no longer Processing); after a runner died
 * in the last attempt nobody had, and the run would stay `Processing` forever (crash harness,
 * docs/reliability.md).
 */
const crashedLastAttempt = async (p: JobRef, { deps }: { deps: Deps }): Promise<void> =>
  failBillRun(deps, pick(p), 'The bill run failed: an internal error occurred.');

const pick = (p: JobRef): JobRef => ({
  tenantId: p.tenantId,
  entityId: p.entityId,
  billRunId: p.billRunId,
});

export const billrunsTasks: readonly Task<Deps>[] = [
  defineTask<Deps, typeof Ref>(
    TASKS.plan,
    Ref,
    async (p, ctx) => guarded(ctx, pick(p), () => planBillRun(ctx.deps, pick(p))),
    { onFailed: crashedLastAttempt },
  ),
  defineTask<Deps, typeof ChunkRef>(
    TASKS.chunk,
    ChunkRef,
    async (p, ctx) => guarded(ctx, pick(p), () => billChunk(ctx.deps, pick(p), p.chunk)),
    { onFailed: crashedLastAttempt },
  ),
  defineTask<Deps, typeof Ref>(
    TASKS.finish,
    Ref,
    async (p, ctx) => guarded(ctx, pick(p), () => finishBillRun(ctx.deps, pick(p))),
    { onFailed: crashedLastAttempt },
  ),
  defineTask<Deps, typeof Ref>(TASKS.post, Ref, async (p, ctx) => runPost(ctx.deps, pick(p))),
  defineTask<Deps, typeof Ref>(TASKS.cancel, Ref, async (p, ctx) => runCancel(ctx.deps, pick(p))),
  defineTask<Deps, typeof Ref>(TASKS.remove, Ref, async (p, ctx) => runRemove(ctx.deps, pick(p))),
  defineTask<Deps, typeof Ref>(TASKS.deliver, Ref, async (p, ctx) =>
    deliverEmails(ctx.deps, pick(p), ctx.signal),
  ),
];
