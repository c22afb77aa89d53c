/**
 * compose.yaml and docs/deploy.md stay true (issue 10 part 5). No Docker here, so the compose file
 * is parsed (npm `yaml`) and each Folio service's command and environment are checked against the
 * CLI and the configuration schema (`loadConfig`, CONFIG_KEYS): a renamed key, a bad value or a
 * changed command fails this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_KEYS, envName, loadConfig, type ConfigKey } from '../src/config.ts';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The processes of a scale-out deployment, as the multi-process end-to-end test starts them
 * (issue 10 part 4: `node src/main.ts serve --no-worker` ×2, `node src/main.ts work` ×2).
 */
const COMMANDS: Record<string, string[]> = {
  migrate: ['node', 'src/main.ts', 'migrate'],
  serve: ['node', 'src/main.ts', 'serve', '--no-worker'],
  work: ['node', 'src/main.ts', 'work'],
};

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
}
const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const envNames = new Set((Object.keys(CONFIG_KEYS) as ConfigKey[]).map(envName));

test('compose.yaml has PostgreSQL, an S3-compatible store, and serve and work nodes', () => {
  assert.match(services.postgres?.image ?? '', /^postgres:/);
  assert.match(services.minio?.image ?? '', /^minio\/minio/);
  assert.equal(services.serve?.deploy?.replicas, 2);
  assert.equal(services.work?.deploy?.replicas, 2);
  for (const [name, s] of Object.entries(services))
    for (const dep of Object.keys(s.depends_on ?? {}))
      assert.ok(dep in services, `${name} depends on an unknown service ${dep}`);
  assert.ok(existsSync(join(ROOT, 'Dockerfile')), 'the Folio services build from ./Dockerfile');
});

test("each Folio service's command is the multi-process test's, and its environment is a valid configuration", () => {
  for (const [name, command] of Object.entries(COMMANDS)) {
    const s = services[name];
    assert.ok(s !== undefined, `service ${name}`);
    assert.deepEqual(s.command, command, name);
    const env = s.environment ?? {};
    const keys = Object.keys(env).filter((k) => k.startsWith('FOLIO_'));
    assert.ok(keys.includes('FOLIO_DB_URL') && keys.includes('FOLIO_FILES_URL'), name);
    for (const k of keys) assert.ok(envNames.has(k), `${name}: ${k} is not a configuration key`);
    // The real loader with the service's env and argv: every value must pass the schema.
    const loaded = loadConfig({ env, argv: command.slice(2), cwd: '/nonexistent' });
    assert.equal(loaded.rest[0], command[2], name);
    assert.match(loaded.config.dbUrl, /^postgres:\/\//, name);
    assert.match(loaded.config.filesUrl, /^s3:\/\/[a-z0-9.-]+\//, name);
    assert.equal(loaded.config.s3ForcePathStyle, true, name);
    assert.equal(
      loaded.config.demo,
      false,
      `${name}: demo credentials must be off in a deployment`,
    );
  }
  assert.deepEqual(loadConfig({ env: {}, argv: COMMANDS.serve!.slice(2) }).commandFlags, [
    '--no-worker',
  ]);
});

test('the S3 credentials in compose.yaml are those its MinIO is started with', () => {
  const minio = services.minio?.environment ?? {};
  const env = services.work?.environment ?? {};
  assert.equal(env.FOLIO_S3_ACCESS_KEY_ID, minio.MINIO_ROOT_USER);
  assert.equal(env.FOLIO_S3_SECRET_ACCESS_KEY, minio.MINIO_ROOT_PASSWORD);
  const bucket = /^s3:\/\/([^/]+)/.exec(env.FOLIO_FILES_URL ?? '')?.[1];
  assert.ok(bucket !== undefined);
  assert.ok(
    JSON.stringify(services['minio-bucket']).includes(`local/${bucket}`),
    'the one-shot service creates the bucket FOLIO_FILES_URL names',
  );
});

test('every FOLIO_* setting docs/deploy.md mentions is a configuration key', () => {
  const doc = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
  const mentioned = new Set(doc.match(/FOLIO_[A-Z0-9_]+/g) ?? []);
  assert.ok(mentioned.size > 5);
  // `FOLIO_RATE_LIMIT_PER_…` style families are written with a trailing `_`.
  for (const k of mentioned)
    if (!k.endsWith('_'))
      assert.ok(envNames.has(k) || k === 'FOLIO_CONFIG', `docs/deploy.md: ${k} is not a key`);
});
