import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant } from '../../../test/harness.ts';
import { formatNumber, takeNumbers } from './sequences.ts';

forEachDb('per-entity sequences', (ctx) => {
  test('concurrent transactions get distinct, gap-free numbers; rolled-back ones are reused', async () => {
    const t = await seedTenant(ctx.deps);
    const scope = { tenantId: t.tenantId, entityId: t.entityId };
    const taken: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ctx.deps.db.db
          .transaction()
          .execute(async (tx) => {
            const n = await takeNumbers(tx, scope, 'INV');
            if (i % 3 === 0) throw new Error('rollback');
            taken.push(n);
          })
          .catch((e: unknown) => {
            if (!(e instanceof Error) || e.message !== 'rollback') throw e;
          }),
      ),
    );
    assert.deepEqual(
      taken.sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
  });

  test('sequences are per entity and per name; a block reserves consecutive values', async () => {
    const a = await seedTenant(ctx.deps, 'A');
    const b = await seedTenant(ctx.deps, 'B');
    const sa = { tenantId: a.tenantId, entityId: a.entityId };
    assert.equal(await takeNumbers(ctx.deps.db.db, sa, 'A', 5), 1);
    assert.equal(await takeNumbers(ctx.deps.db.db, sa, 'A'), 6);
    assert.equal(await takeNumbers(ctx.deps.db.db, sa, 'INV'), 1);
    assert.equal(
      await takeNumbers(ctx.deps.db.db, { tenantId: b.tenantId, entityId: b.entityId }, 'A'),
      1,
    );
    assert.equal(formatNumber('INV', 42), 'INV00000042');
  });
});
