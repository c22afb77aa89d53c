import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor, type SeededTenant } from '../../test/harness.ts';
import { testRoutes } from '../../test/routes.ts';
import { createEntity } from '../tenants/tenants.service.ts';
import { createClient, revokeClient } from './auth.service.ts';

const form = (fields: Record<string, string>) => ({
  method: 'POST' as const,
  url: '/oauth/token',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});
const AUTH_HEADER = 'Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API';

forEachDb(
  'POST /oauth/token and bearer auth',
  (ctx) => {
    let a: SeededTenant;
    test('setup', async () => {
      a = await seedTenant(ctx.deps, 'A');
    });

    test('client_credentials gives a 32-hex bearer token with Zuora fields', async () => {
      const res = await ctx.app.inject(
        form({
          grant_type: 'client_credentials',
          client_id: a.clientId,
          client_secret: a.clientSecret,
        }),
      );
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^application\/json; charset=utf-8$/);
      const body = res.json() as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), [
        'access_token',
        'expires_in',
        'jti',
        'scope',
        'token_type',
      ]);
      assert.match(body.access_token as string, /^[0-9a-f]{32}$/);
      assert.equal(body.token_type, 'bearer');
      assert.equal(body.expires_in, 3599);
      assert.match(
        body.scope as string,
        new RegExp(`^user\\.[0-9a-f]{32} entity\\.${a.entityId} tenant\\.\\d+$`),
      );
      assert.match(a.clientId, /^[0-9a-f-]{36}$/, 'clients Folio creates get 36-char ids (C1.2)');
    });

    test('a wrong secret and an unknown client get 401 invalid_client', async () => {
      for (const f of [
        { grant_type: 'client_credentials', client_id: a.clientId, client_secret: 'wrong' },
        { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' },
      ]) {
        const res = await ctx.app.inject(form(f));
        assert.equal(res.statusCode, 401);
        assert.equal((res.json() as { error: string }).error, 'invalid_client');
      }
    });

    test('grant_type=password gets 400 unsupported_grant_type; missing fields get invalid_request', async () => {
      const res = await ctx.app.inject(
        form({ grant_type: 'password', client_id: a.clientId, client_secret: a.clientSecret }),
      );
      assert.equal(res.statusCode, 400);
      assert.equal((res.json() as { error: string }).error, 'unsupported_grant_type');
      for (const drop of ['grant_type', 'client_id', 'client_secret']) {
        const f: Record<string, string> = {
          grant_type: 'client_credentials',
          client_id: a.clientId,
          client_secret: a.clientSecret,
        };
        delete f[drop];
        const r = await ctx.app.inject(form(f));
        assert.equal(r.statusCode, 400, drop);
        assert.equal((r.json() as { error: string }).error, 'invalid_request', drop);
      }
      const long = await ctx.app.inject(
        form({
          grant_type: 'client_credentials',
          client_id: a.clientId,
          client_secret: 'x'.repeat(43),
        }),
      );
      assert.equal((long.json() as { error: string }).error, 'invalid_request');
    });

    test('a JSON body on /oauth/token is refused with 415 (form-urlencoded only)', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: a.clientId,
          client_secret: a.clientSecret,
        }),
      });
      assert.equal(res.statusCode, 415);
      assert.equal((res.json() as { error: string }).error, 'invalid_request');
    });

    test('no token, a garbage token and an expired token all get 401 with the C1.3 body and header', async () => {
      const token = await tokenFor(ctx.app, a);
      const ok = await ctx.app.inject({
        method: 'GET',
        url: `/v1/test-entities/${a.entityId}`,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(ok.statusCode, 200);
      const cases: Record<string, string | undefined> = {
        none: undefined,
        garbage: 'Bearer not-a-token',
        basic: 'Basic ZGVtbzpkZW1v',
        unknown: `Bearer ${'0'.repeat(32)}`,
      };
      for (const [name, authorization] of Object.entries(cases)) {
        const res = await ctx.app.inject({
          method: 'GET',
          url: `/v1/test-entities/${a.entityId}`,
          headers: authorization === undefined ? {} : { authorization },
        });
        assert.equal(res.statusCode, 401, name);
        assert.deepEqual(res.json(), { message: 'Authentication error' }, name);
        assert.equal(res.headers['www-authenticate'], AUTH_HEADER, name);
        assert.match(res.headers['zuora-request-id'] as string, /^[0-9a-f-]{36}$/);
      }
      ctx.clock.advance(3600 * 1000);
      const expired = await ctx.app.inject({
        method: 'GET',
        url: `/v1/test-entities/${a.entityId}`,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(expired.statusCode, 401);
      assert.deepEqual(expired.json(), { message: 'Authentication error' });
      ctx.clock.advance(-3600 * 1000);
    });

    test('401 applies to /object-query too, and to unknown /v1 paths', async () => {
      for (const url of ['/object-query/billing-runs', '/v1/no-such-thing']) {
        const res = await ctx.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 401, url);
        assert.deepEqual(res.json(), { message: 'Authentication error' });
      }
    });

    test("a token of tenant B gets the not-found body for tenant A's object", async () => {
      const b = await seedTenant(ctx.deps, 'B');
      const tokenB = await tokenFor(ctx.app, b);
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/v1/test-entities/${a.entityId}`,
        headers: { authorization: `Bearer ${tokenB}`, 'zuora-version': '2024-05-20' },
      });
      assert.equal(res.statusCode, 404);
      const body = res.json() as {
        success: boolean;
        reasons: { code: string }[];
        requestId: string;
      };
      assert.equal(body.success, false);
      assert.equal(body.reasons[0]!.code, '50000040');
      assert.equal(body.requestId, res.headers['zuora-request-id']);
    });

    test('Zuora-Entity-Ids: optional but must match for a one-entity token; required and checked for a multi-entity token', async () => {
      const tokenA = await tokenFor(ctx.app, a);
      const call = (token: string, entity?: string) =>
        ctx.app.inject({
          method: 'GET',
          url: `/v1/test-entities/${a.entityId}`,
          headers: {
            authorization: `Bearer ${token}`,
            'zuora-version': '2025-01-01',
            ...(entity === undefined ? {} : { 'zuora-entity-ids': entity }),
          },
        });
      assert.equal((await call(tokenA, a.entityId)).statusCode, 200);
      const other = await call(tokenA, '11111111-1111-4111-8111-111111111111');
      assert.equal(other.statusCode, 403);
      assert.equal((other.json() as { reasons: { code: string }[] }).reasons[0]!.code, '50000010');

      const second = await createEntity(ctx.deps, a.tenantId, { name: 'A2' });
      const multi = await createClient(ctx.deps, { tenantId: a.tenantId });
      const tokenM = await tokenFor(ctx.app, multi);
      const none = await call(tokenM);
      assert.equal(none.statusCode, 400);
      assert.equal((none.json() as { reasons: { code: string }[] }).reasons[0]!.code, '50000023');
      const chosen = await call(tokenM, second.id);
      assert.equal(chosen.statusCode, 200);
      assert.equal((chosen.json() as { actingEntity: string }).actingEntity, second.id);
      // A token narrowed at issue time covers only that entity.
      const narrowed = await tokenFor(ctx.app, multi, { 'zuora-entity-ids': second.id });
      assert.equal(
        (await call(narrowed)).statusCode,
        404,
        'the first entity is outside the narrowed token',
      );
    });

    test('revoking a client invalidates its tokens at once', async () => {
      const c = await createClient(ctx.deps, { tenantId: a.tenantId });
      const token = await tokenFor(ctx.app, c);
      const url = `/v1/test-entities/${a.entityId}`;
      const entityHeader = { 'zuora-entity-ids': a.entityId };
      assert.equal(
        (
          await ctx.app.inject({
            method: 'GET',
            url,
            headers: { authorization: `Bearer ${token}`, ...entityHeader },
          })
        ).statusCode,
        200,
      );
      await revokeClient(ctx.deps, a.tenantId, c.clientId);
      assert.equal(
        (
          await ctx.app.inject({
            method: 'GET',
            url,
            headers: { authorization: `Bearer ${token}`, ...entityHeader },
          })
        ).statusCode,
        401,
      );
      const again = await ctx.app.inject(
        form({
          grant_type: 'client_credentials',
          client_id: c.clientId,
          client_secret: c.clientSecret,
        }),
      );
      assert.equal(again.statusCode, 401);
    });
  },
  { routes: [testRoutes] },
);
