/**
 * Queue port (STYLE.md "Jobs", DESIGN.md "Long work"). A *task* is code registered at start; a
 * *job* is a queued row naming a task. The port is adapter-neutral: the embedded adapter
 * (`embedded.ts`) keeps jobs in a table of the application database; a graphile-worker adapter
 * (`graphile.ts`) keeps them in graphile-worker's schema on PostgreSQL; nothing here names a
 * table or a dialect.
 */
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Log } from '../log.ts';

/** Task ids are `capability.verb` (STYLE.md "Naming"), e.g. `billruns.plan`. */
export const TASK_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z][a-zA-Z0-9]*$/;
/** Limits on what a caller may enqueue: a job row stays small; big inputs live on domain rows. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
export const MAX_JOB_KEY_LENGTH = 200;
export const MAX_ATTEMPTS_LIMIT = 100;
/** graphile-worker's default, so the two adapters retry alike. */
export const DEFAULT_MAX_ATTEMPTS = 25;

/** What a handler receives besides its payload. */
export interface TaskContext<D> {
  deps: D;
  /** A child logger carrying the job id, task id and attempt. */
  log: Log;
  /**
   * Aborted when the runner stops (SIGTERM, tests). Handlers check it between batches and stop
   * early; a job whose handler rejects after the abort is released, not counted as a failure.
   */
  signal: AbortSignal;
  job: { id: string; attempt: number; maxAttempts: number };
}

/** A task: its id, the TypeBox schema of its payload and its handler. */
export interface Task<D> {
  readonly id: string;
  readonly schema: TSchema;
  /** Called with a payload that has already passed `schema`. */
  readonly handler: (payload: never, ctx: TaskContext<D>) => Promise<void>;
  /**
   * Called once when a job of this task fails for good — its last attempt threw, or its runner
   * died during the last attempt (then the handler never saw the failure) — so the task can
   * move its domain row to an error state instead of leaving it in progress forever. Errors it
   * throws are logged, not retried.
   */
  readonly onFailed?: ((payload: never, ctx: { deps: D; log: Log }) => Promise<void>) | undefined;
}

/** Declares a task; the runner checks the payload against `schema` before calling `handler`. */
export const defineTask = <D, S extends TSchema>(
  id: string,
  schema: S,
  handler: (payload: Static<S>, ctx: TaskContext<D>) => Promise<void>,
  options: { onFailed?: (payload: Static<S>, ctx: { deps: D; log: Log }) => Promise<void> } = {},
): Task<D> => ({
  id,
  schema,
  handler,
  ...(options.onFailed === undefined ? {} : { onFailed: options.onFailed }),
});

/** The explicit task list as a map; duplicate or malformed ids are fatal at start up. */
export const taskRegistry = <D>(tasks: readonly Task<D>[]): ReadonlyMap<string, Task<D>> => {
  const map = new Map<string, Task<D>>();
  for (const t of tasks) {
    if (!TASK_ID.test(t.id))
      throw new Error(`Task id '${t.id}' is not of the form capability.verb`);
    if (map.has(t.id)) throw new Error(`Task id '${t.id}' is registered twice`);
    map.set(t.id, t);
  }
  return map;
};

/**
 * The connection a job is written through: a Kysely instance or transaction of any table set
 * (usually the caller's transaction). Typed by `getExecutor` alone so that every `Kysely<DB>`
 * fits; an adapter uses it as a Kysely over its own tables (the embedded `jobs` table, or
 * graphile-worker's `add_job` function) on the same connection.
 */
export type JobConnection = Pick<Kysely<unknown>, 'getExecutor'>;

export interface AddOptions {
  /** Not before this instant (default: now by `deps.clock`). */
  runAt?: Date;
  /**
   * De-duplication key. While a job with this key is queued or running, adding another is a
   * no-op that returns the existing job (`deduplicated: true`). A permanently failed job with
   * the key is revived with the new payload and a fresh attempt count; a completed job no longer
   * holds its key.
   */
  jobKey?: string;
  /** Attempts before the job fails permanently (default 25, at most 100). */
  maxAttempts?: number;
  /**
   * Run at once, in the caller, instead of waiting for a runner (the emulator's "immediately"
   * mode). The job row is still written in the caller's transaction, so it commits or rolls back
   * with the caller's rows; the run itself cannot start before that commit, so it happens in
   * `queue.settle(added)`, which the caller awaits after committing. Jobs that an inline job's
   * handler adds with `inline: true` run, depth first, before `settle` returns. Each inline run
   * is one attempt: a failure with attempts left is retried later by the runner, with backoff.
   */
  inline?: boolean;
}

export interface AddedJob {
  id: string;
  /** True when `jobKey` matched a job that is still queued or running (nothing was added). */
  deduplicated: boolean;
  inline: boolean;
}

/** What one attempt of a job came to. */
export type JobOutcome = 'completed' | 'retried' | 'failed' | 'released';

export interface RunSummary {
  completed: number;
  retried: number;
  failed: number;
  released: number;
}

/** The queue port every capability enqueues through (`deps.queue`). */
export interface Queue {
  /**
   * Enqueues a job through `db`, which should be the caller's transaction so the job commits or
   * rolls back with the caller's rows. Throws on an unknown task id, a payload that fails the
   * task's schema, or a payload/key/attempt count over the limits (programming errors).
   */
  add(db: JobConnection, taskId: string, payload: unknown, options?: AddOptions): Promise<AddedJob>;
  /**
   * Runs an inline job (see `AddOptions.inline`) and the inline jobs it adds, to completion of
   * one attempt each, in the caller. Call after the transaction that added it has committed.
   * Returns `undefined` for a job that was not added inline or is no longer runnable.
   */
  settle(added: AddedJob): Promise<JobOutcome | undefined>;
  /** Starts the background runner (`folio serve` with `worker` on). Idempotent. */
  start(): void;
  /**
   * Stops claiming, aborts the signal of running jobs and waits for their handlers to settle:
   * each is completed, failed or released for another runner. Idempotent.
   */
  stop(): Promise<void>;
  /**
   * Runs every job that is ready now (run_at ≤ clock) with the configured concurrency until none
   * is left, then resolves. Jobs scheduled in the future (backoff) are left for later. For tests
   * and the CLI: nothing sleeps.
   */
  runUntilIdle(): Promise<RunSummary>;
  /**
   * Installs or upgrades what the adapter keeps in the database outside the application's
   * migrations (graphile-worker's own schema); run with the migrations. Idempotent.
   */
  prepare(): Promise<void>;
}

/**
 * Checks what a caller enqueues, the same for every adapter; throws on a programming error.
 * Returns the payload as JSON and the attempt limit to store.
 */
export const checkAdd = <D>(
  tasks: ReadonlyMap<string, Task<D>>,
  taskId: string,
  payload: unknown,
  options: AddOptions,
): { json: string; maxAttempts: number } => {
  const task = tasks.get(taskId);
  if (task === undefined) throw new Error(`Unknown task id '${taskId}'`);
  const first = Value.Errors(task.schema, payload).First();
  if (first !== undefined)
    throw new Error(
      `Payload of task ${taskId} is invalid at '${first.path || '/'}': ${first.message}`,
    );
  const json = JSON.stringify(payload);
  if (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES)
    throw new Error(`Payload of task ${taskId} exceeds ${MAX_PAYLOAD_BYTES} bytes`);
  const { jobKey, runAt } = options;
  if (jobKey !== undefined && (jobKey.length === 0 || jobKey.length > MAX_JOB_KEY_LENGTH))
    throw new Error(`jobKey must be 1–${MAX_JOB_KEY_LENGTH} characters`);
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT)
    throw new Error(`maxAttempts must be an integer 1–${MAX_ATTEMPTS_LIMIT}`);
  if (runAt !== undefined && Number.isNaN(runAt.getTime()))
    throw new Error('runAt is not a valid date');
  return { json, maxAttempts };
};

/**
 * Whether a runner named `<host>:<pid>:…` ran on this host in a process that no longer exists:
 * its locks can be released at once instead of after the lease (a restarted server resumes its
 * own jobs without waiting). Runners of other hosts, and this process, are never judged dead here.
 */
export const deadOnThisHost = (owner: string): boolean => {
  const [h, pid] = owner.split(':');
  const n = Number(pid);
  if (h !== hostname() || !Number.isInteger(n) || n <= 0 || n === process.pid) return false;
  try {
    process.kill(n, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
};
