/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are read as untyped JSON */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, forEachDb, tokenFor } from '../../test/harness.ts';
import { call } from '../../test/billing-fixtures.ts';
import { createTenant } from '../tenants/tenants.service.ts';
import { createClient } from '../auth/auth.service.ts';

const ADMIN = { authorization: 'Bearer demo-admin' };
const TENANT = 'abcdef0123456789abcdef0123456789';

forEachDb('admin API: per-tenant seed (deterministic mode)', (ctx) => {
  /** In a fresh context (a fresh server): the tenant, seeded, creates a product; its id. */
  const productIdWithSeed = async (seed: string): Promise<string> => {
    const other = await createTestContext(ctx.target);
    try {
      await createTenant(other.deps, { name: 'Seeded', id: TENANT });
      const client = await createClient(other.deps, { tenantId: TENANT });
      const put = await other.app.inject({
        method: 'PUT',
        url: `/folio/v1/tenants/${TENANT}/seed`,
        headers: ADMIN,
        payload: { seed },
      });
      assert.equal(put.statusCode, 200, put.body);
      assert.deepEqual(put.json(), { tenantId: TENANT, seed, source: 'tenant' });
      const token = await tokenFor(other.app, client);
      const res = await call(other.app, token, 'POST', '/v1/object/product', {
        Name: 'Gold',
        EffectiveStartDate: '2026-01-01',
        EffectiveEndDate: '2036-01-01',
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json().Id as string;
    } finally {
      await other.close();
    }
  };

  test('the same tenant seed gives the same ids in two fresh servers; another seed others', async () => {
    const a = await productIdWithSeed('suite-1');
    const b = await productIdWithSeed('suite-1');
    const c = await productIdWithSeed('suite-2');
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.equal(b, a);
    assert.notEqual(c, a);
  });

  test('GET shows no seed by default; null clears it; bad input and tenant tokens are refused', async () => {
    const { tenant } = await createTenant(ctx.deps, { name: 'Plain' });
    const url = `/folio/v1/tenants/${tenant.id}/seed`;
    const get = await ctx.app.inject({ method: 'GET', url, headers: ADMIN });
    assert.deepEqual(get.json(), { tenantId: tenant.id, seed: null, source: null });
    const set = await ctx.app.inject({
      method: 'PUT',
      url,
      headers: ADMIN,
      payload: { seed: 'x' },
    });
    assert.equal(set.json().source, 'tenant');
    const cleared = await ctx.app.inject({
      method: 'PUT',
      url,
      headers: ADMIN,
      payload: { seed: null },
    });
    assert.deepEqual(cleared.json(), { tenantId: tenant.id, seed: null, source: null });
    const empty = await ctx.app.inject({
      method: 'PUT',
      url,
      headers: ADMIN,
      payload: { seed: 'x'.repeat(201) },
    });
    assert.equal(empty.statusCode, 400, empty.body);
    const unknown = await ctx.app.inject({
      method: 'GET',
      url: `/folio/v1/tenants/${'0'.repeat(32)}/seed`,
      headers: ADMIN,
    });
    assert.equal(unknown.statusCode, 404);
    const client = await createClient(ctx.deps, { tenantId: tenant.id });
    const token = await tokenFor(ctx.app, client);
    for (const method of ['GET', 'PUT'] as const) {
      const res = await ctx.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        payload: { seed: 'x' },
      });
      assert.equal(res.statusCode, 401, res.body);
    }
  });
});
