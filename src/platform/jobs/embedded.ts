/**
 * The embedded queue adapter: jobs in the `jobs` table of the application database, run by an
 * in-process runner (DESIGN.md "Deployment modes"). Modelled on graphile-worker: attempts are
 * counted when a job is claimed, completed jobs are deleted, permanently failed ones stay with
 * their last error, and a crashed runner's lock is taken over once its lease has expired.
 *
 * Claiming is one statement, `UPDATE jobs … WHERE id = (SELECT id … LIMIT 1) RETURNING *`: atomic
 * on SQLite (one writer at a time, across processes too, through the file lock) and, with
 * `FOR UPDATE SKIP LOCKED` in the sub-select, free of double claims and lock waits on PostgreSQL.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import { Value } from '@sinclair/typebox/value';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../clock.ts';
import type { Ids } from '../ids.ts';
import type { Log } from '../log.ts';
import type { JobsTable, JobsTables } from './table.ts';
import {
  deadOnThisHost,
  checkAdd,
  type AddedJob,
  type AddOptions,
  type JobOutcome,
  type Queue,
  type RunSummary,
  type Task,
} from './queue.ts';

export interface EmbeddedQueueOptions<D> {
  /** The writer connection (jobs are written and claimed through it). */
  db: Kysely<JobsTables>;
  dialect: 'sqlite' | 'postgres';
  tasks: ReadonlyMap<string, Task<D>>;
  /** The handlers' `ctx.deps`; a thunk because the queue is itself part of Deps. */
  deps: () => D;
  clock: Clock;
  ids: Ids;
  log: Log;
  metrics: Registry;
  /** Jobs run at once by `start()` and by `runUntilIdle()`. */
  concurrency: number;
  /** A lock older than this is stale: its runner is presumed dead and the job is re-claimed. */
  leaseMs: number;
  /** How often an idle runner looks for jobs added by other processes or become due. */
  pollIntervalMs: number;
  /** First retry delay and its cap (exponential in between). */
  backoff?: { baseMs: number; maxMs: number };
  /** [0, 1) source for the jitter (tests may fix it). */
  random?: () => number;
}

const MAX_ERROR_LENGTH = 4000;

/**
 * Delay before retry number `attempt` (1 = after the first failure): base·2^(attempt−1) capped
 * at `maxMs`, then "equal jitter" (half fixed, half random) so that jobs failing together do
 * not retry together (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015).
 */
export const backoffMs = (
  attempt: number,
  random: number,
  { baseMs, maxMs }: { baseMs: number; maxMs: number },
): number => {
  const capped = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(capped / 2 + (capped / 2) * random);
};

/** The job metrics both queue adapters record (registered once per registry). */
export const jobMetrics = (
  metrics: Registry,
): {
  counter: Counter<'task' | 'outcome'>;
  duration: Histogram<'task' | 'outcome'>;
} => ({
  counter:
    (metrics.getSingleMetric('folio_jobs_total') as Counter<'task' | 'outcome'>) ??
    new Counter({
      name: 'folio_jobs_total',
      help: 'Job attempts by task and outcome (completed, retried, failed, released).',
      labelNames: ['task', 'outcome'],
      registers: [metrics],
    }),
  duration:
    (metrics.getSingleMetric('folio_job_duration_seconds') as Histogram<'task' | 'outcome'>) ??
    new Histogram({
      name: 'folio_job_duration_seconds',
      help: 'Duration of job attempts by task and outcome.',
      labelNames: ['task', 'outcome'],
      buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers: [metrics],
    }),
});

const iso = (d: Date): string => d.toISOString();
const messageOf = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).slice(0, MAX_ERROR_LENGTH);

type JobRow = JobsTable;

/** Builds the embedded queue. Nothing runs until `start()`, `runUntilIdle()` or `settle()`. */
export const createEmbeddedQueue = <D>(options: EmbeddedQueueOptions<D>): Queue => {
  const { db, tasks, clock, log, concurrency, leaseMs } = options;
  const backoff = options.backoff ?? { baseMs: 2_000, maxMs: 3_600_000 };
  const random = options.random ?? Math.random;
  const workerId = `${hostname()}:${process.pid}:${options.ids.id().slice(0, 8)}`;
  const inlineScope = new AsyncLocalStorage<{ inlineIds: string[] }>();

  const { counter, duration } = jobMetrics(options.metrics);

  const controllers = new Set<AbortController>();
  const active = new Set<Promise<unknown>>();
  const sleepers = new Set<() => void>();
  let runner: AbortController | undefined;

  // A job added in-process wakes the idle runners at once. `add` runs inside the caller's
  // transaction, so on PostgreSQL the woken claim (another pooled connection) may not see the job
  // until that commits: after a wake, an empty claim is retried a few times at short, doubling
  // delays (20 ms … 320 ms) before the runner falls back to the idle poll.
  const WAKE_RECHECKS = 5;
  let wakes = 0;
  const wake = (): void => {
    wakes++;
    for (const w of sleepers) w();
    sleepers.clear();
  };
  const track = <T>(p: Promise<T>): Promise<T> => {
    active.add(p);
    void p.finally(() => active.delete(p)).catch(() => undefined);
    return p;
  };

  const claim = async (id?: string): Promise<JobRow | undefined> => {
    const now = clock.now();
    const staleBefore = iso(new Date(now.getTime() - leaseMs));
    return db
      .updateTable('jobs')
      .set({
        locked_at: iso(now),
        locked_by: workerId,
        attempts: sql<number>`attempts + 1`,
        updated_at: iso(now),
      })
      .where('id', '=', (eb) => {
        let q = eb
          .selectFrom('jobs')
          .select('id')
          .where('failed_at', 'is', null)
          .where('run_at', '<=', iso(now))
          .where((w) => w.or([w('locked_at', 'is', null), w('locked_at', '<', staleBefore)]))
          .where((w) => w('attempts', '<', w.ref('max_attempts')));
        if (id !== undefined) q = q.where('id', '=', id);
        q = q.orderBy('run_at').orderBy('id').limit(1);
        return options.dialect === 'postgres' ? q.forUpdate().skipLocked() : q;
      })
      .returningAll()
      .executeTakeFirst();
  };

  // A runner killed during a job's last attempt leaves a lock nobody may claim (no attempts
  // left): once the lease has expired, such a job is failed permanently with a clear reason.
  const sweep = async (): Promise<void> => {
    const now = clock.now();
    const stale = iso(new Date(now.getTime() - leaseMs));
    const exhausted = await db
      .selectFrom('jobs')
      .select('id')
      .where('failed_at', 'is', null)
      .where('locked_at', '<', stale)
      .where((w) => w('attempts', '>=', w.ref('max_attempts')))
      .execute();
    for (const { id } of exhausted) {
      const row = await db
        .updateTable('jobs')
        .set({
          failed_at: iso(now),
          last_error: 'The runner holding the last attempt stopped responding (lease expired).',
          locked_at: null,
          locked_by: null,
          updated_at: iso(now),
        })
        .where('id', '=', id)
        .where('failed_at', 'is', null)
        .where('locked_at', '<', stale)
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined) await failedForGood(row);
    }
  };

  /** Tells the job's task that it failed for good (Task.onFailed), once. */
  const failedForGood = async (row: JobRow): Promise<void> => {
    const task = tasks.get(row.task_id);
    if (task?.onFailed === undefined) return;
    const jobLog = log.child({ jobId: row.id, taskId: row.task_id });
    try {
      const payload: unknown = JSON.parse(row.payload);
      if (Value.Errors(task.schema, payload).First() !== undefined) return;
      await task.onFailed(payload as never, { deps: options.deps(), log: jobLog });
    } catch (err) {
      jobLog.error({ err }, 'onFailed of a failed job threw');
    }
  };

  /**
   * Locks held by runners of this host whose process is gone (SIGKILL, OOM, power cut of the
   * process only) are made stale at once instead of after the lease, so a restarted embedded
   * server resumes its work immediately. Only a certain death counts: another host's runner, a
   * pid that is alive (or reused) or not ours to signal (EPERM) keeps its lease. The lock is
   * backdated rather than cleared so the normal claim and the last-attempt sweep handle it.
   * Found by the crash harness (docs/reliability.md): a killed server's jobs waited the lease.
   */
  const releaseDeadLocalRunners = async (): Promise<void> => {
    const held = await db
      .selectFrom('jobs')
      .select('locked_by')
      .distinct()
      .where('locked_by', 'is not', null)
      .where('failed_at', 'is', null)
      .execute();
    const dead = held
      .map((r) => r.locked_by!)
      .filter((by) => by !== workerId && deadOnThisHost(by));
    if (dead.length === 0) return;
    await db
      .updateTable('jobs')
      .set({ locked_at: iso(new Date(0)) })
      .where('locked_by', 'in', dead)
      .where('failed_at', 'is', null)
      .execute();
  };

  const finish = async (
    row: JobRow,
    outcome: JobOutcome,
    error: string | undefined,
  ): Promise<void> => {
    const now = clock.now();
    const mine = db
      .updateTable('jobs')
      .where('id', '=', row.id)
      .where('locked_by', '=', workerId)
      .where('locked_at', 'is not', null);
    switch (outcome) {
      case 'completed':
        await db
          .deleteFrom('jobs')
          .where('id', '=', row.id)
          .where('locked_by', '=', workerId)
          .execute();
        return;
      case 'released':
        // Stopping is not the job's fault: the attempt is given back.
        await mine
          .set({
            locked_at: null,
            locked_by: null,
            attempts: sql<number>`attempts - 1`,
            updated_at: iso(now),
          })
          .execute();
        return;
      case 'retried':
        await mine
          .set({
            locked_at: null,
            locked_by: null,
            last_error: error ?? null,
            run_at: iso(new Date(now.getTime() + backoffMs(row.attempts, random(), backoff))),
            updated_at: iso(now),
          })
          .execute();
        return;
      case 'failed':
        await mine
          .set({
            locked_at: null,
            locked_by: null,
            last_error: error ?? null,
            failed_at: iso(now),
            updated_at: iso(now),
          })
          .execute();
        return;
    }
  };

  /** One attempt of a claimed job, then the inline jobs its handler added. */
  const execute = async (
    row: JobRow,
    signal: AbortSignal,
    summary: RunSummary,
  ): Promise<JobOutcome> => {
    // A claim that raced with stop() (its query was sent before the abort): give the job back
    // untouched rather than start a handler whose signal is already aborted.
    if (signal.aborted) {
      await finish(row, 'released', undefined);
      return 'released';
    }
    const task = tasks.get(row.task_id);
    const jobLog = log.child({ jobId: row.id, taskId: row.task_id, attempt: row.attempts });
    const started = performance.now();
    const heartbeat = setInterval(
      () => {
        db.updateTable('jobs')
          .set({ locked_at: iso(clock.now()) })
          .where('id', '=', row.id)
          .where('locked_by', '=', workerId)
          .execute()
          .catch((err: unknown) => jobLog.warn({ err }, 'job heartbeat failed'));
      },
      Math.max(1, Math.floor(leaseMs / 4)),
    );
    heartbeat.unref();
    const scope = { inlineIds: [] as string[] };
    let outcome: JobOutcome;
    let error: string | undefined;
    try {
      if (task === undefined) {
        outcome = 'failed';
        error = `Unknown task id '${row.task_id}': no task of that id is registered in this process.`;
      } else {
        let payload: unknown;
        try {
          payload = JSON.parse(row.payload);
        } catch {
          payload = undefined;
        }
        const first = Value.Errors(task.schema, payload).First();
        if (first !== undefined) {
          outcome = 'failed';
          error = `Payload of task ${task.id} is invalid at '${first.path || '/'}': ${first.message}`;
        } else {
          try {
            await inlineScope.run(scope, () =>
              task.handler(payload as never, {
                deps: options.deps(),
                log: jobLog,
                signal,
                job: { id: row.id, attempt: row.attempts, maxAttempts: row.max_attempts },
              }),
            );
            outcome = 'completed';
          } catch (err) {
            error = messageOf(err);
            if (signal.aborted) outcome = 'released';
            else outcome = row.attempts >= row.max_attempts ? 'failed' : 'retried';
            jobLog.warn({ err, outcome }, 'job attempt failed');
          }
        }
      }
      await finish(row, outcome, error);
    } finally {
      clearInterval(heartbeat);
    }
    if (outcome === 'failed') {
      jobLog.error({ error }, 'job failed permanently');
      await failedForGood(row);
    }
    const labels = { task: task === undefined ? 'unknown' : task.id, outcome };
    counter.inc(labels);
    duration.observe(labels, (performance.now() - started) / 1000);
    summary[outcome] += 1;
    if (outcome !== 'released') {
      for (const id of scope.inlineIds) {
        if (signal.aborted) break;
        const child = await claim(id);
        if (child !== undefined) await execute(child, signal, summary);
      }
    }
    return outcome;
  };

  const emptySummary = (): RunSummary => ({ completed: 0, retried: 0, failed: 0, released: 0 });

  const withController = async <T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    controllers.add(controller);
    try {
      return await track(fn(controller.signal));
    } finally {
      controllers.delete(controller);
    }
  };

  const runnerLoop = async (signal: AbortSignal): Promise<void> => {
    const summary = emptySummary();
    let seenWakes = wakes;
    let rechecks = 0;
    while (!signal.aborted) {
      if (wakes !== seenWakes) {
        seenWakes = wakes;
        rechecks = WAKE_RECHECKS;
      }
      let row: JobRow | undefined;
      try {
        row = await claim();
        if (row === undefined) await sweep();
      } catch (err) {
        log.error({ err }, 'job claim failed');
      }
      if (row !== undefined) {
        await execute(row, signal, summary).catch((err: unknown) =>
          log.error({ err, jobId: row.id }, 'job bookkeeping failed; the lease will recover it'),
        );
        continue;
      }
      if (signal.aborted) break;
      let delay = options.pollIntervalMs;
      if (rechecks > 0) {
        delay = Math.min(delay, 20 * 2 ** (WAKE_RECHECKS - rechecks));
        rechecks--;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        function done(): void {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        }
        sleepers.add(done);
      });
    }
  };

  const queue: Queue = {
    // The `jobs` table is created by the application's migrations (0004_jobs).
    prepare: async () => undefined,
    add: async (anyDb, taskId, payload, addOptions: AddOptions = {}): Promise<AddedJob> => {
      const { json, maxAttempts } = checkAdd(tasks, taskId, payload, addOptions);
      const { jobKey, runAt } = addOptions;
      const k = anyDb as unknown as Kysely<JobsTables>;
      const now = iso(clock.now());
      const fresh = {
        payload: json,
        run_at: iso(runAt ?? clock.now()),
        attempts: 0,
        max_attempts: maxAttempts,
        last_error: null,
        locked_at: null,
        locked_by: null,
        failed_at: null,
        updated_at: now,
      };
      let added: AddedJob | undefined;
      const inline = addOptions.inline === true;
      if (jobKey === undefined) {
        const id = options.ids.id();
        await k
          .insertInto('jobs')
          .values({ id, task_id: taskId, job_key: null, created_at: now, ...fresh })
          .execute();
        added = { id, deduplicated: false, inline };
      } else {
        // Insert-or-inspect; the loop covers a keyed job completing (deleted) in between.
        for (let i = 0; i < 3 && added === undefined; i++) {
          const id = options.ids.id();
          const inserted = await k
            .insertInto('jobs')
            .values({ id, task_id: taskId, job_key: jobKey, created_at: now, ...fresh })
            .onConflict((oc) => oc.column('job_key').doNothing())
            .returning('id')
            .executeTakeFirst();
          if (inserted !== undefined) {
            added = { id, deduplicated: false, inline };
            break;
          }
          const existing = await k
            .selectFrom('jobs')
            .select(['id', 'failed_at'])
            .where('job_key', '=', jobKey)
            .executeTakeFirst();
          if (existing === undefined) continue;
          if (existing.failed_at === null) {
            added = { id: existing.id, deduplicated: true, inline: false };
            break;
          }
          const revived = await k
            .updateTable('jobs')
            .set({ task_id: taskId, ...fresh })
            .where('id', '=', existing.id)
            .where('failed_at', 'is not', null)
            .executeTakeFirst();
          if (Number(revived.numUpdatedRows) === 1)
            added = { id: existing.id, deduplicated: false, inline };
        }
        if (added === undefined) throw new Error(`Could not add job with key ${jobKey}`);
      }
      if (added.inline) inlineScope.getStore()?.inlineIds.push(added.id);
      else if (!added.deduplicated) queueMicrotask(wake);
      return added;
    },

    settle: async (added) => {
      if (!added.inline) return undefined;
      return withController(async (signal) => {
        const row = await claim(added.id);
        return row === undefined ? undefined : execute(row, signal, emptySummary());
      });
    },

    start: () => {
      if (runner !== undefined) return;
      const controller = new AbortController();
      runner = controller;
      controllers.add(controller);
      const loops = (): void => {
        for (let i = 0; i < concurrency; i++) void track(runnerLoop(controller.signal));
      };
      void track(
        releaseDeadLocalRunners()
          .catch((err: unknown) => log.warn({ err }, 'releasing dead runners failed'))
          .then(loops),
      );
    },

    stop: async () => {
      for (const c of controllers) c.abort();
      wake();
      while (active.size > 0) await Promise.allSettled([...active]);
      if (runner !== undefined) controllers.delete(runner);
      runner = undefined;
    },

    runUntilIdle: async () =>
      withController(async (signal) => {
        const summary = emptySummary();
        await sweep();
        const worker = async (): Promise<void> => {
          while (!signal.aborted) {
            const row = await claim();
            if (row === undefined) return;
            await execute(row, signal, summary);
          }
        };
        await Promise.all(Array.from({ length: concurrency }, worker));
        return summary;
      }),
  };
  return queue;
};
