/**
 * `Deps`: every port and adapter, built once by the composition root and handed down.
 * Only `main.ts`, `cli/` and the test harness call `createDeps`.
 */
import type { Config } from './config.ts';
import type { Database } from './database.ts';
import { openDb, type DbHandle } from './platform/db/db.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { randomIds, type Ids } from './platform/ids.ts';
import { createLog, type Log } from './platform/log.ts';
import { createMetrics, type Metrics } from './platform/metrics.ts';
import { migrations } from './migrations.ts';
import { createPdfPool, type PdfPool } from './pdfs/pdfs.service.ts';

export interface Deps {
  config: Config;
  db: DbHandle<Database>;
  clock: Clock;
  ids: Ids;
  log: Log;
  metrics: Metrics;
  /** PDF render pool; its worker threads start on first use. */
  pdf: PdfPool;
}

export interface DepsOverrides {
  clock?: Clock;
  ids?: Ids;
  log?: Log;
  /** PostgreSQL schema (tests). */
  dbSchema?: string;
}

/** Builds every adapter from the configuration. The database is opened, not migrated. */
export const createDeps = async (config: Config, overrides: DepsOverrides = {}): Promise<Deps> => {
  const log = overrides.log ?? createLog(config.logLevel as 'info');
  const db = await openDb<Database>(
    config.dbUrl,
    overrides.dbSchema === undefined ? {} : { schema: overrides.dbSchema },
  );
  return {
    config,
    db,
    clock: overrides.clock ?? systemClock(),
    ids: overrides.ids ?? randomIds(),
    log,
    metrics: createMetrics(),
    pdf: createPdfPool(config.pdfWorkers),
  };
};

/** Runs every pending migration. */
export const migrate = async (deps: Deps): Promise<string[]> =>
  migrateToLatest(deps.db.db as never, migrations);

/** Releases every adapter (graceful shutdown, end of tests). */
export const closeDeps = async (deps: Deps): Promise<void> => {
  await deps.pdf.close();
  await deps.db.destroy();
};
