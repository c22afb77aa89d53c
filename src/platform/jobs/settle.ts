/**
 * Settling inline jobs after the caller's commit (the emulator's lifecycle mode `immediately`,
 * issue 12). A service wraps the work that commits its rows and jobs in `settleAfter`; a queue
 * that adds a job inline (`AddOptions.inline`) reports it with `noteInline`; once the work has
 * committed, `settleAfter` runs each reported job to completion of one attempt, in order, so the
 * service can answer with the job already done. Without a surrounding `settleAfter` (or on a
 * queue that adds nothing inline) nothing changes: the runner picks the jobs up as usual.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AddedJob, Queue } from './queue.ts';

const collector = new AsyncLocalStorage<AddedJob[] | undefined>();

/** Called by a queue for a job it added inline, so the surrounding `settleAfter` settles it. */
export const noteInline = (added: AddedJob): void => {
  if (added.inline) collector.getStore()?.push(added);
};

/** True inside `settleAfter`'s work (a queue may then add jobs inline). */
export const isCollecting = (): boolean => collector.getStore() !== undefined;

/**
 * Runs `work` (which must have committed its transaction when it resolves), then settles the inline
 * jobs added during it. `settled` tells whether any job ran, so the caller knows to re-read.
 */
export const settleAfter = async <T>(
  queue: Pick<Queue, 'settle'>,
  work: () => Promise<T>,
): Promise<{ value: T; settled: boolean }> => {
  const added: AddedJob[] = [];
  const value = await collector.run(added, work);
  // Jobs that these jobs add inline are run by the queue itself, depth first (AddOptions.inline).
  for (const a of added) await collector.run(undefined, () => queue.settle(a));
  return { value, settled: added.length > 0 };
};

/**
 * What a capability's status read tells the emulator's lifecycle control (`deps.jobControl`): a
 * poll of an async job's status, which may move the job one step (lifecycle mode `polls`).
 */
export interface JobControl {
  /** Counts a poll of `objectId`'s status; true when it moved the object (read it again). */
  polled(tenantId: string, objectId: string): Promise<boolean>;
}
