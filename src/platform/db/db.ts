/**
 * Database port: Kysely over SQLite (`node:sqlite`) or PostgreSQL (`pg`), chosen by URL only.
 * `db` is the writer; `read` serves API reads so they never wait behind a long write transaction
 * (SQLite WAL: readers see the last commit while the writer works).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, type Dialect } from 'kysely';
import pg from 'pg';
import { YieldingSqliteDialect, kyselySqlite, openSqlite } from './sqlite.ts';

export type Dialect_ = 'sqlite' | 'postgres';

export interface DbHandle<DB> {
  /** Writer: all writes and transactions. */
  db: Kysely<DB>;
  /** Reader: plain reads that must not queue behind the writer. */
  read: Kysely<DB>;
  dialect: Dialect_;
  /** The PostgreSQL pool behind `db` (PostgreSQL only), shared with the graphile-worker queue. */
  pgPool?: pg.Pool;
  /** The PostgreSQL schema given at open (tests), if any. */
  schema?: string;
  destroy(): Promise<void>;
}

export interface OpenDbOptions {
  /** PostgreSQL schema to use (created if missing); tests give each file its own. */
  schema?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

// int8 (COUNT(*), SUM of integers) as a JS number; numeric (money) stays a decimal string.
pg.types.setTypeParser(20, (v) => Number(v));

export const dialectOf = (url: string): Dialect_ =>
  url.startsWith('sqlite:') ? 'sqlite' : 'postgres';

/** Opens the database named by a `sqlite:` or `postgres://` URL. */
export const openDb = async <DB>(
  url: string,
  options: OpenDbOptions = {},
): Promise<DbHandle<DB>> => {
  if (dialectOf(url) === 'sqlite') {
    const path = url.slice('sqlite:'.length);
    const memory = path === ':memory:';
    if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
    const writerConn = openSqlite(memory ? ':memory:' : path);
    const writer = new Kysely<DB>({
      dialect: new YieldingSqliteDialect({ database: kyselySqlite(writerConn) }),
    });
    // An in-memory database exists only on its own connection, so it reads through the writer.
    // A file database gets its reader opened lazily (the file may not exist until migrations).
    const reader = memory
      ? writer
      : new Kysely<DB>({
          dialect: new SqliteDialect({ database: async () => kyselySqlite(openSqlite(path)) }),
        });
    return {
      db: writer,
      read: reader,
      dialect: 'sqlite',
      destroy: async () => {
        if (reader !== writer) await reader.destroy();
        await writer.destroy();
      },
    };
  }
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new Error(`bad schema name ${schema}`);
  if (schema !== undefined) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  const dialect: Dialect = new PostgresDialect({ pool });
  const db = new Kysely<DB>({ dialect });
  return {
    db,
    read: db,
    dialect: 'postgres',
    pgPool: pool,
    ...(schema === undefined ? {} : { schema }),
    destroy: () => db.destroy(),
  };
};
