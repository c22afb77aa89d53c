import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor } from '../../../test/harness.ts';
import { gated, httpTestRoutes } from '../../../test/http-routes.ts';
import { IDEMPOTENCY_TTL_MS } from './idempotency.ts';

interface V1Error {
  success: boolean;
  reasons: { code: string; message: string }[];
  requestId: string;
}

forEachDb(
  'Idempotency-Key',
  (ctx) => {
    let token = '';
    let otherEntityToken = '';
    let tenantA: Awaited<ReturnType<typeof seedTenant>>;
    const post = (
      key: string | undefined,
      body: unknown,
      headers: Record<string, string> = {},
      url = '/v1/test-gated',
    ) =>
      ctx.app.inject({
        method: 'POST',
        url,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(key === undefined ? {} : { 'idempotency-key': key }),
          ...headers,
        },
        payload: JSON.stringify(body),
      });
    test('setup', async () => {
      tenantA = await seedTenant(ctx.deps, 'A');
      token = await tokenFor(ctx.app, tenantA);
      otherEntityToken = await tokenFor(ctx.app, await seedTenant(ctx.deps, 'B'));
    });

    test('a retry replays the stored status, headers and body with a fresh Zuora-Request-Id, without running again', async () => {
      const runs = gated.runs;
      const first = await post('k-replay', { name: 'one', extra: { b: 1, a: 2 } });
      assert.equal(first.statusCode, 201);
      assert.equal(gated.runs, runs + 1);
      // Same body with other key order: the canonical hash is equal.
      const again = await post(
        'k-replay',
        { extra: { a: 2, b: 1 }, name: 'one' },
        { 'zuora-track-id': 'retry-1' },
      );
      assert.equal(gated.runs, runs + 1);
      assert.equal(again.statusCode, 201);
      assert.equal(again.body, first.body);
      assert.equal(again.headers['x-test-run'], first.headers['x-test-run']);
      assert.equal(again.headers['content-type'], first.headers['content-type']);
      assert.notEqual(again.headers['zuora-request-id'], first.headers['zuora-request-id']);
      assert.equal(again.headers['zuora-track-id'], 'retry-1');
      assert.equal(first.headers['zuora-track-id'], undefined);
    });

    test('a different body, path or method with the same key gets 422 (cat20), whatever the version', async () => {
      await post('k-mismatch', { name: 'one' });
      const body = await post('k-mismatch', { name: 'two' });
      assert.equal(body.statusCode, 422);
      const e = body.json() as V1Error;
      assert.equal(e.success, false);
      assert.equal(e.reasons[0]!.code, '59980020');
      assert.equal(e.requestId, body.headers['zuora-request-id']);
      const path = await post('k-mismatch', { name: 'one' }, {}, '/v1/test-echo');
      assert.equal(path.statusCode, 422);
      assert.equal((path.json() as V1Error).reasons[0]!.code, '50000020');
    });

    test('while the first request runs, a second with the key gets 409 (cat50); afterwards it replays', async () => {
      const open = gated.close();
      const runs = gated.runs;
      const first = post('k-flight', { name: 'slow' });
      await gated.started(runs + 1);
      const second = await post('k-flight', { name: 'slow' });
      assert.equal(second.statusCode, 409);
      assert.equal((second.json() as V1Error).reasons[0]!.code, '59980050');
      open();
      assert.equal((await first).statusCode, 201);
      const third = await post('k-flight', { name: 'slow' });
      assert.equal(third.statusCode, 201);
      assert.equal(gated.runs, runs + 1);
    });

    test('two concurrent requests with one key never both execute', async () => {
      const open = gated.close();
      const runs = gated.runs;
      const a = post('k-pair', { name: 'p' });
      const b = post('k-pair', { name: 'p' });
      // The gate is shut, so a request that runs its handler cannot finish: the first to finish
      // must be the refused one. Had both run, neither would finish (the guard then fails).
      let guard: NodeJS.Timeout | undefined;
      const first = await Promise.race([
        a,
        b,
        new Promise<never>((_, rej) => {
          guard = setTimeout(() => {
            open();
            rej(new Error('both requests are running'));
          }, 10_000);
        }),
      ]);
      clearTimeout(guard);
      assert.equal(first.statusCode, 409);
      assert.equal(gated.runs, runs + 1);
      open();
      const pair = Promise.all([a, b]);
      const statuses = (await pair).map((r) => r.statusCode).sort();
      assert.deepEqual(statuses, [201, 409]);
      assert.equal(gated.runs, runs + 1);
    });

    test('a key is scoped to its entity: another tenant may use it for another request', async () => {
      await post('k-scope', { name: 'mine' });
      const other = await ctx.app.inject({
        method: 'POST',
        url: '/v1/test-gated',
        headers: {
          authorization: `Bearer ${otherEntityToken}`,
          'content-type': 'application/json',
          'idempotency-key': 'k-scope',
        },
        payload: JSON.stringify({ name: 'theirs' }),
      });
      assert.equal(other.statusCode, 201);
      assert.equal((other.json() as { name: string }).name, 'theirs');
    });

    test('after a 5xx the key is released so a retry runs; validation errors are recorded and replayed', async () => {
      const runs = gated.runs;
      const failed = await post('k-5xx', { name: 'fail' });
      assert.equal(failed.statusCode, 500);
      const retry = await post('k-5xx', { name: 'fail' });
      assert.equal(retry.statusCode, 500);
      assert.equal(gated.runs, runs + 2);
      const invalid = await post(
        'k-400',
        { name: 'x'.repeat(40) },
        { 'zuora-version': '2024-05-20' },
      );
      assert.equal(invalid.statusCode, 400);
      const replayed = await post(
        'k-400',
        { name: 'x'.repeat(40) },
        { 'zuora-version': '2024-05-20' },
      );
      assert.equal(replayed.statusCode, 400);
      assert.equal(replayed.body, invalid.body);
      assert.equal(gated.runs, runs + 2);
    });

    test("PUT with the header gets 400 with Zuora's message; a key over 255 characters gets cat20; GET ignores it", async () => {
      const put = await ctx.app.inject({
        method: 'PUT',
        url: '/v1/test-gated',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'k-put' },
      });
      assert.equal(put.statusCode, 400);
      const e = put.json() as V1Error;
      assert.equal(
        e.reasons[0]!.message,
        "Request method 'PUT' not supported with Idempotency-Key header",
      );
      assert.equal(e.reasons[0]!.code, '50000020');
      const long = await post('k'.repeat(256), { name: 'x' });
      assert.equal(long.statusCode, 400);
      assert.equal((long.json() as V1Error).reasons[0]!.code, '59980020');
      const ok255 = await post('k'.repeat(255), { name: 'x' });
      assert.equal(ok255.statusCode, 201);
      const get = await ctx.app.inject({
        method: 'GET',
        url: '/v1/test-json?size=1',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'k-get' },
      });
      assert.equal(get.statusCode, 200);
    });
    test('records expire after 24 h by the clock: then the key runs again', async () => {
      const runs = gated.runs;
      await post('k-ttl', { name: 'a' });
      ctx.clock.advance(IDEMPOTENCY_TTL_MS - 1000);
      token = await tokenFor(ctx.app, tenantA); // tokens live 1 h
      await post('k-ttl', { name: 'a' });
      assert.equal(gated.runs, runs + 1);
      ctx.clock.advance(2000);
      token = await tokenFor(ctx.app, tenantA);
      const later = await post('k-ttl', { name: 'b' });
      assert.equal(later.statusCode, 201);
      assert.equal(gated.runs, runs + 2);
    });
  },
  { routes: [httpTestRoutes] },
);
