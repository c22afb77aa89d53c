/**
 * Composition root and `folio` command line: loadConfig → createDeps → serve | migrate | config | …
 */
import { createServer, type AddressInfo } from 'node:net';
import { CONFIG_KEYS, ConfigError, loadConfig, type Config } from './config.ts';
import { closeDeps, createDeps, jobRunnerOf, migrate, type Deps } from './deps.ts';
import { createApp } from './app.ts';
import { ensureDemoTenant } from './tenants/tenants.service.ts';
import { ensureClient } from './auth/auth.service.ts';
import { adminTokenOf } from './platform/http/app.ts';
import { configCommand } from './cli/config.ts';
import { ADMIN_USAGE, clientCommand, entityCommand, tenantCommand } from './cli/admin.ts';
import { genOpenapiCommand } from './cli/gen-openapi.ts';
import { SEED_USAGE, seedCommand } from './cli/seed.ts';
import { BILLRUN_USAGE, billrunCommand } from './cli/billrun.ts';
import { EXPORT_USAGE, exportCommand } from './cli/export.ts';
import { CLOCK_LIFECYCLE_USAGE, clockCommand, lifecycleCommand } from './cli/clock-lifecycle.ts';
import { TRAFFIC_USAGE, faultCommand, requestsCommand } from './cli/traffic.ts';
import { SNAPSHOT_USAGE, resetCommand, snapshotCommand } from './cli/snapshots.ts';

const USAGE = `Usage: folio <command> [--config PATH] [--key value …]

Commands:
  serve          run the HTTP API and a job runner; what \`npm start\` runs
                 (--no-worker: the API only, for nodes beside \`folio work\` processes)
  work           run a job runner only (no HTTP): FOLIO_JOB_CONCURRENCY jobs at once,
                 FOLIO_PDF_WORKERS render threads; SIGTERM finishes or releases its jobs
  migrate        apply database migrations and exit
  config         print the effective configuration, secrets redacted
  gen-openapi    write openapi.json from the route schemas (--check: fail on drift)
${ADMIN_USAGE}
${SEED_USAGE}
${CLOCK_LIFECYCLE_USAGE}

Client commands (over HTTP through the typed client, to this Folio or to Zuora):
${BILLRUN_USAGE}
${EXPORT_USAGE}
${TRAFFIC_USAGE}
${SNAPSHOT_USAGE}

Every configuration key can be given as --kebab-case-flag, FOLIO_* variable or in folio.config.json.`;

/** Creates the demo tenant and client when FOLIO_DEMO is on; prints only built-in defaults. */
const ensureDemo = async (deps: Deps): Promise<void> => {
  const { config } = deps;
  if (!config.demo) return;
  const { tenant } = await ensureDemoTenant(deps);
  await ensureClient(deps, {
    tenantId: tenant.id,
    clientId: config.demoClientId,
    clientSecret: config.demoClientSecret,
    name: 'Demo client',
  });
  const shown = (k: 'demoClientId' | 'demoClientSecret', v: string) =>
    v === CONFIG_KEYS[k].default ? v : '(configured)';
  const admin = config.adminToken === '' ? adminTokenOf(config) : '(configured)';
  process.stdout.write(
    `Demo tenant ready: OAuth client ${shown('demoClientId', config.demoClientId)} / ${shown('demoClientSecret', config.demoClientSecret)}, admin token ${admin ?? '(none)'}\n` +
      '  (built-in demo defaults, not secrets; FOLIO_DEMO=off disables them)\n',
  );
};

/** `folio serve`: migrate, make the demo tenant, listen; SIGTERM/SIGINT drain and exit 0. */
/** A free TCP port on `host`, for `--port 0`. */
const freePort = (host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/**
 * With `--port 0` the port is chosen before anything is built, so the default public URL (and
 * every signed download URL made from it) names the port the server really listens on.
 */
const resolvePort = async (config: Config): Promise<Config> => {
  if (config.port !== 0) return config;
  const port = await freePort(config.host);
  const publicUrl = config.publicUrl.endsWith(':0')
    ? `${config.publicUrl.slice(0, -2)}:${port}`
    : config.publicUrl;
  return Object.freeze({ ...config, port, publicUrl });
};

const serve = async (given: Config, commandFlags: string[]): Promise<void> => {
  const started = performance.now();
  const config = await resolvePort(given);
  const deps = await createDeps(config);
  await migrate(deps);
  await ensureDemo(deps);
  const app = await createApp(deps);
  // Started after migrations; stopped by closeDeps on SIGTERM, which aborts running jobs' signals
  // and waits until each is completed, failed or released for the next runner.
  const worker = config.worker && !commandFlags.includes('--no-worker');
  if (worker) deps.queue.start();

  // Installed before listening: a SIGTERM right after the address is printed must still drain.
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    deps.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    app
      .close()
      .then(() => closeDeps(deps))
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        deps.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  app.server.keepAliveTimeout = 72_000;
  app.server.requestTimeout = 120_000;
  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : config.port;
  deps.log.info(
    { host: config.host, port, startupMs: Math.round(performance.now() - started) },
    'folio listening',
  );
  process.stdout.write(
    `Folio listening on http://${config.host}:${port} — first call: POST /oauth/token\n`,
  );
};

/**
 * `folio work`: a job runner without HTTP (DESIGN.md "Deployment modes": `folio work` ×M). It
 * migrates like `serve` (idempotent), then runs jobs until SIGTERM/SIGINT, when running jobs
 * see their signal aborted and are finished or released for another runner before it exits 0.
 */
const work = async (config: Config): Promise<void> => {
  const deps = await createDeps(config);
  await migrate(deps);
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    deps.log.info({ signal }, 'worker shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    closeDeps(deps)
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        deps.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  deps.queue.start();
  deps.log.info({ concurrency: config.jobConcurrency }, 'folio worker running');
  process.stdout.write(
    `Folio worker running: ${config.jobConcurrency} jobs at once (${jobRunnerOf(config)} queue)\n`,
  );
};

const main = async (): Promise<number> => {
  let loaded;
  try {
    loaded = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const { config, rest, commandFlags, commandArgs } = loaded;
  const [command = 'serve'] = rest;
  switch (command) {
    case 'serve':
      await serve(config, commandFlags);
      return -1;
    case 'work':
      await work(config);
      return -1;
    case 'migrate': {
      const deps = await createDeps(config);
      try {
        const done = await migrate(deps);
        process.stdout.write(
          done.length === 0 ? 'Database is up to date.\n' : `Applied: ${done.join(', ')}\n`,
        );
      } finally {
        await closeDeps(deps);
      }
      return 0;
    }
    case 'config':
      return configCommand(config);
    case 'gen-openapi':
      return genOpenapiCommand(config, commandFlags.includes('--check'));
    case 'tenant':
      return tenantCommand(config, rest.slice(1), commandFlags);
    case 'entity':
      return entityCommand(config, rest.slice(1));
    case 'client':
      return clientCommand(config, rest.slice(1), commandFlags);
    case 'seed':
      return seedCommand(config, rest.slice(1), commandFlags);
    case 'billrun':
      return billrunCommand(config, commandArgs.slice(1));
    case 'export':
      return exportCommand(config, commandArgs.slice(1));
    case 'clock':
      return clockCommand(config, rest.slice(1));
    case 'lifecycle':
      return lifecycleCommand(config, rest.slice(1));
    case 'fault':
      return faultCommand(config, rest.slice(1), commandFlags);
    case 'requests':
      return requestsCommand(config, rest.slice(1), commandFlags);
    case 'snapshot':
      return snapshotCommand(config, rest.slice(1), commandFlags);
    case 'reset':
      return resetCommand(config, rest.slice(1));
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${USAGE}\n`);
      return 2;
  }
};

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `folio: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
