/** `folio snapshot` and `folio reset` on a real database file, as an operator runs them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFolio } from '../server.ts';

test('folio snapshot save / list, a duplicate name refused, and folio reset', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'folio-snap-cli-'));
  const env = {
    FOLIO_DB_URL: `sqlite:${join(dir, 'folio.db')}`,
    FOLIO_FILES_URL: `file:${join(dir, 'files')}`,
    FOLIO_LOG_LEVEL: 'silent',
  };
  const created = await runFolio(['tenant', 'create', 'CLI'], env, dir);
  assert.equal(created.code, 0, created.output);
  const tenant = (JSON.parse(created.output) as { id: string }).id;

  const saved = await runFolio(['snapshot', 'save', tenant, 'empty'], env, dir);
  assert.equal(saved.code, 0, saved.output);
  assert.equal((JSON.parse(saved.output) as { name: string; rowCount: number }).rowCount, 0);

  const listed = await runFolio(['snapshot', 'list', tenant, '--json'], env, dir);
  assert.equal(listed.code, 0, listed.output);
  assert.deepEqual(
    (JSON.parse(listed.output) as { snapshots: { name: string }[] }).snapshots.map((s) => s.name),
    ['empty'],
  );

  const again = await runFolio(['snapshot', 'save', tenant, 'empty'], env, dir);
  assert.equal(again.code, 1);
  assert.match(again.output, /Snapshot empty already exists/);

  const reset = await runFolio(['reset', tenant], env, dir);
  assert.equal(reset.code, 0, reset.output);
  assert.equal((JSON.parse(reset.output) as { name: null }).name, null);
});
