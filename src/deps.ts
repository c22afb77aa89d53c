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
import type { FileStore } from './platform/files/files.ts';
import { openFileStore } from './platform/files/open.ts';
import { createUrlSigner, type UrlSigner } from './platform/files/signed-urls.ts';
import { ensureSetting } from './platform/db/settings.ts';

export interface Deps {
  config: Config;
  db: DbHandle<Database>;
  clock: Clock;
  ids: Ids;
  log: Log;
  metrics: Metrics;
  /** Job outputs and downloads (`FOLIO_FILES_URL`). */
  files: FileStore;
  /** Signs and verifies the presigned-form URLs Folio serves itself. */
  urls: UrlSigner;
}

/** The settings row that keeps the generated URL-signing secret, shared by every node. */
export const SIGNING_SECRET_SETTING = 'files.signing_secret';

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
  const clock = overrides.clock ?? systemClock();
  const ids = overrides.ids ?? randomIds();
  const urls = createUrlSigner({
    publicUrl: config.publicUrl,
    expirySeconds: config.urlExpirySeconds,
    clock,
    // DESIGN.md "Files and URLs": generated once and kept in the database, so all nodes share it.
    secret: async () =>
      config.signingSecret !== ''
        ? config.signingSecret
        : ensureSetting(db.db as never, SIGNING_SECRET_SETTING, () => ids.secret(32)),
  });
  return {
    config,
    db,
    clock,
    ids,
    log,
    metrics: createMetrics(),
    files: openFileStore(config.filesUrl, { ids, signer: urls }),
    urls,
  };
};

/** Runs every pending migration. */
export const migrate = async (deps: Deps): Promise<string[]> =>
  migrateToLatest(deps.db.db as never, migrations);

/** Releases every adapter (graceful shutdown, end of tests). */
export const closeDeps = async (deps: Deps): Promise<void> => {
  await deps.db.destroy();
};
