import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, redactConfig, envName, flagName } from './config.ts';

const noFile = { cwd: '/nonexistent' };

test('defaults give the embedded mode on 127.0.0.1:8080 with the demo on', () => {
  const { config } = loadConfig({ env: {}, argv: [], ...noFile });
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 8080);
  assert.equal(config.dbUrl, 'sqlite:./.folio/folio.db');
  assert.equal(config.filesUrl, 'file:./.folio/files');
  assert.equal(config.publicUrl, 'http://127.0.0.1:8080');
  assert.equal(config.demo, true);
  assert.equal(config.zuoraVersionDefault, '186.0');
  assert.ok(Object.isFrozen(config));
});

test('precedence: defaults < file < env < flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'folio-cfg-'));
  writeFileSync(
    join(dir, 'folio.config.json'),
    JSON.stringify({ port: 9001, host: '0.0.0.0', logLevel: 'warn' }),
  );
  const { config } = loadConfig({
    env: { FOLIO_PORT: '9002', FOLIO_HOST: '127.0.0.2' },
    argv: ['serve', '--port', '9003'],
    cwd: dir,
  });
  assert.equal(config.port, 9003);
  assert.equal(config.host, '127.0.0.2');
  assert.equal(config.logLevel, 'warn');
});

test('--config PATH and --key=value flags; positionals and command flags are returned', () => {
  const dir = mkdtempSync(join(tmpdir(), 'folio-cfg-'));
  const file = join(dir, 'other.json');
  writeFileSync(file, JSON.stringify({ demo: false }));
  const r = loadConfig({
    env: {},
    argv: ['gen-openapi', '--config', file, '--db-url=sqlite::memory:', '--check'],
    ...noFile,
  });
  assert.equal(r.config.demo, false);
  assert.equal(r.config.dbUrl, 'sqlite::memory:');
  assert.deepEqual(r.rest, ['gen-openapi']);
  assert.deepEqual(r.commandFlags, ['--check']);
});

test('every bad key is reported at once, naming the key', () => {
  assert.throws(
    () =>
      loadConfig({
        env: { FOLIO_PORT: 'abc', FOLIO_DB_URL: 'mysql://x', FOLIO_NOPE: '1' },
        argv: [],
        ...noFile,
      }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.problems.length, 3);
      assert.match(e.message, /FOLIO_PORT: must be an integer 0–65535 \(got "abc"\)/);
      assert.match(e.message, /FOLIO_DB_URL: must be/);
      assert.match(e.message, /FOLIO_NOPE: unknown setting/);
      return true;
    },
  );
});

test('booleans accept on/off and secrets are never echoed in errors or in `folio config`', () => {
  assert.equal(loadConfig({ env: { FOLIO_DEMO: 'off' }, argv: [], ...noFile }).config.demo, false);
  assert.throws(
    () => loadConfig({ env: { FOLIO_ADMIN_TOKEN: 'short' }, argv: [], ...noFile }),
    (e: unknown) =>
      e instanceof ConfigError && !e.message.includes('short') && e.message.includes('[redacted]'),
  );
  const { config } = loadConfig({
    env: { FOLIO_ADMIN_TOKEN: 'a-long-admin-token' },
    argv: [],
    ...noFile,
  });
  const shown = redactConfig(config);
  assert.equal(shown.adminToken, '[redacted]');
  assert.equal(shown.demoClientSecret, '[redacted]');
  assert.ok(!JSON.stringify(shown).includes('a-long-admin-token'));
});

test('env and flag names derive from the key', () => {
  assert.equal(envName('dbUrl'), 'FOLIO_DB_URL');
  assert.equal(flagName('zuoraVersionDefault'), '--zuora-version-default');
});
