import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deterministicIds, isHexId, isUuid, runAsTenant } from './ids.ts';

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
