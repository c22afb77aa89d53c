/** The embedded queue on SQLite and PostgreSQL: transactions, keys, retries, locks, stop, inline. */
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { Type } from '@sinclair/typebox';
import { forEachDb } from '../../../test/harness.ts';
import type { Deps } from '../../deps.ts';
import { defineTask, taskRegistry, type Task } from './queue.ts';
import { backoffMs } from './embedded.ts';

// Test-only tasks (STYLE.md: task ids are capability.verb; test tasks live in test files).
const ran: string[] = [];
const events = new EventEmitter();
const gates: (() => void)[] = [];
let running = 0;
let maxRunning = 0;
let blockUntilAborted = true;
let abortSeen: boolean | undefined;

const Key = Type.Object({ key: Type.String() });
const testTasks: Task<Deps>[] = [
  defineTask<Deps, typeof Key>(
    'jobstest.record',
    Key,
    async (p) => {
      ran.push(p.key);
    },
    {
      onFailed: async (p) => {
        ran.push(`failed:${p.key}`);
      },
    },
  ),
  defineTask<Deps, typeof Key>(
    'jobstest.fail',
    Key,
    async (p) => {
      throw new Error(`boom ${p.key}`);
    },
    {
      onFailed: async (p) => {
        ran.push(`failed:${p.key}`);
      },
    },
  ),
  defineTask<Deps, typeof Key>('jobstest.parent', Key, async (p, ctx) => {
    ran.push(p.key);
    await ctx.deps.db.db.transaction().execute(async (tx) => {
      await ctx.deps.queue.add(tx, 'jobstest.record', { key: `${p.key}/child` }, { inline: true });
    });
  }),
  defineTask<Deps, typeof Key>('jobstest.gate', Key, async (p) => {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((resolve) => {
      gates.push(resolve);
      events.emit('gate');
    });
    running -= 1;
    ran.push(p.key);
  }),
  defineTask<Deps, typeof Key>('jobstest.wait', Key, async (p, ctx) => {
    if (blockUntilAborted) {
      events.emit('waiting');
      if (!ctx.signal.aborted) await once(ctx.signal, 'abort');
      abortSeen = ctx.signal.aborted;
      throw new Error('stopped by the runner');
    }
    ran.push(p.key);
  }),
];

beforeEach(() => {
  ran.length = 0;
  gates.length = 0;
  running = 0;
  maxRunning = 0;
  blockUntilAborted = true;
  abortSeen = undefined;
});

const jobRows = (deps: Deps) =>
  deps.db.db.selectFrom('jobs').selectAll().orderBy('created_at').orderBy('id').execute();

test('backoff is exponential, capped, and jittered between half and all of the step', () => {
  const b = { baseMs: 1000, maxMs: 10_000 };
  assert.equal(backoffMs(1, 0, b), 500);
  assert.equal(backoffMs(1, 0.999999, b), 1000);
  assert.equal(backoffMs(3, 1, b), 4000);
  assert.equal(backoffMs(30, 1, b), 10_000);
  assert.equal(backoffMs(30, 0, b), 5000);
});

test('the registry refuses duplicate and malformed task ids', () => {
  const t = testTasks[0]!;
  assert.throws(() => taskRegistry([t, t]), /registered twice/);
  assert.throws(
    () => taskRegistry([defineTask('NoDot', Key, async () => undefined)]),
    /capability\.verb/,
  );
  assert.equal(taskRegistry(testTasks).size, testTasks.length);
});

forEachDb(
  'embedded job queue',
  (ctx) => {
    test('a job added in a rolled-back transaction never runs; a committed one runs once', async () => {
      const { deps } = ctx;
      await assert.rejects(
        deps.db.db.transaction().execute(async (tx) => {
          await deps.queue.add(tx, 'jobstest.record', { key: 'rolled-back' });
          throw new Error('caller fails after enqueuing');
        }),
        /caller fails/,
      );
      await deps.db.db.transaction().execute(async (tx) => {
        await deps.queue.add(tx, 'jobstest.record', { key: 'committed' });
      });
      const summary = await deps.queue.runUntilIdle();
      assert.deepEqual(ran, ['committed']);
      assert.deepEqual(summary, { completed: 1, retried: 0, failed: 0, released: 0 });
      assert.deepEqual(await jobRows(deps), []);
      assert.deepEqual(await deps.queue.runUntilIdle(), {
        completed: 0,
        retried: 0,
        failed: 0,
        released: 0,
      });
    });

    test('jobKey de-duplicates a queued job; the key is free again once it completed', async () => {
      const { deps } = ctx;
      const first = await deps.queue.add(
        deps.db.db,
        'jobstest.record',
        { key: 'a' },
        { jobKey: 'k1' },
      );
      const second = await deps.db.db
        .transaction()
        .execute((tx) => deps.queue.add(tx, 'jobstest.record', { key: 'b' }, { jobKey: 'k1' }));
      assert.equal(first.deduplicated, false);
      assert.equal(second.deduplicated, true);
      assert.equal(second.id, first.id);
      assert.equal((await jobRows(deps)).length, 1);
      await deps.queue.runUntilIdle();
      assert.deepEqual(ran, ['a']);
      const third = await deps.queue.add(
        deps.db.db,
        'jobstest.record',
        { key: 'c' },
        { jobKey: 'k1' },
      );
      assert.equal(third.deduplicated, false);
      assert.notEqual(third.id, first.id);
      await deps.queue.runUntilIdle();
      assert.deepEqual(ran, ['a', 'c']);
    });

    test('a failing job retries with growing backoff, stops at maxAttempts and keeps its error', async () => {
      const { deps, clock } = ctx;
      const { id } = await deps.queue.add(
        deps.db.db,
        'jobstest.fail',
        { key: 'x' },
        { maxAttempts: 3 },
      );
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 2; attempt++) {
        const s = await deps.queue.runUntilIdle();
        assert.deepEqual(s, { completed: 0, retried: 1, failed: 0, released: 0 });
        const [row] = await jobRows(deps);
        assert.equal(row!.attempts, attempt);
        assert.equal(row!.last_error, 'boom x');
        assert.equal(row!.locked_at, null);
        const delay = Date.parse(row!.run_at) - clock.now().getTime();
        // Default backoff: 2 s · 2^(attempt−1), equal jitter → [half, whole] of the step.
        const step = 2000 * 2 ** (attempt - 1);
        assert.ok(delay >= step / 2 && delay <= step, `delay ${delay} for attempt ${attempt}`);
        delays.push(delay);
        // Not due yet: nothing runs until the clock passes run_at.
        assert.equal((await deps.queue.runUntilIdle()).retried, 0);
        clock.advance(delay);
      }
      const last = await deps.queue.runUntilIdle();
      assert.deepEqual(last, { completed: 0, retried: 0, failed: 1, released: 0 });
      const [failed] = await jobRows(deps);
      assert.equal(failed!.id, id);
      assert.equal(failed!.attempts, 3);
      assert.equal(failed!.last_error, 'boom x');
      assert.equal(failed!.failed_at, clock.now().toISOString());
      assert.deepEqual(ran, ['failed:x'], 'Task.onFailed is called once, after the last attempt');
      clock.advance(86_400_000);
      assert.equal((await deps.queue.runUntilIdle()).failed, 0);
      const metrics = await deps.metrics.getSingleMetricAsString('folio_jobs_total');
      assert.match(metrics, /folio_jobs_total\{task="jobstest.fail",outcome="retried"\} 2/);
      assert.match(metrics, /folio_jobs_total\{task="jobstest.fail",outcome="failed"\} 1/);
      assert.match(
        await deps.metrics.getSingleMetricAsString('folio_job_duration_seconds'),
        /folio_job_duration_seconds_count\{task="jobstest.fail",outcome="failed"\} 1/,
      );
      // The permanently failed job holds no key, but a keyed one is revived by a new add.
      await deps.db.db.deleteFrom('jobs').execute();
    });

    test('a permanently failed keyed job is revived by adding its key again', async () => {
      const { deps } = ctx;
      const a = await deps.queue.add(
        deps.db.db,
        'jobstest.fail',
        { key: 'y' },
        { jobKey: 'k2', maxAttempts: 1 },
      );
      assert.equal((await deps.queue.runUntilIdle()).failed, 1);
      const b = await deps.queue.add(
        deps.db.db,
        'jobstest.fail',
        { key: 'z' },
        { jobKey: 'k2', maxAttempts: 1 },
      );
      assert.equal(b.id, a.id);
      assert.equal(b.deduplicated, false);
      const [row] = await jobRows(deps);
      assert.equal(row!.failed_at, null);
      assert.equal(row!.attempts, 0);
      assert.equal(row!.payload, JSON.stringify({ key: 'z' }));
      assert.equal((await deps.queue.runUntilIdle()).failed, 1);
      await deps.db.db.deleteFrom('jobs').execute();
    });

    test('a job whose task is unknown at run time, or whose payload is invalid, fails permanently', async () => {
      const { deps, clock } = ctx;
      const now = clock.now().toISOString();
      const row = (id: string, task_id: string, payload: string) => ({
        id,
        task_id,
        payload,
        job_key: null,
        run_at: now,
        attempts: 0,
        max_attempts: 5,
        last_error: null,
        locked_at: null,
        locked_by: null,
        failed_at: null,
        created_at: now,
        updated_at: now,
      });
      await deps.db.db
        .insertInto('jobs')
        .values([
          row('a'.repeat(32), 'gone.away', '{}'),
          row('b'.repeat(32), 'jobstest.record', '{"key":7}'),
        ])
        .execute();
      assert.deepEqual(await deps.queue.runUntilIdle(), {
        completed: 0,
        retried: 0,
        failed: 2,
        released: 0,
      });
      const [unknown, invalid] = await jobRows(deps);
      assert.match(unknown!.last_error!, /^Unknown task id 'gone\.away'/);
      assert.equal(unknown!.attempts, 1);
      assert.match(invalid!.last_error!, /Payload of task jobstest\.record is invalid at '\/key'/);
      assert.deepEqual(ran, []);
      await deps.db.db.deleteFrom('jobs').execute();
    });

    test('add refuses unknown tasks, invalid payloads and out-of-range options', async () => {
      const { deps } = ctx;
      const db = deps.db.db;
      await assert.rejects(deps.queue.add(db, 'nope.task', {}), /Unknown task id 'nope\.task'/);
      await assert.rejects(deps.queue.add(db, 'jobstest.record', { key: 1 }), /invalid at '\/key'/);
      await assert.rejects(
        deps.queue.add(db, 'jobstest.record', { key: 'x'.repeat(70_000) }),
        /exceeds 65536 bytes/,
      );
      await assert.rejects(
        deps.queue.add(db, 'jobstest.record', { key: 'x' }, { maxAttempts: 0 }),
        /maxAttempts/,
      );
      await assert.rejects(
        deps.queue.add(db, 'jobstest.record', { key: 'x' }, { jobKey: 'k'.repeat(201) }),
        /jobKey/,
      );
      assert.deepEqual(await jobRows(deps), []);
    });

    test('a stale lock is taken over after the lease; a fresh one is left alone', async () => {
      const { deps, clock } = ctx;
      const { id } = await deps.queue.add(deps.db.db, 'jobstest.record', { key: 'stale' });
      // As if another runner claimed it and died.
      await deps.db.db
        .updateTable('jobs')
        .set({ locked_at: clock.now().toISOString(), locked_by: 'dead-runner', attempts: 1 })
        .where('id', '=', id)
        .execute();
      assert.equal((await deps.queue.runUntilIdle()).completed, 0);
      clock.advance(deps.config.jobLeaseSeconds * 1000 + 1);
      assert.equal((await deps.queue.runUntilIdle()).completed, 1);
      assert.deepEqual(ran, ['stale']);
      assert.deepEqual(await jobRows(deps), []);
    });

    test('a stale lock on the last attempt fails the job with a clear reason', async () => {
      const { deps, clock } = ctx;
      const { id } = await deps.queue.add(
        deps.db.db,
        'jobstest.record',
        { key: 'last' },
        { maxAttempts: 1 },
      );
      await deps.db.db
        .updateTable('jobs')
        .set({ locked_at: clock.now().toISOString(), locked_by: 'dead-runner', attempts: 1 })
        .where('id', '=', id)
        .execute();
      clock.advance(deps.config.jobLeaseSeconds * 1000 + 1);
      await deps.queue.runUntilIdle();
      const [row] = await jobRows(deps);
      assert.match(row!.last_error!, /lease expired/);
      assert.notEqual(row!.failed_at, null);
      // The handler never saw the failure, so the task is told once (Task.onFailed).
      assert.deepEqual(ran, ['failed:last']);
      await deps.queue.runUntilIdle();
      assert.deepEqual(ran, ['failed:last']);
      await deps.db.db.deleteFrom('jobs').execute();
    });

    test('no more jobs than jobConcurrency run at once', async () => {
      const { deps } = ctx;
      assert.equal(deps.config.jobConcurrency, 2);
      for (let i = 0; i < 5; i++)
        await deps.queue.add(deps.db.db, 'jobstest.gate', { key: `g${i}` });
      const done = deps.queue.runUntilIdle();
      let released = 0;
      while (released < 5) {
        // Release one job only when every slot is busy (or all that are left are waiting).
        while (gates.length - released < Math.min(2, 5 - released)) await once(events, 'gate');
        assert.ok(running <= 2, `${running} jobs running at once`);
        gates[released]!();
        released += 1;
      }
      assert.equal((await done).completed, 5);
      assert.equal(maxRunning, 2);
      assert.equal(ran.length, 5);
    });

    test('stop aborts the signal of a running job, which is released and runs again later', async () => {
      const { deps } = ctx;
      await deps.queue.add(deps.db.db, 'jobstest.wait', { key: 'w' });
      const waiting = once(events, 'waiting');
      deps.queue.start();
      await waiting;
      await deps.queue.stop();
      assert.equal(abortSeen, true);
      const [row] = await jobRows(deps);
      assert.equal(row!.locked_at, null);
      assert.equal(row!.attempts, 0);
      assert.equal(row!.failed_at, null);
      blockUntilAborted = false;
      assert.equal((await deps.queue.runUntilIdle()).completed, 1);
      assert.deepEqual(ran, ['w']);
      assert.match(
        await deps.metrics.getSingleMetricAsString('folio_jobs_total'),
        /task="jobstest.wait",outcome="released"\} 1/,
      );
    });

    test('the runner started by start() picks up a job added after it went idle', async () => {
      const { deps } = ctx;
      deps.queue.start();
      const added = await deps.queue.add(deps.db.db, 'jobstest.gate', { key: 'late' });
      assert.equal(added.deduplicated, false);
      await once(events, 'gate');
      gates[0]!();
      await deps.queue.stop();
      assert.deepEqual(ran, ['late']);
      assert.deepEqual(await jobRows(deps), []);
    });

    test('an inline job runs in settle() after commit, with the inline jobs it adds', async () => {
      const { deps } = ctx;
      const added = await deps.db.db
        .transaction()
        .execute((tx) => deps.queue.add(tx, 'jobstest.parent', { key: 'p' }, { inline: true }));
      assert.equal(added.inline, true);
      assert.deepEqual(ran, []);
      assert.equal(await deps.queue.settle(added), 'completed');
      assert.deepEqual(ran, ['p', 'p/child']);
      assert.deepEqual(await jobRows(deps), []);
      // Settling a job that was not added inline, or is gone, does nothing.
      assert.equal(await deps.queue.settle(added), undefined);
      const queued = await deps.queue.add(deps.db.db, 'jobstest.record', { key: 'q' });
      assert.equal(await deps.queue.settle(queued), undefined);
      assert.deepEqual(ran, ['p', 'p/child']);
      await deps.queue.runUntilIdle();
    });
  },
  { config: { jobConcurrency: 2, jobRunner: 'embedded' }, overrides: { tasks: testTasks } },
);
