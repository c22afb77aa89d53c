import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHexId, randomIds, seededIds } from './ids.ts';

test('random ids are 32 lowercase hex digits, distinct, and start with the creation time', () => {
  const ids = randomIds();
  const before = Date.now();
  const made = Array.from({ length: 5000 }, () => ids.id());
  const after = Date.now();
  for (const id of made) assert.ok(isHexId(id), id);
  assert.equal(new Set(made).size, made.length);
  const first = parseInt(made[0]!.slice(0, 12), 16);
  const last = parseInt(made.at(-1)!.slice(0, 12), 16);
  assert.ok(first >= before && last <= after && first <= last, `${first} ${last}`);
  // The random part differs between ids of the same millisecond.
  assert.equal(new Set(made.map((id) => id.slice(12))).size, made.length);
});

test('ids made later sort after ids made earlier (time-ordered, for B-tree locality)', async () => {
  const ids = randomIds();
  const a = ids.id();
  await new Promise((r) => setTimeout(r, 3));
  assert.ok(ids.id() > a);
});

test('secrets and uuids stay fully random, seeded ids stay reproducible', () => {
  const ids = randomIds();
  assert.match(ids.uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(ids.secret(32), /^[0-9a-f]{64}$/);
  assert.notEqual(ids.secret(16), ids.secret(16));
  assert.deepEqual(
    [seededIds('x').id(), seededIds('x').id()],
    [seededIds('x').id(), seededIds('x').id()],
  );
  assert.notEqual(seededIds('x').id(), seededIds('y').id());
});
