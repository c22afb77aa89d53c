import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deterministicIds, isHexId, isUuid, randomIds, runAsTenant, seededIds } from './ids.ts';

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


const take = (ids: ReturnType<typeof deterministicIds>, tenantId: string | undefined, n = 3) =>
  runAsTenant(tenantId, () => Array.from({ length: n }, () => ids.id()));

test('without a seed, ids are random 32-hex ids and UUIDs', () => {
  const ids = deterministicIds(undefined);
  const a = take(ids, 'tenant-a');
  const b = take(deterministicIds(undefined), 'tenant-a');
  assert.ok(a.every(isHexId));
  assert.notDeepEqual(a, b);
  assert.ok(isUuid(ids.uuid()));
  assert.equal(ids.seedOf('tenant-a'), undefined);
});

test('with a seed, each tenant has its own reproducible sequence', () => {
  const one = deterministicIds('s');
  const two = deterministicIds('s');
  one.setEpoch(1);
  two.setEpoch(1);
  // Interleaving another tenant's ids does not shift this tenant's.
  const a1 = take(one, 'tenant-a');
  take(two, 'tenant-b', 5);
  const a2 = take(two, 'tenant-a');
  assert.deepEqual(a2, a1);
  assert.ok(a1.every(isHexId));
  assert.notDeepEqual(take(deterministicIds('other'), 'tenant-a'), a1);
  assert.ok(runAsTenant('tenant-a', () => isUuid(two.uuid())));
});

test('a new epoch (a restart on the same database) never repeats the ids', () => {
  const ids = deterministicIds('s');
  ids.setEpoch(1);
  const first = take(ids, 't');
  const again = deterministicIds('s');
  again.setEpoch(2);
  assert.notDeepEqual(take(again, 't'), first);
});

test('a tenant seed restarts that tenant alone; secrets stay random', () => {
  const ids = deterministicIds(undefined);
  ids.reseed('t', 'mine');
  const first = take(ids, 't');
  assert.equal(ids.seedOf('t'), 'mine');
  ids.reseed('t', 'mine');
  assert.deepEqual(take(ids, 't'), first, 're-seeding starts the same sequence again');
  assert.equal(take(ids, 'u').length, 3);
  assert.notDeepEqual(take(deterministicIds(undefined), 'u'), take(ids, 'u'));
  assert.notEqual(ids.secret(16), ids.secret(16));
  ids.reseed('t', undefined);
  assert.equal(ids.seedOf('t'), undefined);
});
