/**
 * Fresh databases for bench cases: a SQLite file in a temp dir, or (with FOLIO_BENCH_PG_URL) a
 * throw-away PostgreSQL database created on that server and dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface BenchDb {
  kind: 'sqlite' | 'postgres';
  /** FOLIO_DB_URL of the database. */
  url: string;
  /** The temp dir (SQLite file, FileStore); a server may be started in it (FOLIO_TEST_DIR). */
  dir: string;
  drop(): Promise<void>;
}

/** Why the PostgreSQL variants are missing, or undefined when FOLIO_BENCH_PG_URL is set. */
export const pgMissingReason = (): string | undefined =>
  process.env.FOLIO_BENCH_PG_URL === undefined || process.env.FOLIO_BENCH_PG_URL === ''
    ? 'FOLIO_BENCH_PG_URL is not set (a PostgreSQL server URL whose user may CREATE DATABASE)'
    : undefined;

export const freshDb = async (kind: 'sqlite' | 'postgres'): Promise<BenchDb> => {
  const dir = mkdtempSync(join(tmpdir(), 'folio-bench-'));
  if (kind === 'sqlite')
    return {
      kind,
      url: `sqlite:${join(dir, 'folio.db')}`,
      dir,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  const admin = process.env.FOLIO_BENCH_PG_URL!;
  const name = `folio_bench_${randomBytes(6).toString('hex')}`;
  const run = async (q: string): Promise<void> => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    dir,
    drop: async () => {
      rmSync(dir, { recursive: true, force: true });
      await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
};
