/**
 * Kysely over Node's built-in `node:sqlite` (no native build): a small adapter presenting
 * `DatabaseSync` as the better-sqlite3-shaped interface Kysely's SqliteDialect expects.
 */
import { DatabaseSync, type StatementSync, type SQLInputValue } from 'node:sqlite';
import {
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';

const STATEMENT_CACHE = 256;

const toParam = (v: unknown): SQLInputValue => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && !(v instanceof Uint8Array)) return JSON.stringify(v);
  return v as SQLInputValue;
};
const toParams = (ps: ReadonlyArray<unknown>): SQLInputValue[] => ps.map(toParam);

export interface SqliteOptions {
  /** Open read-only (the reader connections of a file database). */
  readOnly?: boolean;
}

/** Opens a connection with Folio's pragmas: WAL, busy timeout, foreign keys. */
export const openSqlite = (path: string, options: SqliteOptions = {}): DatabaseSync => {
  const db = new DatabaseSync(path, { readOnly: options.readOnly ?? false });
  // busy_timeout: a second process (CLI next to a server) waits instead of failing at once.
  db.exec('PRAGMA busy_timeout = 5000');
  if (!options.readOnly && path !== ':memory:') {
    db.exec('PRAGMA journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the tail.
    db.exec('PRAGMA synchronous = NORMAL');
    // 32 MiB of page cache instead of SQLite's 2 MiB default: a bill-run chunk touches the
    // right edges of a dozen indexes and the pages of its 500 accounts; re-reading them from the
    // OS on every statement cost more than the memory (filled only as pages are used).
    db.exec('PRAGMA cache_size = -32768');
  }
  db.exec('PRAGMA foreign_keys = ON');
  return db;
};

/** Wraps a DatabaseSync for Kysely's SqliteDialect, caching prepared statements. */
export const kyselySqlite = (db: DatabaseSync): SqliteDatabase => {
  const cache = new Map<string, { stmt: StatementSync; reader: boolean }>();
  const prepare = (sql: string) => {
    let hit = cache.get(sql);
    if (hit === undefined) {
      const stmt = db.prepare(sql);
      hit = { stmt, reader: stmt.columns().length > 0 };
      if (cache.size >= STATEMENT_CACHE) cache.clear();
      cache.set(sql, hit);
    }
    return hit;
  };
  return {
    close: () => {
      cache.clear();
      if (db.isOpen) db.close();
    },
    prepare: (sql: string): SqliteStatement => {
      const { stmt, reader } = prepare(sql);
      return {
        reader,
        all: (ps) => stmt.all(...toParams(ps)),
        run: (ps) => {
          const r = stmt.run(...toParams(ps));
          return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
        },
        iterate: (ps) => stmt.iterate(...toParams(ps)),
      };
    },
  };
};

/** Longest stretch of synchronous SQLite work before the event loop gets a turn. */
const YIELD_AFTER_MS = 8;

const yieldingDriver = (driver: Driver): Driver => {
  let since = performance.now();
  const wrap = (c: DatabaseConnection): DatabaseConnection => ({
    executeQuery: async (q) => {
      // node:sqlite is synchronous and Kysely's awaits on it resolve as microtasks, so a long
      // transaction (a bill-run chunk) would otherwise never let HTTP requests or timers run:
      // GETs stalled for the whole run (~13 s p99, bench `billrun`). A macrotask turn every few
      // milliseconds lets the reader connection serve them while the writer works.
      if (performance.now() - since > YIELD_AFTER_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        since = performance.now();
      }
      return c.executeQuery(q);
    },
    streamQuery: (q, chunkSize) => c.streamQuery(q, chunkSize),
  });
  return {
    init: () => driver.init(),
    acquireConnection: async () => wrap(await driver.acquireConnection()),
    beginTransaction: (c, s) => driver.beginTransaction(c, s),
    commitTransaction: (c) => driver.commitTransaction(c),
    rollbackTransaction: (c) => driver.rollbackTransaction(c),
    releaseConnection: (c) => driver.releaseConnection(c),
    // Close only once the connection is free: a query that yielded above still holds it, and
    // Kysely's SQLite driver would otherwise close the database under it ("database is not open").
    destroy: async () => {
      await driver.acquireConnection();
      await driver.destroy();
    },
    ...(driver.savepoint === undefined
      ? {}
      : {
          savepoint: (c, name, compile) => driver.savepoint!(c, name, compile),
          rollbackToSavepoint: (c, name, compile) => driver.rollbackToSavepoint!(c, name, compile),
          releaseSavepoint: (c, name, compile) => driver.releaseSavepoint!(c, name, compile),
        }),
  };
};

/** Kysely's SQLite dialect whose connections yield to the event loop during long work. */
export class YieldingSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    return yieldingDriver(super.createDriver());
  }
}
