/**
 * Crash recovery with real processes: a runner holding a job is SIGKILLed; a runner started
 * later leaves the job alone while the lease is live, takes it over once the lease has expired
 * (its clock moved forward, nobody sleeps), and completes it exactly once.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { forEachDb } from './harness.ts';
import { crashTask } from './jobs-child.ts';

const CHILD = join(import.meta.dirname, 'jobs-child.ts');

interface Child {
  output: () => string;
  started: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill: (signal: NodeJS.Signals) => void;
}

const runChild = (env: Record<string, string>): Child => {
  const child = spawn(process.execPath, [CHILD], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal })),
  );
  const started = new Promise<void>((res, rej) => {
    // A guard against a hung child, not a wait for time to pass.
    const timer = setTimeout(() => rej(new Error(`child did not start:\n${out}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('STARTED')) {
        clearTimeout(timer);
        res();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      rej(new Error(`child exited before starting:\n${out}`));
    });
  });
  started.catch(() => undefined);
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { output: () => out, started, exited, kill: (s) => child.kill(s) };
};

const summaryOf = (out: string): Record<string, number> => {
  const m = /SUMMARY (\{.*\})/.exec(out);
  assert.ok(m, `no summary in child output:\n${out}`);
  return JSON.parse(m[1]!) as Record<string, number>;
};

forEachDb(
  'a job whose runner was SIGKILLed',
  (ctx) => {
    let childEnv: Record<string, string> = {};
    before(async () => {
      const db = ctx.deps.db.db;
      await sql`create table job_effects (job_id text not null, what text not null, pid integer not null)`.execute(
        db,
      );
      const schema =
        ctx.deps.db.dialect === 'postgres'
          ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s
          : '';
      childEnv = {
        FOLIO_TEST_CHILD_DB_URL: ctx.deps.config.dbUrl,
        FOLIO_TEST_CHILD_SCHEMA: schema,
      };
    });

    test('is taken over after its lease by a new process and completed exactly once', async () => {
      const { deps } = ctx;
      const { id } = await deps.queue.add(deps.db.db, 'jobstest.crash', { n: 1 });
      const effects = async () =>
        (
          await sql<{
            job_id: string;
            what: string;
            pid: number;
          }>`select job_id, what, pid from job_effects order by what`.execute(deps.db.db)
        ).rows;

      const first = runChild({ ...childEnv, FOLIO_TEST_CHILD_MODE: 'block' });
      await first.started;
      first.kill('SIGKILL');
      assert.equal((await first.exited).signal, 'SIGKILL');
      const [locked] = await deps.db.db.selectFrom('jobs').selectAll().execute();
      assert.equal(locked!.id, id);
      assert.equal(locked!.attempts, 1);
      assert.notEqual(locked!.locked_at, null);
      assert.deepEqual(
        (await effects()).map((e) => e.what),
        ['start:block:1'],
      );

      // Lease still live (same clock): a new runner must not touch the job.
      const early = runChild({ ...childEnv, FOLIO_TEST_CHILD_MODE: 'complete' });
      assert.equal((await early.exited).code, 0, early.output());
      assert.deepEqual(summaryOf(early.output()), {
        completed: 0,
        retried: 0,
        failed: 0,
        released: 0,
      });

      // Past the lease: taken over and completed.
      const leaseMs = deps.config.jobLeaseSeconds * 1000;
      const late = {
        ...childEnv,
        FOLIO_TEST_CHILD_MODE: 'complete',
        FOLIO_TEST_CHILD_CLOCK_OFFSET_MS: String(leaseMs + 60_000),
      };
      const second = runChild(late);
      assert.equal((await second.exited).code, 0, second.output());
      assert.deepEqual(summaryOf(second.output()), {
        completed: 1,
        retried: 0,
        failed: 0,
        released: 0,
      });

      // Nothing is left to run, even for a runner further in the future.
      const third = runChild({ ...late, FOLIO_TEST_CHILD_CLOCK_OFFSET_MS: String(10 * leaseMs) });
      assert.equal((await third.exited).code, 0, third.output());
      assert.deepEqual(summaryOf(third.output()), {
        completed: 0,
        retried: 0,
        failed: 0,
        released: 0,
      });

      const rows = await effects();
      assert.deepEqual(
        rows.map((e) => e.what),
        ['done', 'start:block:1', 'start:complete:1'],
      );
      assert.ok(rows.every((e) => e.job_id === id));
      assert.deepEqual(await deps.db.db.selectFrom('jobs').selectAll().execute(), []);
    });
  },
  // The embedded adapter's lease take-over (its `jobs` table, a clock moved forward); the
  // graphile-worker adapter's is in src/platform/jobs/graphile.test.ts and test/e2e/scale.test.ts.
  { config: { jobRunner: 'embedded' }, overrides: { tasks: [crashTask] } },
);
