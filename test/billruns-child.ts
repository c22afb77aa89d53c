/**
 * A Folio job runner in its own process for the bill-run crash test
 * (test/billruns-crash.test.ts): opens the given database (SQLite file or PostgreSQL schema) with
 * the real task list and runs every due job until idle. FOLIO_TEST_CHILD_CLOCK_OFFSET_MS moves
 * this process's clock forward, so a dead runner's lease can expire without anyone sleeping.
 */
import { loadConfig, type Config } from '../src/config.ts';
import { closeDeps, createDeps } from '../src/deps.ts';

const env = process.env;

const main = async (): Promise<void> => {
  const offset = Number(env.FOLIO_TEST_CHILD_CLOCK_OFFSET_MS ?? '0');
  const schema = env.FOLIO_TEST_CHILD_SCHEMA;
  const { config: base } = loadConfig({ env: {}, argv: [], cwd: '/nonexistent' });
  const config = Object.freeze({
    ...base,
    dbUrl: env.FOLIO_TEST_CHILD_DB_URL!,
    billRunChunkSize: Number(env.FOLIO_TEST_CHILD_CHUNK_SIZE ?? '500'),
    logLevel: 'silent',
    // The embedded runner's lease follows this process's clock (moved forward above); the
    // graphile-worker adapter's recovery is covered by test/e2e/scale.test.ts.
    jobRunner: 'embedded',
  }) as Config;
  const deps = await createDeps(config, {
    clock: { now: () => new Date(Date.now() + offset) },
    ...(schema === undefined || schema === '' ? {} : { dbSchema: schema }),
  });
  process.stdout.write('STARTED\n');
  const summary = await deps.queue.runUntilIdle();
  process.stdout.write(`SUMMARY ${JSON.stringify(summary)}\n`);
  await closeDeps(deps);
};

if (env.FOLIO_TEST_CHILD_DB_URL !== undefined) await main();
