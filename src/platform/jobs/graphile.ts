/**
 * The graphile-worker adapter of the queue port (DESIGN.md "Deployment modes": scale-out on
 * PostgreSQL). The only file that imports graphile-worker (STYLE.md "Dependency rules").
 *
 * - `add` calls graphile-worker's `add_job` SQL function through the caller's connection, so a
 *   job commits or rolls back with the caller's rows.
 * - Background runs (`start`) and `runUntilIdle` are graphile-worker's own runners (`run`,
 *   `runOnce`): claiming with SKIP LOCKED, LISTEN/NOTIFY wake-up, retries with its backoff
 *   (exp(min(attempts, 10)) seconds), completed jobs deleted, failed ones kept with `last_error`.
 * - Crash recovery: graphile-worker frees the locks of a dead process only after 4 hours. Each
 *   process therefore keeps a heartbeat row per worker pool (`folio_runners`, in the worker
 *   schema); a pool silent for longer than the lease (`FOLIO_JOB_LEASE_SECONDS`) is presumed dead
 *   and its locks are released with graphile-worker's `force_unlock_workers`.
 * - Inline jobs (`settle`) are claimed by id, run in the caller and finished with the same SQL
 *   graphile-worker uses, on its `_private_jobs` table (the one place that reads it).
 *
 * Time is the database's, as graphile-worker's: `runAt` becomes the same delay from PostgreSQL's
 * `now()`; advancing a test clock does not make a waiting job due here.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { Kysely, PostgresDialect, sql, type RawBuilder } from 'kysely';
import type pg from 'pg';
import { Value } from '@sinclair/typebox/value';
import {
  Logger,
  run,
  runMigrations,
  runOnce,
  type JobHelpers,
  type Runner,
  type RunnerOptions,
  type TaskList,
  type WorkerEvents,
  type WorkerPool,
} from 'graphile-worker';
import type { Clock } from '../clock.ts';
import type { Ids } from '../ids.ts';
import type { Log } from '../log.ts';
import type { Registry } from 'prom-client';
import { jobMetrics } from './embedded.ts';
import {
  checkAdd,
  deadOnThisHost,
  type AddedJob,
  type JobOutcome,
  type Queue,
  type RunSummary,
  type Task,
} from './queue.ts';

export interface GraphileQueueOptions<D> {
  /** The application's PostgreSQL pool (graphile-worker qualifies every name by `schema`). */
  pool: pg.Pool;
  /** graphile-worker's schema (`graphile_worker` by default; one per test context). */
  schema: string;
  tasks: ReadonlyMap<string, Task<D>>;
  deps: () => D;
  ids: Ids;
  log: Log;
  metrics: Registry;
  concurrency: number;
  /** A runner whose heartbeat is older than this is presumed dead and its locks are released. */
  leaseMs: number;
  /** How often an idle runner polls (graphile-worker also wakes on NOTIFY). */
  pollIntervalMs: number;
  /** The clock `runAt` is given by (`deps.clock`, perhaps a test clock). */
  clock: Clock;
}

const MAX_ERROR_LENGTH = 4000;
const messageOf = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).slice(0, MAX_ERROR_LENGTH);

/** The default worker schema, graphile-worker's own default. */
export const DEFAULT_WORKER_SCHEMA = 'graphile_worker';

interface ClaimedJob {
  id: string;
  task_id: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

/** Builds the graphile-worker queue. Nothing runs until `start()`, `runUntilIdle()` or `settle()`. */
export const createGraphileQueue = <D>(options: GraphileQueueOptions<D>): Queue => {
  const { pool, tasks, log, concurrency, leaseMs } = options;
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema))
    throw new Error(`bad worker schema name ${options.schema}`);
  const s = sql.id(options.schema);
  // An idle client's error (e.g. the server restarting) must be logged, not crash the process;
  // graphile-worker warns about a pool without a handler.
  if (pool.listenerCount('error') === 0)
    pool.on('error', (err) => log.error({ err }, 'PostgreSQL pool client error'));
  // The same for a client checked out of the pool (graphile-worker checks for both handlers).
  if (pool.listenerCount('connect') === 0)
    pool.on('connect', (client) => {
      client.on('error', (err) => log.error({ err }, 'PostgreSQL client error'));
    });
  // Statements outside a caller's transaction go through the same pool. This Kysely is never
  // destroyed: the pool belongs to the database handle, which ends it.
  const own = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const instanceId = `folio-${hostname()}-${process.pid}-${options.ids.id().slice(0, 8)}`;
  const owner = `${hostname()}:${process.pid}`;
  const { counter, duration } = jobMetrics(options.metrics);
  const inlineScope = new AsyncLocalStorage<{ inlineIds: string[] }>();
  const summaryScope = new AsyncLocalStorage<RunSummary>();

  /** Runs a statement on the pool (not in a caller's transaction). */
  const exec = async <R>(query: RawBuilder<R>): Promise<R[]> => (await query.execute(own)).rows;

  const graphileLog = new Logger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...(meta ?? {}) };
    // LogLevel is a const enum of strings ('error', 'warning', 'info', 'debug').
    const name = String(level);
    if (name === 'error' || name === 'warning') log.warn(fields, message);
    else log.debug(fields, message);
  });

  // ---- liveness: heartbeats of this process's pools, release of dead ones' locks ----------
  const live = new Set<string>();
  let heartbeat: NodeJS.Timeout | undefined;
  const beat = async (): Promise<void> => {
    if (live.size > 0)
      await exec(sql`insert into ${s}.folio_runners (id, owner, seen_at)
        select unnest(${[...live]}::text[]), ${owner}, now()
        on conflict (id) do update set seen_at = excluded.seen_at, owner = excluded.owner`);
    await sweep();
  };
  const sweep = async (): Promise<void> => {
    // Locks of runners silent for longer than the lease are given back; a job that was on its
    // last attempt is failed with a clear reason rather than left without one.
    // Three statements in one transaction: force_unlock_workers would not see an update made by
    // a CTE of its own statement.
    await own.transaction().execute(async (tx) => {
      // Also at once: pools of a process of this host that no longer exists (a restart after a
      // crash resumes its jobs without waiting for the lease; as the embedded runner does).
      const gone = (
        await sql<{ id: string; owner: string | null }>`select id, owner from ${s}.folio_runners
          where owner like ${`${hostname()}:%`}`.execute(tx)
      ).rows
        .filter((r) => r.owner !== null && deadOnThisHost(r.owner))
        .map((r) => r.id);
      const dead = (
        await sql<{ id: string }>`delete from ${s}.folio_runners
          where seen_at < now() - ${leaseMs} * interval '1 millisecond' or id = any(${gone}::text[])
          returning id`.execute(tx)
      ).rows.map((r) => r.id);
      if (dead.length === 0) return;
      await sql`update ${s}._private_jobs
        set last_error = 'The runner holding the last attempt stopped responding (lease expired).'
        where locked_by = any(${dead}::text[]) and attempts >= max_attempts`.execute(tx);
      await sql`select ${s}.force_unlock_workers(${dead}::text[])`.execute(tx);
      log.warn({ runners: dead }, 'released the jobs of job runners that stopped responding');
    });
  };
  // Heartbeat writes run one after another, so a pool's deregistration cannot be overtaken by
  // its own first heartbeat.
  let beats: Promise<void> = Promise.resolve();
  const serial = (op: () => Promise<unknown>): void => {
    beats = beats
      .then(op)
      .then(() => undefined)
      .catch((err: unknown) => log.warn({ err }, 'job runner heartbeat failed'));
  };
  const register = (id: string): void => {
    if (!live.has(id)) {
      live.add(id);
      serial(beat);
    }
    heartbeat ??= setInterval(() => serial(beat), Math.max(250, Math.floor(leaseMs / 4)));
    heartbeat.unref();
  };
  const unregister = (id: string): void => {
    live.delete(id);
    serial(() => exec(sql`delete from ${s}.folio_runners where id = ${id}`));
    if (live.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };

  const pools = new Set<WorkerPool>();
  const events = new EventEmitter() as WorkerEvents;
  events.on('pool:create', ({ workerPool }) => {
    pools.add(workerPool);
    register(workerPool.id);
  });
  events.on('pool:release', ({ workerPool }) => {
    pools.delete(workerPool);
    unregister(workerPool.id);
  });

  // ---- running one attempt ------------------------------------------------------------------
  const controllers = new Set<AbortController>();
  const active = new Set<Promise<unknown>>();
  /** Jobs whose attempt was cut short by stop(): given back once their runner has stopped. */
  const released = new Map<string, number>();
  let stopping = false;

  const track = <T>(p: Promise<T>): Promise<T> => {
    active.add(p);
    void p.finally(() => active.delete(p)).catch(() => undefined);
    return p;
  };

  /**
   * Runs a task's handler for one attempt and records the outcome; returns the error message
   * when the attempt did not complete. Inline jobs added by the handler run afterwards.
   */
  const attempt = async (
    job: ClaimedJob,
    outer: AbortSignal | undefined,
  ): Promise<{ outcome: JobOutcome; error?: string }> => {
    const task = tasks.get(job.task_id);
    const jobLog = log.child({ jobId: job.id, taskId: job.task_id, attempt: job.attempts });
    const controller = new AbortController();
    controllers.add(controller);
    const onOuter = (): void => controller.abort();
    outer?.addEventListener('abort', onOuter);
    if (stopping || outer?.aborted) controller.abort();
    const started = performance.now();
    const scope = { inlineIds: [] as string[] };
    let outcome: JobOutcome;
    let error: string | undefined;
    try {
      if (task === undefined) {
        outcome = 'failed';
        error = `Unknown task id '${job.task_id}': no task of that id is registered in this process.`;
      } else if (controller.signal.aborted) {
        outcome = 'released';
        error = 'The runner was stopping.';
      } else {
        const first = Value.Errors(task.schema, job.payload).First();
        if (first !== undefined) {
          outcome = 'failed';
          error = `Payload of task ${task.id} is invalid at '${first.path || '/'}': ${first.message}`;
        } else {
          try {
            await inlineScope.run(scope, () =>
              task.handler(job.payload as never, {
                deps: options.deps(),
                log: jobLog,
                signal: controller.signal,
                job: { id: job.id, attempt: job.attempts, maxAttempts: job.max_attempts },
              }),
            );
            outcome = 'completed';
          } catch (err) {
            error = messageOf(err);
            if (controller.signal.aborted) outcome = 'released';
            else outcome = job.attempts >= job.max_attempts ? 'failed' : 'retried';
            jobLog.warn({ err, outcome }, 'job attempt failed');
          }
        }
      }
    } finally {
      controllers.delete(controller);
      outer?.removeEventListener('abort', onOuter);
    }
    if (outcome === 'failed') jobLog.error({ error }, 'job failed permanently');
    const labels = { task: task === undefined ? 'unknown' : task.id, outcome };
    counter.inc(labels);
    duration.observe(labels, (performance.now() - started) / 1000);
    const summary = summaryScope.getStore();
    if (summary !== undefined) summary[outcome] += 1;
    if (outcome === 'completed') {
      for (const id of scope.inlineIds) {
        if (stopping) break;
        await settleById(id);
      }
    }
    return error === undefined ? { outcome } : { outcome, error };
  };

  /** graphile-worker's task list: every registered task behind `attempt`. */
  const taskList: TaskList = {};
  for (const id of tasks.keys()) {
    taskList[id] = async (payload: unknown, helpers: JobHelpers) => {
      const job: ClaimedJob = {
        id: String(helpers.job.id),
        task_id: id,
        payload,
        attempts: helpers.job.attempts,
        max_attempts: helpers.job.max_attempts,
      };
      const { outcome, error } = await attempt(job, helpers.abortSignal);
      if (outcome === 'completed') return;
      if (outcome === 'released') released.set(job.id, job.attempts);
      // graphile-worker records the failure (last_error, backoff; failed for good when the
      // attempts are used up). A job failed for a reason no retry can fix (invalid payload) is
      // still retried here: `add` checks payloads, so only a hand-written row can get there.
      throw new Error(error ?? 'job attempt failed');
    };
  }

  // ---- inline jobs ----------------------------------------------------------------------------
  const claimById = async (id: string): Promise<ClaimedJob | undefined> => {
    const [row] = await exec(sql<ClaimedJob>`update ${s}._private_jobs as jobs
        set locked_at = now(), locked_by = ${instanceId}, attempts = jobs.attempts + 1
        where jobs.id = ${id}::bigint and jobs.is_available and jobs.run_at <= now()
        returning jobs.id::text as id,
          (select identifier from ${s}._private_tasks t where t.id = jobs.task_id) as task_id,
          jobs.payload, jobs.attempts::int as attempts, jobs.max_attempts::int as max_attempts`);
    return row;
  };

  const finishInline = async (
    job: ClaimedJob,
    outcome: JobOutcome,
    error: string | undefined,
  ): Promise<void> => {
    const mine = sql`jobs.id = ${job.id}::bigint and jobs.locked_by = ${instanceId}`;
    switch (outcome) {
      case 'completed':
        await exec(sql`delete from ${s}._private_jobs as jobs where ${mine}`);
        return;
      case 'released':
        await exec(sql`update ${s}._private_jobs as jobs
          set locked_at = null, locked_by = null, attempts = jobs.attempts - 1, updated_at = now()
          where ${mine}`);
        return;
      case 'retried':
      case 'failed':
        // graphile-worker's own failure update (its failJobs): the same backoff; a job whose
        // attempts are used up is permanently failed by that alone.
        await exec(sql`update ${s}._private_jobs as jobs
          set last_error = ${error ?? null}::text,
            run_at = greatest(now(), jobs.run_at) + (exp(least(jobs.attempts, 10)) * interval '1 second'),
            locked_at = null, locked_by = null, updated_at = now()
          where ${mine}`);
        return;
    }
  };

  const settleById = async (id: string): Promise<JobOutcome | undefined> => {
    register(instanceId);
    try {
      const job = await claimById(id);
      if (job === undefined) return undefined;
      const { outcome, error } = await attempt(job, undefined);
      await finishInline(job, outcome, error);
      return outcome;
    } finally {
      if (inlineRuns === 0) unregister(instanceId);
    }
  };
  let inlineRuns = 0;

  // ---- the port -------------------------------------------------------------------------------
  const runnerOptions = (): RunnerOptions => ({
    pgPool: pool,
    schema: options.schema,
    concurrency,
    noHandleSignals: true,
    pollInterval: options.pollIntervalMs,
    logger: graphileLog,
    events,
    taskList,
    // graphile-worker does not await a job's completion or failure update unless these are
    // batched; batched, a pool's shutdown flushes them, so `runUntilIdle` and `stop` resolve
    // only once every finished job is recorded. A 0 ms delay still groups concurrent jobs.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  });

  let runner: Promise<Runner> | undefined;

  const giveBackReleased = async (): Promise<void> => {
    for (const [id, attempts] of released) {
      // The stopped attempt was not the job's fault: the attempt is given back, due at once.
      await exec(
        sql`select ${s}.reschedule_jobs(array[${id}::bigint], run_at => now(), attempts => ${attempts - 1}::int)`,
      );
      released.delete(id);
    }
  };

  const queue: Queue = {
    prepare: async () => {
      await runMigrations({ pgPool: pool, schema: options.schema, logger: graphileLog });
      await pool.query(`create table if not exists ${options.schema}.folio_runners (
        id text primary key,
        seen_at timestamptz not null default now()
      )`);
      // `<host>:<pid>` of the process that owns the pool (added after the first release).
      await pool.query(
        `alter table ${options.schema}.folio_runners add column if not exists owner text`,
      );
    },

    add: async (anyDb, taskId, payload, addOptions = {}): Promise<AddedJob> => {
      const { json, maxAttempts } = checkAdd(tasks, taskId, payload, addOptions);
      const k = anyDb as unknown as Kysely<unknown>;
      const { jobKey } = addOptions;
      // `runAt` is a time of `deps.clock`, which may be a test clock far from the database's:
      // graphile-worker compares run_at with PostgreSQL's now(), so the job is due after the same
      // delay from the database's now (else a test clock in the past makes a 30-day job due at
      // once, and a job that reschedules itself by that clock loops).
      const delayMs =
        addOptions.runAt === undefined
          ? 0
          : Math.max(0, addOptions.runAt.getTime() - options.clock.now().getTime());
      const runAt =
        delayMs === 0
          ? sql`null`
          : sql`now() + ${delayMs}::double precision * interval '1 millisecond'`;
      const inline = addOptions.inline === true;
      let added: AddedJob;
      if (jobKey === undefined) {
        const r = await sql<{ id: string }>`select id::text as id from ${s}.add_job(
            ${taskId}::text, ${json}::json, null, ${runAt}, ${maxAttempts}::int)`.execute(k);
        added = { id: r.rows[0]!.id, deduplicated: false, inline };
      } else {
        // A job with the key that is queued or running is the answer (no-op). A permanently
        // failed one is replaced by a fresh job by add_job's 'replace' mode. Otherwise the job is
        // inserted with 'unsafe_dedupe', which returns the existing job should a concurrent
        // caller have inserted one with the key since (graphile-worker docs, "Job keys").
        const existing = await sql<{ id: string; live: boolean }>`
          select id::text as id, (locked_at is not null or attempts < max_attempts) as live
          from ${s}._private_jobs where key = ${jobKey}`.execute(k);
        const found = existing.rows[0];
        if (found?.live === true) return { id: found.id, deduplicated: true, inline: false };
        const mode = found === undefined ? 'unsafe_dedupe' : 'replace';
        const r = await sql<{ id: string }>`select id::text as id from ${s}.add_job(
            ${taskId}::text, ${json}::json, null, ${runAt}, ${maxAttempts}::int,
            ${jobKey}::text, null, null, ${mode}::text)`.execute(k);
        added = { id: r.rows[0]!.id, deduplicated: false, inline };
      }
      if (added.inline) inlineScope.getStore()?.inlineIds.push(added.id);
      return added;
    },

    settle: async (added) => {
      if (!added.inline) return undefined;
      inlineRuns += 1;
      try {
        return await track(settleById(added.id));
      } finally {
        inlineRuns -= 1;
        if (inlineRuns === 0 && live.has(instanceId)) unregister(instanceId);
      }
    },

    start: () => {
      if (runner !== undefined) return;
      stopping = false;
      const started = run(runnerOptions());
      runner = started;
      started.catch((err: unknown) => log.error({ err }, 'job runner failed to start'));
    },

    stop: async () => {
      stopping = true;
      for (const c of controllers) c.abort();
      const r = runner;
      runner = undefined;
      if (r !== undefined) await (await r.catch(() => undefined))?.stop();
      await Promise.allSettled(
        [...pools].map(async (p) => {
          await p.gracefulShutdown('Folio is stopping');
        }),
      );
      while (active.size > 0) await Promise.allSettled([...active]);
      await giveBackReleased();
      for (const id of [...live]) unregister(id);
      await beats;
      stopping = false;
    },

    runUntilIdle: async () => {
      const summary: RunSummary = { completed: 0, retried: 0, failed: 0, released: 0 };
      await sweep();
      await track(summaryScope.run(summary, () => runOnce(runnerOptions())));
      await giveBackReleased();
      await beats;
      return summary;
    },
  };
  return queue;
};
