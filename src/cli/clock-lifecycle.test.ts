/** `folio clock …` and `folio lifecycle …` on a real database file, as an operator runs them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFolio } from '../../test/server.ts';

test('folio clock and folio lifecycle change a tenant through the services', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'folio-cli-clock-'));
  const env = { FOLIO_DB_URL: `sqlite:${join(dir, 'folio.db')}`, FOLIO_LOG_LEVEL: 'silent' };
  const folio = async (...args: string[]) => {
    const r = await runFolio(args, env, dir);
    return { ...r, json: r.code === 0 ? (JSON.parse(r.output) as Record<string, unknown>) : {} };
  };
  const tenant = await folio('tenant', 'create', 'Clocked');
  assert.equal(tenant.code, 0, tenant.output);
  const id = String(tenant.json.id);

  const frozen = await folio('clock', 'freeze', id, '2027-01-31T00:00:00Z');
  assert.equal(frozen.code, 0, frozen.output);
  assert.equal(frozen.json.mode, 'frozen');
  const advanced = await folio('clock', 'advance', id, 'P1M');
  assert.equal(advanced.json.now, '2027-02-28T00:00:00.000Z');
  const back = await folio('clock', 'advance', id, '2027-01-01T00:00:00Z');
  assert.equal(back.code, 1);
  assert.match(back.output, /only advances/);

  const set = await folio('lifecycle', 'set', id, 'polls', '3');
  assert.equal(set.code, 0, set.output);
  assert.deepEqual(set.json, { tenantId: id, mode: 'polls', polls: 3 });
  const missing = await folio('lifecycle', 'advance', 'f'.repeat(32));
  assert.equal(missing.code, 1);
  assert.match(missing.output, /not found|does not exist/i);
});
