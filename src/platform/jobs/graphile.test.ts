/**
 * The queue contract (the scenarios of embedded.test.ts) against the graphile-worker adapter on
 * PostgreSQL. Where graphile-worker differs by design, the test says so: its time is the
 * database's (due jobs are moved with its own `reschedule_jobs`, not a test clock), its backoff
 * is exp(attempts) seconds, and a failed keyed job is replaced by a new job.
 */
import { test, beforeEach, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { sql } from 'kysely';
import { Type } from '@sinclair/typebox';
import { createTestContext, dbTargets, type TestContext } from '../../../test/harness.ts';
import { workerSchemaOf, type Deps } from '../../deps.ts';
import { defineTask, type Task } from './queue.ts';

const ran: string[] = [];
const events = new EventEmitter();
const gates: (() => void)[] = [];
let running = 0;
let maxRunning = 0;
let blockUntilAborted = true;
let abortSeen: boolean | undefined;

const Key = Type.Object({ key: Type.String() });
const testTasks: Task<Deps>[] = [
  defineTask<Deps, typeof Key>('jobstest.record', Key, async (p) => {
    ran.push(p.key);
  }),
  defineTask<Deps, typeof Key>('jobstest.fail', Key, async (p) => {
    throw new Error(`boom ${p.key}`);
  }),
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

interface GwJob {
  id: string;
  task_identifier: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_at: Date | null;
  locked_by: string | null;
  /** Seconds from now (database time) until the job is due. */
  due_in: number;
}

const none = { completed: 0, retried: 0, failed: 0, released: 0 };

if (!dbTargets().some((t) => t.name === 'postgres')) {
  test(
    'graphile-worker queue',
    { skip: 'needs PostgreSQL: FOLIO_TEST_PG_URL is not set' },
    () => {},
  );
} else {
  describe('graphile-worker job queue [postgres]', () => {
    const ctx = {} as TestContext;
    let close: (() => Promise<void>) | undefined;
    let ws: string;
    before(async () => {
      const made = await createTestContext(
        { name: 'postgres' },
        {
          config: { jobConcurrency: 2, jobRunner: 'graphile', jobLeaseSeconds: 5 },
          overrides: { tasks: testTasks },
        },
      );
      close = made.close;
      Object.assign(ctx, made);
      ws = workerSchemaOf(ctx.deps.db.schema);
    });
    after(async () => {
      await close?.();
    });

    const jobRows = async (): Promise<GwJob[]> =>
      (
        await sql<GwJob>`select id::text as id, task_identifier, attempts::int as attempts,
            max_attempts::int as max_attempts, last_error, locked_at, locked_by,
            extract(epoch from run_at - now())::float8 as due_in
          from ${sql.id(ws)}.jobs order by id`.execute(ctx.deps.db.db)
      ).rows;
    /** Makes every job due now, through graphile-worker's own API. */
    const makeDue = async (): Promise<void> => {
      await sql`select ${sql.id(ws)}.reschedule_jobs(array(select id from ${sql.id(ws)}.jobs), run_at => now())`.execute(
        ctx.deps.db.db,
      );
    };
    const clear = async (): Promise<void> => {
      await sql`delete from ${sql.id(ws)}._private_jobs`.execute(ctx.deps.db.db);
    };

    test('the adapter in effect is graphile-worker: jobs land in its schema, not in `jobs`', async () => {
      const { deps } = ctx;
      await deps.queue.add(deps.db.db, 'jobstest.record', { key: 'where' });
      assert.equal((await jobRows()).length, 1);
      assert.equal((await deps.db.db.selectFrom('jobs').selectAll().execute()).length, 0);
      await deps.queue.runUntilIdle();
      assert.deepEqual(ran, ['where']);
    });

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
      assert.deepEqual(await deps.queue.runUntilIdle(), { ...none, completed: 1 });
      assert.deepEqual(ran, ['committed']);
      assert.deepEqual(await jobRows(), []);
      assert.deepEqual(await deps.queue.runUntilIdle(), none);
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
      assert.equal((await jobRows()).length, 1);
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
      const { deps } = ctx;
      const { id } = await deps.queue.add(
        deps.db.db,
        'jobstest.fail',
        { key: 'x' },
        { maxAttempts: 3 },
      );
      let previous = 0;
      for (let attempt = 1; attempt <= 2; attempt++) {
        assert.deepEqual(await deps.queue.runUntilIdle(), { ...none, retried: 1 });
        const [row] = await jobRows();
        assert.equal(row!.attempts, attempt);
        assert.equal(row!.last_error, 'boom x');
        assert.equal(row!.locked_at, null);
        // graphile-worker's backoff: exp(attempts) seconds (2.7 s, then 7.4 s).
        const expected = Math.exp(attempt);
        assert.ok(
          row!.due_in > expected - 1 && row!.due_in <= expected + 0.01,
          `due in ${row!.due_in} s after attempt ${attempt}`,
        );
        assert.ok(row!.due_in > previous, 'the delay grows');
        previous = row!.due_in;
        // Not due yet: nothing runs.
        assert.deepEqual(await deps.queue.runUntilIdle(), none);
        await makeDue();
      }
      assert.deepEqual(await deps.queue.runUntilIdle(), { ...none, failed: 1 });
      const [failed] = await jobRows();
      assert.equal(failed!.id, id);
      assert.equal(failed!.attempts, 3);
      assert.equal(failed!.last_error, 'boom x');
      await makeDue();
      assert.deepEqual(await deps.queue.runUntilIdle(), none);
      const metrics = await deps.metrics.getSingleMetricAsString('folio_jobs_total');
      assert.match(metrics, /folio_jobs_total\{task="jobstest.fail",outcome="retried"\} 2/);
      assert.match(metrics, /folio_jobs_total\{task="jobstest.fail",outcome="failed"\} 1/);
      await clear();
    });

    test('a permanently failed keyed job is replaced by a fresh job when its key is added again', async () => {
      const { deps } = ctx;
      const a = await deps.queue.add(
        deps.db.db,
        'jobstest.fail',
        { key: 'y' },
        { jobKey: 'k2', maxAttempts: 1 },
      );
      assert.deepEqual(await deps.queue.runUntilIdle(), { ...none, failed: 1 });
      const b = await deps.queue.add(
        deps.db.db,
        'jobstest.record',
        { key: 'z' },
        { jobKey: 'k2', maxAttempts: 1 },
      );
      assert.equal(b.deduplicated, false);
      assert.notEqual(b.id, a.id);
      assert.deepEqual(await deps.queue.runUntilIdle(), { ...none, completed: 1 });
      assert.deepEqual(ran, ['z']);
      await clear();
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
      assert.deepEqual(await jobRows(), []);
    });

    test("a dead runner's lock is released after the lease; a live runner's is left alone", async () => {
      const { deps } = ctx;
      const dead = await deps.queue.add(deps.db.db, 'jobstest.record', { key: 'dead' });
      const alive = await deps.queue.add(deps.db.db, 'jobstest.record', { key: 'alive' });
      const lease = deps.config.jobLeaseSeconds;
      // As if two other processes had claimed them; one has stopped beating.
      await sql`insert into ${sql.id(ws)}.folio_runners (id, seen_at) values
          ('dead-runner', now() - ${lease + 1} * interval '1 second'), ('live-runner', now())`.execute(
        deps.db.db,
      );
      for (const [job, by] of [
        [dead.id, 'dead-runner'],
        [alive.id, 'live-runner'],
      ] as const)
        await sql`update ${sql.id(ws)}._private_jobs set locked_at = now(), locked_by = ${by},
            attempts = 1 where id = ${job}::bigint`.execute(deps.db.db);
      assert.deepEqual(await deps.queue.runUntilIdle(), { ...none, completed: 1 });
      assert.deepEqual(ran, ['dead']);
      const [left] = await jobRows();
      assert.equal(left!.id, alive.id);
      assert.equal(left!.locked_by, 'live-runner');
      await clear();
      await sql`delete from ${sql.id(ws)}.folio_runners`.execute(deps.db.db);
    });

    test('a dead runner holding the last attempt leaves the job failed with a clear reason', async () => {
      const { deps } = ctx;
      const { id } = await deps.queue.add(
        deps.db.db,
        'jobstest.record',
        { key: 'last' },
        { maxAttempts: 1 },
      );
      await sql`insert into ${sql.id(ws)}.folio_runners (id, seen_at) values
          ('dead-runner', now() - interval '1 hour')`.execute(deps.db.db);
      await sql`update ${sql.id(ws)}._private_jobs set locked_at = now(), locked_by = 'dead-runner',
          attempts = 1 where id = ${id}::bigint`.execute(deps.db.db);
      assert.deepEqual(await deps.queue.runUntilIdle(), none);
      const [row] = await jobRows();
      assert.match(row!.last_error!, /lease expired/);
      assert.equal(row!.locked_at, null);
      assert.deepEqual(ran, []);
      await clear();
    });

    test('no more jobs than jobConcurrency run at once', async () => {
      const { deps } = ctx;
      assert.equal(deps.config.jobConcurrency, 2);
      for (let i = 0; i < 5; i++)
        await deps.queue.add(deps.db.db, 'jobstest.gate', { key: `g${i}` });
      const done = deps.queue.runUntilIdle();
      let released = 0;
      while (released < 5) {
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
      const [row] = await jobRows();
      assert.equal(row!.locked_at, null);
      assert.equal(row!.attempts, 0);
      assert.ok(row!.due_in <= 0, `due in ${row!.due_in} s`);
      blockUntilAborted = false;
      assert.equal((await deps.queue.runUntilIdle()).completed, 1);
      assert.deepEqual(ran, ['w']);
      assert.match(
        await deps.metrics.getSingleMetricAsString('folio_jobs_total'),
        /task="jobstest.wait",outcome="released"\} 1/,
      );
      assert.deepEqual(
        (await sql`select id from ${sql.id(ws)}.folio_runners`.execute(deps.db.db)).rows,
        [],
        'a stopped runner leaves no heartbeat behind',
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
      assert.deepEqual(await jobRows(), []);
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
      assert.deepEqual(await jobRows(), []);
      assert.equal(await deps.queue.settle(added), undefined);
      const queued = await deps.queue.add(deps.db.db, 'jobstest.record', { key: 'q' });
      assert.equal(await deps.queue.settle(queued), undefined);
      assert.deepEqual(ran, ['p', 'p/child']);
      await deps.queue.runUntilIdle();
    });

    test('a failing inline job is retried later by the runner with backoff', async () => {
      const { deps } = ctx;
      const added = await deps.queue.add(
        deps.db.db,
        'jobstest.fail',
        { key: 'i' },
        { inline: true, maxAttempts: 2 },
      );
      assert.equal(await deps.queue.settle(added), 'retried');
      const [row] = await jobRows();
      assert.equal(row!.attempts, 1);
      assert.equal(row!.last_error, 'boom i');
      assert.equal(row!.locked_by, null);
      assert.ok(row!.due_in > 1, `due in ${row!.due_in} s`);
      await makeDue();
      assert.deepEqual(await deps.queue.runUntilIdle(), { ...none, failed: 1 });
      await clear();
    });
  });
}
