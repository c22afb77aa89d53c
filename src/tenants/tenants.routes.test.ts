import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, tokenFor } from '../../test/harness.ts';
import { testRoutes } from '../../test/routes.ts';
import { ensureDemoTenant } from './tenants.service.ts';

const ADMIN = { authorization: 'Bearer demo-admin' };
const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Reasons {
  success: boolean;
  reasons: { code: string; message: string }[];
}

forEachDb(
  'admin API: /folio/v1/tenants and entities',
  (ctx) => {
    let tenantId: string;

    test('POST /folio/v1/tenants creates a tenant with its default entity (201)', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/folio/v1/tenants',
        headers: ADMIN,
        payload: { name: 'Second', zuoraVersionDefault: '2024-05-20' },
      });
      assert.equal(res.statusCode, 201);
      const body = res.json() as Record<string, unknown> & {
        defaultEntity: Record<string, unknown>;
      };
      assert.deepEqual(Object.keys(body).sort(), [
        'createdAt',
        'defaultEntity',
        'id',
        'name',
        'number',
        'zuoraVersionDefault',
      ]);
      assert.match(body.id as string, HEX32);
      assert.equal(body.name, 'Second');
      assert.equal(body.zuoraVersionDefault, '2024-05-20');
      assert.equal(body.createdAt, '2026-03-15T10:00:00.000Z', 'time comes from deps.clock');
      assert.match(body.defaultEntity.id as string, UUID);
      assert.equal(body.defaultEntity.isDefault, true);
      assert.equal(body.defaultEntity.tenantId, body.id);
      tenantId = body.id as string;
    });

    test('GET /folio/v1/tenants lists it and GET /folio/v1/tenants/{id} reads it', async () => {
      const list = await ctx.app.inject({
        method: 'GET',
        url: '/folio/v1/tenants',
        headers: ADMIN,
      });
      assert.equal(list.statusCode, 200);
      const ids = (list.json() as { tenants: { id: string }[] }).tenants.map((t) => t.id);
      assert.ok(ids.includes(tenantId));
      const one = await ctx.app.inject({
        method: 'GET',
        url: `/folio/v1/tenants/${tenantId}`,
        headers: ADMIN,
      });
      assert.equal(one.statusCode, 200);
      assert.equal((one.json() as { name: string }).name, 'Second');
    });

    test('entities: POST adds a non-default entity, GET lists both', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/folio/v1/tenants/${tenantId}/entities`,
        headers: ADMIN,
        payload: { name: 'EU' },
      });
      assert.equal(res.statusCode, 201);
      const e = res.json() as { id: string; isDefault: boolean; tenantId: string; name: string };
      assert.match(e.id, UUID);
      assert.equal(e.isDefault, false);
      assert.equal(e.tenantId, tenantId);
      const list = await ctx.app.inject({
        method: 'GET',
        url: `/folio/v1/tenants/${tenantId}/entities`,
        headers: ADMIN,
      });
      const names = (list.json() as { entities: { name: string }[] }).entities.map((x) => x.name);
      assert.deepEqual(names.sort(), ['EU', 'Second']);
    });

    test('bad bodies get 400 with the admin (v1-shaped) error body', async () => {
      const cases: [unknown, string, RegExp][] = [
        [{}, '22', /name is required/],
        [{ name: '' }, '20', /name/],
        [{ name: 'x'.repeat(101) }, '20', /name/],
        [{ name: 'x', zuoraVersionDefault: 'latest' }, '20', /zuoraVersionDefault/],
      ];
      for (const [payload, category, message] of cases) {
        const res = await ctx.app.inject({
          method: 'POST',
          url: '/folio/v1/tenants',
          headers: ADMIN,
          payload: payload as Record<string, unknown>,
        });
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        const body = res.json() as Reasons;
        assert.equal(body.success, false);
        assert.equal(body.reasons[0]!.code.slice(-2), category);
        assert.match(body.reasons[0]!.message, message);
      }
    });

    test('an unknown tenant is 404 on every tenant route', async () => {
      const missing = '0'.repeat(31) + 'f';
      for (const [method, url, payload] of [
        ['GET', `/folio/v1/tenants/${missing}`, undefined],
        ['DELETE', `/folio/v1/tenants/${missing}`, undefined],
        ['GET', `/folio/v1/tenants/${missing}/entities`, undefined],
        ['POST', `/folio/v1/tenants/${missing}/entities`, { name: 'x' }],
      ] as const) {
        const res = await ctx.app.inject({
          method,
          url,
          headers: ADMIN,
          ...(payload === undefined ? {} : { payload }),
        });
        assert.equal(res.statusCode, 404, `${method} ${url}`);
        assert.match((res.json() as Reasons).reasons[0]!.message, /Tenant .* does not exist/);
      }
    });

    test('no token or a wrong token gets 401; a tenant OAuth token gets 401 on /folio/v1', async () => {
      const demo = await ensureDemoTenant(ctx.deps);
      assert.ok(demo.tenant.id);
      const client = await ctx.app.inject({
        method: 'POST',
        url: `/folio/v1/tenants/${tenantId}/oauth-clients`,
        headers: ADMIN,
        payload: {},
      });
      const { clientId, clientSecret } = client.json() as {
        clientId: string;
        clientSecret: string;
      };
      const tenantToken = await tokenFor(ctx.app, { clientId, clientSecret });
      for (const headers of [
        {},
        { authorization: 'Bearer not-the-admin' },
        { authorization: `Bearer ${tenantToken}` },
      ]) {
        const res = await ctx.app.inject({ method: 'GET', url: '/folio/v1/tenants', headers });
        assert.equal(res.statusCode, 401, JSON.stringify(headers));
        assert.deepEqual(res.json(), { message: 'Authentication error' });
      }
    });

    test('DELETE removes the tenant, its entities and clients, and its tokens stop working', async () => {
      const made = await ctx.app.inject({
        method: 'POST',
        url: '/folio/v1/tenants',
        headers: ADMIN,
        payload: { name: 'Doomed' },
      });
      const doomed = made.json() as { id: string; defaultEntity: { id: string } };
      const client = (
        await ctx.app.inject({
          method: 'POST',
          url: `/folio/v1/tenants/${doomed.id}/oauth-clients`,
          headers: ADMIN,
          payload: {},
        })
      ).json() as { clientId: string; clientSecret: string };
      const token = await tokenFor(ctx.app, client);
      const probe = () =>
        ctx.app.inject({
          method: 'GET',
          url: `/v1/test-entities/${doomed.defaultEntity.id}`,
          headers: { authorization: `Bearer ${token}`, 'zuora-version': '2024-05-20' },
        });
      assert.equal((await probe()).statusCode, 200);
      const del = await ctx.app.inject({
        method: 'DELETE',
        url: `/folio/v1/tenants/${doomed.id}`,
        headers: ADMIN,
      });
      assert.equal(del.statusCode, 204);
      assert.equal(del.body, '');
      assert.equal((await probe()).statusCode, 401);
      const again = await ctx.app.inject({
        method: 'GET',
        url: `/folio/v1/tenants/${doomed.id}`,
        headers: ADMIN,
      });
      assert.equal(again.statusCode, 404);
    });
  },
  { routes: [testRoutes] },
);

forEachDb(
  'admin API acceptance: a second tenant cannot see the demo tenant',
  (ctx) => {
    test('created with the admin token, its client gets a token that finds nothing of the demo tenant', async () => {
      const demo = await ensureDemoTenant(ctx.deps);
      const tenant = (
        await ctx.app.inject({
          method: 'POST',
          url: '/folio/v1/tenants',
          headers: ADMIN,
          payload: { name: 'Other' },
        })
      ).json() as { id: string; defaultEntity: { id: string } };
      const created = await ctx.app.inject({
        method: 'POST',
        url: `/folio/v1/tenants/${tenant.id}/oauth-clients`,
        headers: ADMIN,
        payload: { name: 'Other CI' },
      });
      assert.equal(created.statusCode, 201);
      const client = created.json() as { clientId: string; clientSecret: string };
      assert.equal(client.clientId.length, 36);
      const token = await tokenFor(ctx.app, client);
      const get = (entityId: string) =>
        ctx.app.inject({
          method: 'GET',
          url: `/v1/test-entities/${entityId}`,
          headers: { authorization: `Bearer ${token}`, 'zuora-version': '2024-05-20' },
        });
      const own = await get(tenant.defaultEntity.id);
      assert.equal(own.statusCode, 200);
      const theirs = await get(demo.entity.id);
      assert.equal(theirs.statusCode, 404);
      const body = theirs.json() as Reasons & { processId: string; requestId: string };
      assert.equal(body.success, false);
      assert.match(body.reasons[0]!.code, /^\d{6}40$/);
      assert.equal(body.reasons[0]!.message, `Entity ${demo.entity.id} does not exist.`);
    });
  },
  { routes: [testRoutes] },
);

forEachDb(
  'admin API disabled (FOLIO_DEMO=off, no admin token)',
  (ctx) => {
    test('every /folio/v1 call gets 403, with or without a token', async () => {
      for (const headers of [{}, ADMIN]) {
        const res = await ctx.app.inject({ method: 'GET', url: '/folio/v1/tenants', headers });
        assert.equal(res.statusCode, 403);
        const body = res.json() as Reasons;
        assert.equal(body.success, false);
        assert.match(body.reasons[0]!.code, /10$/);
        assert.match(body.reasons[0]!.message, /admin API is disabled/);
      }
    });
  },
  { config: { demo: false, adminToken: '' } },
);

forEachDb(
  'admin API with a configured admin token',
  (ctx) => {
    test('the configured token opens it and demo-admin does not', async () => {
      const ok = await ctx.app.inject({
        method: 'GET',
        url: '/folio/v1/tenants',
        headers: { authorization: 'Bearer configured-admin-token' },
      });
      assert.equal(ok.statusCode, 200);
      const demo = await ctx.app.inject({
        method: 'GET',
        url: '/folio/v1/tenants',
        headers: ADMIN,
      });
      assert.equal(demo.statusCode, 401);
    });
  },
  { config: { adminToken: 'configured-admin-token' } },
);
