import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor, type SeededTenant } from '../../test/harness.ts';
import { testRoutes } from '../../test/routes.ts';
import { createEntity } from '../tenants/tenants.service.ts';

const ADMIN = { authorization: 'Bearer demo-admin' };

forEachDb(
  'admin API: /folio/v1/tenants/{id}/oauth-clients',
  (ctx) => {
    let a: SeededTenant;
    let b: SeededTenant;
    let euEntity: string;
    let created: { clientId: string; clientSecret: string };

    test('setup', async () => {
      a = await seedTenant(ctx.deps, 'A');
      b = await seedTenant(ctx.deps, 'B');
      euEntity = (await createEntity(ctx.deps, a.tenantId, { name: 'EU' })).id;
    });

    test('POST creates a client limited to chosen entities; the secret is returned once', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/folio/v1/tenants/${a.tenantId}/oauth-clients`,
        headers: ADMIN,
        payload: { name: 'EU only', entityIds: [euEntity] },
      });
      assert.equal(res.statusCode, 201);
      const body = res.json() as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), [
        'clientId',
        'clientSecret',
        'createdAt',
        'entityIds',
        'name',
        'revokedAt',
        'tenantId',
      ]);
      assert.match(body.clientId as string, /^[0-9a-f-]{36}$/);
      assert.match(body.clientSecret as string, /^[0-9a-f]{40}$/);
      assert.deepEqual(body.entityIds, [euEntity]);
      assert.equal(body.revokedAt, null);
      created = body as { clientId: string; clientSecret: string };
      const token = await tokenFor(ctx.app, created);
      const res2 = await ctx.app.inject({
        method: 'GET',
        url: `/v1/test-entities/${euEntity}`,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal((res2.json() as { actingEntity: string }).actingEntity, euEntity);
    });

    test('GET lists the tenant clients without secrets, and only that tenant', async () => {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/folio/v1/tenants/${a.tenantId}/oauth-clients`,
        headers: ADMIN,
      });
      assert.equal(res.statusCode, 200);
      const clients = (res.json() as { clients: Record<string, unknown>[] }).clients;
      assert.deepEqual(
        clients.map((c) => c.clientId).sort(),
        [a.clientId, created.clientId].sort(),
      );
      assert.ok(clients.every((c) => !('clientSecret' in c)));
      assert.ok(!res.body.includes(created.clientSecret));
    });

    test('an entity of another tenant or a malformed entity id is refused with 400', async () => {
      for (const entityIds of [[b.entityId], ['not-a-uuid'], []]) {
        const res = await ctx.app.inject({
          method: 'POST',
          url: `/folio/v1/tenants/${a.tenantId}/oauth-clients`,
          headers: ADMIN,
          payload: { entityIds },
        });
        assert.equal(res.statusCode, 400, JSON.stringify(entityIds));
        assert.match(
          (res.json() as { reasons: { message: string }[] }).reasons[0]!.message,
          /entityIds|does not belong to tenant/,
        );
      }
    });

    test('DELETE revokes the client: its live token gets 401 and it cannot get new ones', async () => {
      const token = await tokenFor(ctx.app, created);
      const call = () =>
        ctx.app.inject({
          method: 'GET',
          url: `/v1/test-entities/${euEntity}`,
          headers: { authorization: `Bearer ${token}` },
        });
      assert.equal((await call()).statusCode, 200);
      const del = await ctx.app.inject({
        method: 'DELETE',
        url: `/folio/v1/tenants/${a.tenantId}/oauth-clients/${created.clientId}`,
        headers: ADMIN,
      });
      assert.equal(del.statusCode, 204);
      assert.equal((await call()).statusCode, 401);
      await assert.rejects(tokenFor(ctx.app, created), /401/);
      const list = await ctx.app.inject({
        method: 'GET',
        url: `/folio/v1/tenants/${a.tenantId}/oauth-clients`,
        headers: ADMIN,
      });
      const revoked = (
        list.json() as { clients: { clientId: string; revokedAt: string }[] }
      ).clients.find((c) => c.clientId === created.clientId);
      assert.equal(revoked?.revokedAt, '2026-03-15T10:00:00.000Z');
    });

    test("revoking through another tenant's path, twice, or an unknown client is 404", async () => {
      for (const [tenantId, clientId] of [
        [b.tenantId, a.clientId],
        [a.tenantId, created.clientId],
        [a.tenantId, 'no-such-client'],
      ]) {
        const res = await ctx.app.inject({
          method: 'DELETE',
          url: `/folio/v1/tenants/${tenantId}/oauth-clients/${clientId}`,
          headers: ADMIN,
        });
        assert.equal(res.statusCode, 404, `${tenantId} ${clientId}`);
      }
      // A's own client still works after the refused cross-tenant revoke.
      assert.match(await tokenFor(ctx.app, a), /^[0-9a-f]{32}$/);
    });
  },
  { routes: [testRoutes] },
);
