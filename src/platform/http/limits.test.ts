import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor } from '../../../test/harness.ts';
import { gated, httpTestRoutes } from '../../../test/http-routes.ts';
import { concurrencyClassOf, createLimiter } from './limits.ts';
import { postgresWindows } from './limits-shared.ts';

forEachDb(
  'rate and concurrency limits',
  (ctx) => {
    let token = '';
    let other = '';
    const get = (t: string) =>
      ctx.app.inject({
        method: 'GET',
        url: '/v1/test-json?size=1',
        headers: { authorization: `Bearer ${t}`, 'zuora-version': '2024-05-20' },
      });
    test('setup', async () => {
      token = await tokenFor(ctx.app, await seedTenant(ctx.deps, 'A'));
      other = await tokenFor(ctx.app, await seedTenant(ctx.deps, 'B'));
      // 10:00:00 UTC on the test clock: the minute window starts now.
    });

    test('with 5 per minute configured the sixth call gets 429 + Retry-After + cat70; other tenants are unaffected', async () => {
      for (let i = 1; i <= 5; i++) {
        const res = await get(token);
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['ratelimit-limit'], '5, 5;w=60, 2250000;w=3600, 27000000;w=86400');
        assert.equal(res.headers['ratelimit-remaining'], String(5 - i));
        assert.equal(res.headers['ratelimit-reset'], '60');
        assert.equal(res.headers['concurrency-limit-type'], 'default');
        assert.equal(res.headers['concurrency-limit-limit'], '40');
        assert.equal(res.headers['concurrency-limit-remaining'], '39');
      }
      const sixth = await get(token);
      assert.equal(sixth.statusCode, 429);
      assert.equal(sixth.headers['retry-after'], '60');
      assert.equal(sixth.headers['ratelimit-remaining'], '0');
      const body = sixth.json() as {
        success: boolean;
        reasons: { code: string; message: string }[];
        requestId: string;
      };
      assert.deepEqual(body.reasons, [
        { code: '50000070', message: 'Rate limit exceeded for this tenant.' },
      ]);
      assert.equal(body.requestId, sixth.headers['zuora-request-id']);
      assert.equal((await get(other)).statusCode, 200);
      // 429 ignores the legacy-version rule (C1.6).
      const legacy = await ctx.app.inject({
        method: 'GET',
        url: '/v1/test-json?size=1',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(legacy.statusCode, 429);
      // Operations endpoints are never limited.
      assert.equal((await ctx.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      ctx.clock.advance(60_000);
      assert.equal((await get(token)).statusCode, 200);
    });

    test('a per-tenant override changes the limits of that tenant only', async () => {
      ctx.clock.advance(60_000);
      const tenantId = (await seedTenant(ctx.deps, 'C')).tenantId;
      assert.equal(ctx.deps.limits.limitsFor(tenantId).perMinute, 5);
      ctx.deps.limits.setTenantLimits(tenantId, { perMinute: 1 });
      assert.equal(ctx.deps.limits.limitsFor(tenantId).perMinute, 1);
      assert.equal(ctx.deps.limits.limitsFor('someone-else').perMinute, 5);
      ctx.deps.limits.setTenantLimits(tenantId, undefined);
      assert.equal(ctx.deps.limits.limitsFor(tenantId).perMinute, 5);
    });

    test('requests in flight beyond the concurrency limit get 429 with Retry-After 1', async () => {
      ctx.clock.advance(60_000);
      const t = await seedTenant(ctx.deps, 'D');
      const tok = await tokenFor(ctx.app, t);
      ctx.deps.limits.setTenantLimits(t.tenantId, { concurrency: 1 });
      const open = gated.close();
      const runs = gated.runs;
      const slow = ctx.app.inject({
        method: 'POST',
        url: '/v1/test-gated',
        headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
        payload: '{"name":"x"}',
      });
      await gated.started(runs + 1);
      const blocked = await get(tok);
      assert.equal(blocked.statusCode, 429);
      assert.equal(blocked.headers['retry-after'], '1');
      assert.equal(blocked.headers['concurrency-limit-remaining'], '0');
      assert.match(blocked.body, /concurrent/);
      open();
      assert.equal((await slow).statusCode, 201);
      assert.equal((await get(tok)).statusCode, 200);
    });

    test('on PostgreSQL, the rate windows are shared by every process of the deployment', async (t) => {
      if (ctx.target.name !== 'postgres') {
        t.skip('SQLite deployments are one process: its counters are in memory');
        return;
      }
      const config = { ...ctx.deps.config, rateLimitPerMinute: 5, concurrencyLimit: 100 };
      // Two API processes: two limiters, one database.
      const a = createLimiter(config, postgresWindows(ctx.deps.db.db as never));
      const b = createLimiter(config, postgresWindows(ctx.deps.db.db as never));
      const at = new Date('2026-06-01T12:00:10Z');
      const outcomes: boolean[] = [];
      for (const l of [a, b, a, b, a, b, a]) {
        const d = await l.take('shared-tenant', at, 'default');
        outcomes.push(d.allowed);
        d.release();
      }
      assert.deepEqual(outcomes, [true, true, true, true, true, false, false]);
      const refused = await b.take('shared-tenant', at, 'default');
      assert.equal(refused.headers['RateLimit-Remaining'], '0');
      assert.equal(refused.retryAfter, 50);
      assert.equal(refused.reason, 'rate');
      // Concurrent requests from both processes never exceed the limit together.
      const later = new Date('2026-06-01T12:01:00Z');
      const burst = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? a : b).take('burst-tenant', later, 'default'),
        ),
      );
      assert.equal(burst.filter((d) => d.allowed).length, 5);
      // The next minute starts from zero.
      const next = await a.take('shared-tenant', new Date('2026-06-01T12:01:00Z'), 'default');
      assert.equal(next.allowed, true);
      assert.equal(next.headers['RateLimit-Remaining'], '4');
    });
  },
  { routes: [httpTestRoutes], config: { rateLimitPerMinute: 5 } },
);

test('POST accounts, subscriptions and orders are high-volume; the rest default', async () => {
  assert.equal(concurrencyClassOf('POST', '/v1/accounts'), 'high-volume');
  assert.equal(concurrencyClassOf('POST', '/v1/orders'), 'high-volume');
  assert.equal(concurrencyClassOf('GET', '/v1/accounts'), 'default');
  assert.equal(concurrencyClassOf('POST', '/v1/bill-runs'), 'default');
  const l = createLimiter({
    rateLimitPerMinute: 10,
    rateLimitPerHour: 3,
    rateLimitPerDay: 100,
    concurrencyLimit: 1,
    concurrencyLimitHighVolume: 2,
  });
  const at = new Date('2026-01-01T10:59:30Z');
  const d = await l.take('t', at, 'high-volume');
  // The hour window (3) is closest to exhaustion and resets in 30 s.
  assert.equal(d.headers['RateLimit-Limit'], '3, 10;w=60, 3;w=3600, 100;w=86400');
  assert.equal(d.headers['RateLimit-Remaining'], '2');
  assert.equal(d.headers['RateLimit-Reset'], '30');
  assert.equal(d.headers['Concurrency-Limit-Remaining'], '1');
  d.release();
  d.release();
  assert.equal((await l.take('t', at, 'high-volume')).headers['Concurrency-Limit-Remaining'], '1');
});
