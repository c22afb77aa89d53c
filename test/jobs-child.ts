/**
 * A job runner in its own process for the crash test (test/jobs-crash.test.ts): opens the given
 * database (SQLite file or PostgreSQL schema), registers `jobstest.crash` and runs until idle.
 * In `block` mode the handler records its start, prints STARTED and hangs until SIGKILLed; in
 * `complete` mode it records its start and its completion. FOLIO_TEST_CHILD_CLOCK_OFFSET_MS moves
 * this process's clock forward, so a lease can expire without anyone sleeping.
 */
import { sql } from 'kysely';
import { Type } from '@sinclair/typebox';
import { loadConfig, type Config } from '../src/config.ts';
import { closeDeps, createDeps, type Deps } from '../src/deps.ts';
import { defineTask } from '../src/platform/jobs/queue.ts';

const env = process.env;
const mode = env.FOLIO_TEST_CHILD_MODE ?? 'complete';
const offset = Number(env.FOLIO_TEST_CHILD_CLOCK_OFFSET_MS ?? '0');
const schema = env.FOLIO_TEST_CHILD_SCHEMA;

const Payload = Type.Object({ n: Type.Integer() });
export const crashTask = defineTask<Deps, typeof Payload>(
  'jobstest.crash',
  Payload,
  async (p, ctx) => {
    const record = (what: string) =>
      sql`insert into job_effects (job_id, what, pid) values (${ctx.job.id}, ${what}, ${process.pid})`.execute(
        ctx.deps.db.db,
      );
    await record(`start:${mode}:${p.n}`);
    if (mode === 'block') {
      process.stdout.write('STARTED\n');
      // Keeps the process alive and the handler pending until the test kills the process.
      setInterval(() => undefined, 60_000);
      await new Promise<never>(() => undefined);
    }
    await record('done');
  },
);

const main = async (): Promise<void> => {
  const { config: base } = loadConfig({ env: {}, argv: [], cwd: '/nonexistent' });
  const config = Object.freeze({
    ...base,
    dbUrl: env.FOLIO_TEST_CHILD_DB_URL!,
    logLevel: 'silent',
    // The embedded runner's lease follows this process's clock (moved forward above).
    jobRunner: 'embedded',
  }) as Config;
  const deps = await createDeps(config, {
    tasks: [crashTask],
    clock: { now: () => new Date(Date.now() + offset) },
    ...(schema === undefined || schema === '' ? {} : { dbSchema: schema }),
  });
  const summary = await deps.queue.runUntilIdle();
  process.stdout.write(`SUMMARY ${JSON.stringify(summary)}\n`);
  await closeDeps(deps);
};

if (env.FOLIO_TEST_CHILD_MODE !== undefined) await main();
