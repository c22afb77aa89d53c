/**
 * Test harness: real databases (a fresh SQLite file per test file; with FOLIO_TEST_PG_URL set,
 * also a fresh PostgreSQL schema per test file), real app, deps built the way main.ts builds them.
 */
import { describe, before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../src/config.ts';
import { closeDeps, createDeps, migrate, type Deps, type DepsOverrides } from '../src/deps.ts';
import { createApp } from '../src/app.ts';
import type { RoutePlugin } from '../src/platform/http/app.ts';
import { manualClock, type ManualClock } from '../src/platform/clock.ts';
import { createTenant } from '../src/tenants/tenants.service.ts';
import { createClient } from '../src/auth/auth.service.ts';

export interface DbTarget {
  name: 'sqlite' | 'postgres';
}

const PG_URL = process.env.FOLIO_TEST_PG_URL;
let warned = false;

/** The databases every database test runs on: SQLite always, PostgreSQL when configured. */
export const dbTargets = (): DbTarget[] => {
  if (PG_URL === undefined || PG_URL === '') {
    if (!warned) {
      warned = true;
      process.stdout.write(
        '# PostgreSQL variants skipped: FOLIO_TEST_PG_URL is not set (.ci/run sets it)\n',
      );
    }
    return [{ name: 'sqlite' }];
  }
  return [{ name: 'sqlite' }, { name: 'postgres' }];
};

/** Test configuration: defaults, no file, no environment, with the given overrides. */
export const testConfig = (overrides: Partial<Record<keyof Config, unknown>> = {}): Config => {
  const { config } = loadConfig({ env: {}, argv: [], cwd: '/nonexistent' });
  return Object.freeze({ ...config, logLevel: 'silent', ...overrides }) as Config;
};

export interface TestContext {
  deps: Deps;
  clock: ManualClock;
  app: FastifyInstance;
  target: DbTarget;
}

export interface TestDepsOptions {
  config?: Partial<Record<keyof Config, unknown>>;
  overrides?: DepsOverrides;
  /** Extra route plugins (test-only routes). */
  routes?: readonly RoutePlugin<Deps>[];
}

/** Builds migrated deps and an app on a fresh database of the target; `close` drops it all. */
export const createTestContext = async (
  target: DbTarget,
  options: TestDepsOptions = {},
): Promise<TestContext & { close(): Promise<void> }> => {
  const clock = manualClock(new Date('2026-03-15T10:00:00.000Z'));
  // One temp directory per context: the SQLite file and the FileStore root; removed by close().
  const dir = mkdtempSync(join(tmpdir(), 'folio-test-'));
  const schema = target.name === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const dropAll = async (): Promise<void> => {
    rmSync(dir, { recursive: true, force: true });
    if (schema === undefined) return;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    // graphile-worker's schema of this context (deps.workerSchemaOf), when the queue made one.
    await c.query(`DROP SCHEMA IF EXISTS ${schema}_worker CASCADE`);
    await c.end();
  };
  const config = testConfig({
    dbUrl: schema === undefined ? `sqlite:${join(dir, 'folio.db')}` : PG_URL!,
    filesUrl: `file:${join(dir, 'files')}`,
    ...options.config,
  });
  let deps: Deps | undefined;
  let app: FastifyInstance;
  try {
    deps = await createDeps(config, {
      clock,
      ...(schema === undefined ? {} : { dbSchema: schema }),
      ...options.overrides,
    });
    await migrate(deps);
    app = await createApp(deps, options.routes ?? []);
    await app.ready();
  } catch (e) {
    // A failed setup must not leave its schema behind on the shared server.
    if (deps !== undefined) await closeDeps(deps);
    await dropAll();
    throw e;
  }
  return {
    deps,
    clock,
    app,
    target,
    close: async () => {
      await app.close();
      await closeDeps(deps);
      await dropAll();
    },
  };
};

/**
 * Runs `fn` once per database target inside `describe("<name> [sqlite|postgres]")`, with a fresh
 * migrated database for the block. `ctx` is filled in `before`.
 */
export const forEachDb = (
  name: string,
  fn: (ctx: TestContext) => void,
  options: TestDepsOptions = {},
): void => {
  for (const target of dbTargets()) {
    describe(`${name} [${target.name}]`, () => {
      const ctx = {} as TestContext;
      let close: (() => Promise<void>) | undefined;
      before(async () => {
        const made = await createTestContext(target, options);
        close = made.close;
        Object.assign(ctx, made);
      });
      after(async () => {
        await close?.();
      });
      fn(ctx);
    });
  }
};

export interface SeededTenant {
  tenantId: string;
  entityId: string;
  clientId: string;
  clientSecret: string;
}

/** A tenant with its default entity and an OAuth client. */
export const seedTenant = async (deps: Deps, name = 'Tenant'): Promise<SeededTenant> => {
  const { tenant, entity } = await createTenant(deps, { name });
  const client = await createClient(deps, { tenantId: tenant.id });
  return {
    tenantId: tenant.id,
    entityId: entity.id,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
  };
};

/** Gets a bearer token through the real `/oauth/token` route. */
export const tokenFor = async (
  app: FastifyInstance,
  t: { clientId: string; clientSecret: string },
  headers: Record<string, string> = {},
): Promise<string> => {
  const res = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: t.clientId,
      client_secret: t.clientSecret,
    }).toString(),
  });
  if (res.statusCode !== 200)
    throw new Error(`token request failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
};
