/**
 * `Deps`: every port and adapter, built once by the composition root and handed down.
 * Only `main.ts`, `cli/` and the test harness call `createDeps`.
 */
import type { Config } from './config.ts';
import type { Database } from './database.ts';
import { openDb, type DbHandle } from './platform/db/db.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { systemClock, tenantClock, type Clock, type TenantClock } from './platform/clock.ts';
import {
  deterministicIds,
  randomIds,
  runAsTenant,
  type DeterministicIds,
  type Ids,
} from './platform/ids.ts';
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
import { ensureSetting, type SettingsTables } from './platform/db/settings.ts';
import { createPdfPool, type PdfPool } from './pdfs/pdfs.service.ts';
import { createMailer, type Mailer } from './platform/mail.ts';
import { loadClockSettings } from './clocks/clocks.service.ts';
import type { JobControl } from './platform/jobs/settle.ts';
import {
  applyForcedFailure,
  createControlledQueue,
  jobControl,
} from './lifecycle/lifecycle.service.ts';
import { createFaultInjector, type FaultInjector } from './platform/http/faults.ts';
import { createRequestLog, type RequestLog } from './platform/http/request-log.ts';
import type { Events } from './platform/events.ts';
import { calloutEvents } from './callouts/callouts.service.ts';

export interface Deps {
  config: Config;
  db: DbHandle<Database>;
  /** Time, per tenant: the system (or a test's) clock with each tenant's test clock on top (issue 12). */
  clock: TenantClock;
  /** Ids: random, or reproducible with a deployment or tenant seed (issue 12 part 6). */
  ids: DeterministicIds;
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
  /** Lifecycle control's view of status polls (issue 12 part 2): a GET may move a held job. */
  jobControl: JobControl;
  /** Fault rules of the Zuora routes, in this process's memory (issue 12, emulator controls). */
  faults: FaultInjector;
  /** The last requests of each tenant, in this process's memory (issue 12, emulator controls). */
  requestLog: RequestLog;
  /** Status changes announced by the services, in their transaction; callouts deliver them (issue 12 part 5). */
  events: Events;
}

/** The settings row that keeps the generated URL-signing secret, shared by every node. */
export const SIGNING_SECRET_SETTING = 'files.signing_secret';
/** The settings row counting starts in deterministic mode. */
export const IDS_EPOCH_SETTING = 'ids.epoch';

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
 * Every job reads its tenant's time like a request does (after the test clocks are made current),
 * and a bill run or bulk-PDF job forced to fail at this job's step fails instead (issue 12).
 */
const controlled = (task: Task<Deps>): Task<Deps> => ({
  ...task,
  handler: async (payload, ctx) => {
    await ctx.deps.clock.sync();
    if (await applyForcedFailure(ctx.deps, task.id, payload)) return;
    // Ids made by the job come from its tenant's sequence (deterministic mode).
    const tenantId = (payload as { tenantId?: unknown } | null)?.tenantId;
    return runAsTenant(typeof tenantId === 'string' ? tenantId : undefined, () =>
      task.handler(payload, ctx),
    );
  },
});

/** Ids given by a test: used as they are, with no seeds of their own. */
const fixedIds = (ids: Ids): DeterministicIds => ({
  ...ids,
  reseed: () => {
    throw new Error('These ids cannot be re-seeded (they were given to createDeps).');
  },
  seedOf: () => undefined,
  setEpoch: () => undefined,
});

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
  const registry = taskRegistry([...allTasks, ...(overrides.tasks ?? [])].map(controlled));
  const runner = jobRunnerOf(config);
  const db = await openDb<Database>(config.dbUrl, {
    ...(overrides.dbSchema === undefined ? {} : { schema: overrides.dbSchema }),
    // graphile-worker holds one connection for LISTEN and one per running job, beside the API's.
    ...(runner === 'graphile' ? { poolSize: Math.max(10, config.jobConcurrency * 2 + 4) } : {}),
  });
  const clock = tenantClock(
    overrides.clock ?? systemClock(),
    () => loadClockSettings(db.db),
    config.emulatorCacheMs,
  );
  const ids: DeterministicIds =
    overrides.ids === undefined
      ? deterministicIds(config.seed === '' ? undefined : config.seed)
      : fixedIds(overrides.ids);
  // Internal names (job rows, temporary files) stay random: they are never shown, and drawing
  // them from a seeded sequence would make visible ids depend on how often a runner polled.
  const internalIds = randomIds();
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
    queue: createControlledQueue(
      runner === 'graphile'
        ? createGraphileQueue<Deps>({
            pool: db.pgPool!,
            schema: workerSchemaOf(overrides.dbSchema),
            clock,
            tasks: registry,
            deps: () => deps,
            ids: internalIds,
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
            ids: internalIds,
            log: log.child({ component: 'jobs' }),
            metrics,
            concurrency: config.jobConcurrency,
            leaseMs: config.jobLeaseSeconds * 1000,
            pollIntervalMs: config.jobPollIntervalMs,
          }),
      () => deps,
    ),
    files: await openFileStore(config.filesUrl, {
      ids: internalIds,
      signer: urls,
      s3: {
        endpoint: config.s3Endpoint,
        region: config.s3Region,
        accessKeyId: config.s3AccessKeyId,
        secretAccessKey: config.s3SecretAccessKey,
        forcePathStyle: config.s3ForcePathStyle,
        expirySeconds: config.urlExpirySeconds,
        clock,
      },
    }),
    urls,
    // C1.11 holds for the deployment: on PostgreSQL every API process counts in the database.
    limits: createLimiter(
      config,
      db.dialect === 'postgres' ? postgresWindows(db.db as unknown as Kysely<unknown>) : undefined,
    ),
    pdf: createPdfPool(config.pdfWorkers),
    mailer: createMailer(config.smtpUrl),
    jobControl: jobControl(() => deps),
    faults: createFaultInjector(),
    requestLog: createRequestLog(config.requestLogSize, config.requestLogBodies),
    events: calloutEvents({ queue: () => deps.queue, ids, clock }),
  };
  return deps;
};

/** Runs every pending migration (on PostgreSQL, Kysely's tables go in the current schema). */
export const migrate = async (deps: Deps): Promise<string[]> => {
  const done = await migrateToLatest(deps.db.db as never, migrations);
  // Deterministic mode: each start on this database gets the next epoch (see deterministicIds).
  if (deps.config.seed !== '') deps.ids.setEpoch(await nextIdsEpoch(deps.db.db as never));
  await deps.queue.prepare();
  return done;
};

/** Counts the starts in deterministic mode on this database: 1 on a fresh one. */
const nextIdsEpoch = async (db: Kysely<SettingsTables>): Promise<number> =>
  db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('settings')
      .select('value')
      .where('key', '=', IDS_EPOCH_SETTING)
      .executeTakeFirst();
    const epoch = Number(row?.value ?? 0) + 1;
    await tx
      .insertInto('settings')
      .values({ key: IDS_EPOCH_SETTING, value: String(epoch) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(epoch) }))
      .execute();
    return epoch;
  });

/** Releases every adapter (graceful shutdown, end of tests). */
export const closeDeps = async (deps: Deps): Promise<void> => {
  await deps.queue.stop();
  await deps.pdf.close();
  deps.mailer?.close();
  // The S3 store holds an HTTP connection pool; the local and memory stores hold nothing.
  (deps.files as { close?: () => void }).close?.();
  await deps.db.destroy();
};
