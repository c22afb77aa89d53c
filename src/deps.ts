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
import { createLimiter, type Limiter } from './platform/http/limits.ts';
import { postgresWindows } from './platform/http/limits-shared.ts';
import { migrations } from './migrations.ts';
import { taskRegistry, type Queue, type Task } from './platform/jobs/queue.ts';
import { createEmbeddedQueue } from './platform/jobs/embedded.ts';
import { createGraphileQueue, DEFAULT_WORKER_SCHEMA } from './platform/jobs/graphile.ts';
import type { JobsTables } from './platform/jobs/table.ts';
import type { Kysely } from 'kysely';
import { tasks as allTasks } from './tasks.ts';
import type { FileStore } from './platform/files/files.ts';
import { openFileStore } from './platform/files/open.ts';
import { createUrlSigner, type UrlSigner } from './platform/files/signed-urls.ts';
import { ensureSetting } from './platform/db/settings.ts';
import { createPdfPool, type PdfPool } from './pdfs/pdfs.service.ts';
import { createMailer, type Mailer } from './platform/mail.ts';

export interface Deps {
  config: Config;
  db: DbHandle<Database>;
  clock: Clock;
  ids: Ids;
  log: Log;
  metrics: Metrics;
  /** Job queue (STYLE.md "Jobs"): `add` in the caller's transaction; the runner is started by `folio serve`. */
  queue: Queue;
  /** Job outputs and downloads (`FOLIO_FILES_URL`). */
  files: FileStore;
  /** Signs and verifies the presigned-form URLs Folio serves itself. */
  urls: UrlSigner;
  /** Per-tenant rate and concurrency limits (C1.11); the admin API sets overrides on it. */
  limits: Limiter;
  /** PDF render pool; its worker threads start on first use. */
  pdf: PdfPool;
  /** SMTP delivery of recorded invoice emails; undefined when `FOLIO_SMTP_URL` is unset (C3.2.7). */
  mailer: Mailer | undefined;
}

/** The settings row that keeps the generated URL-signing secret, shared by every node. */
export const SIGNING_SECRET_SETTING = 'files.signing_secret';

export interface DepsOverrides {
  clock?: Clock;
  ids?: Ids;
  log?: Log;
  /** PostgreSQL schema (tests). */
  dbSchema?: string;
  /** Tasks registered after those of `src/tasks.ts` (test-only tasks). */
  tasks?: readonly Task<Deps>[];
}

/**
 * The queue adapter in effect: `auto` picks graphile-worker on PostgreSQL (DESIGN.md
 * "Deployment modes") and the embedded runner on SQLite; graphile-worker needs PostgreSQL.
 */
export const jobRunnerOf = (config: Config): 'embedded' | 'graphile' => {
  const postgres = !config.dbUrl.startsWith('sqlite:');
  if (config.jobRunner === 'graphile' && !postgres)
    throw new Error('jobRunner graphile needs a PostgreSQL FOLIO_DB_URL');
  if (config.jobRunner === 'auto') return postgres ? 'graphile' : 'embedded';
  return config.jobRunner === 'graphile' ? 'graphile' : 'embedded';
};

/** graphile-worker's schema: its default, or `<schema>_worker` beside a test's own schema. */
export const workerSchemaOf = (dbSchema: string | undefined): string =>
  dbSchema === undefined ? DEFAULT_WORKER_SCHEMA : `${dbSchema}_worker`;

/** Builds every adapter from the configuration. The database is opened, not migrated. */
export const createDeps = async (config: Config, overrides: DepsOverrides = {}): Promise<Deps> => {
  const log = overrides.log ?? createLog(config.logLevel as 'info');
  // A duplicate or malformed task id fails start up before anything is opened.
  const registry = taskRegistry([...allTasks, ...(overrides.tasks ?? [])]);
  const runner = jobRunnerOf(config);
  const db = await openDb<Database>(config.dbUrl, {
    ...(overrides.dbSchema === undefined ? {} : { schema: overrides.dbSchema }),
    // graphile-worker holds one connection for LISTEN and one per running job, beside the API's.
    ...(runner === 'graphile' ? { poolSize: Math.max(10, config.jobConcurrency * 2 + 4) } : {}),
  });
  const clock = overrides.clock ?? systemClock();
  const ids = overrides.ids ?? randomIds();
  const metrics = createMetrics();
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
  const deps: Deps = {
    config,
    db,
    clock,
    ids,
    log,
    metrics,
    queue:
      runner === 'graphile'
        ? createGraphileQueue<Deps>({
            pool: db.pgPool!,
            schema: workerSchemaOf(overrides.dbSchema),
            tasks: registry,
            deps: () => deps,
            ids,
            log: log.child({ component: 'jobs' }),
            metrics,
            concurrency: config.jobConcurrency,
            leaseMs: config.jobLeaseSeconds * 1000,
            pollIntervalMs: config.jobPollIntervalMs,
          })
        : createEmbeddedQueue<Deps>({
            db: db.db as unknown as Kysely<JobsTables>,
            dialect: db.dialect,
            tasks: registry,
            deps: () => deps,
            clock,
            ids,
            log: log.child({ component: 'jobs' }),
            metrics,
            concurrency: config.jobConcurrency,
            leaseMs: config.jobLeaseSeconds * 1000,
            pollIntervalMs: config.jobPollIntervalMs,
          }),
    files: openFileStore(config.filesUrl, { ids, signer: urls }),
    urls,
    // C1.11 holds for the deployment: on PostgreSQL every API process counts in the database.
    limits: createLimiter(
      config,
      db.dialect === 'postgres' ? postgresWindows(db.db as unknown as Kysely<unknown>) : undefined,
    ),
    pdf: createPdfPool(config.pdfWorkers),
    mailer: createMailer(config.smtpUrl),
  };
  return deps;
};

/** Runs every pending migration (on PostgreSQL, Kysely's tables go in the current schema). */
export const migrate = async (deps: Deps): Promise<string[]> => {
  const done = await migrateToLatest(deps.db.db as never, migrations);
  await deps.queue.prepare();
  return done;
};

/** Releases every adapter (graceful shutdown, end of tests). */
export const closeDeps = async (deps: Deps): Promise<void> => {
  await deps.queue.stop();
  await deps.pdf.close();
  deps.mailer?.close();
  await deps.db.destroy();
};
