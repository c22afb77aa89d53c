import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor } from '../../../test/harness.ts';
import { testRoutes } from '../../../test/routes.ts';

forEachDb(
  'Zuora error bodies through the app',
  (ctx) => {
    let token = '';
    const post = (payload: string, headers: Record<string, string> = {}) =>
      ctx.app.inject({
        method: 'POST',
        url: '/v1/test-widgets',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...headers,
        },
        payload,
      });
    test('setup', async () => {
      token = await tokenFor(ctx.app, await seedTenant(ctx.deps));
    });

    test('an invalid request with no Zuora-Version or 186.0 gets HTTP 200 + success:false; 2024-05-20 gets 400', async () => {
      for (const headers of [{}, { 'zuora-version': '186.0' }] as Record<string, string>[]) {
        const res = await post(JSON.stringify({ name: 'x', kind: 'Z' }), headers);
        assert.equal(res.statusCode, 200);
        const body = res.json() as {
          success: boolean;
          processId: string;
          reasons: { code: string; message: string }[];
          requestId: string;
        };
        assert.equal(body.success, false);
        assert.match(body.reasons[0]!.code, /^59990020$/);
        assert.match(body.processId, /^[0-9A-F]{16}$/);
        assert.equal(body.requestId, res.headers['zuora-request-id']);
      }
      const res = await post(JSON.stringify({ name: 'x', kind: 'Z' }), {
        'zuora-version': '2024-05-20',
      });
      assert.equal(res.statusCode, 400);
      assert.equal((res.json() as { reasons: { code: string }[] }).reasons[0]!.code, '59990020');
    });

    test('a missing required field is category 22; a busy object 50 (409)', async () => {
      const res = await post('{}', { 'zuora-version': '2025-01-01' });
      assert.equal(res.statusCode, 400);
      const body = res.json() as { reasons: { code: string; message: string }[] };
      assert.equal(body.reasons[0]!.code, '59990022');
      assert.match(body.reasons[0]!.message, /name/);
      const busy = await post(JSON.stringify({ name: 'busy' }), { 'zuora-version': '2025-01-01' });
      assert.equal(busy.statusCode, 409);
      assert.equal((busy.json() as { reasons: { code: string }[] }).reasons[0]!.code, '59990050');
    });

    test('an unparseable Zuora-Version gets 400/cat20 even with a legacy default', async () => {
      const res = await post(JSON.stringify({ name: 'ok' }), { 'zuora-version': 'banana' });
      // the operation's resource code (599900) with category 20
      assert.equal(res.statusCode, 400);
      assert.equal((res.json() as { reasons: { code: string }[] }).reasons[0]!.code, '59990020');
    });

    test('malformed JSON is category 90; an unknown error is the 500 ErrorResponse whatever the version', async () => {
      const bad = await post('{"name":', { 'zuora-version': '2025-01-01' });
      assert.equal(bad.statusCode, 400);
      assert.equal((bad.json() as { reasons: { code: string }[] }).reasons[0]!.code, '59990090');
      const crash = await post(JSON.stringify({ name: 'crash' }));
      assert.equal(crash.statusCode, 500);
      assert.deepEqual(crash.json(), {
        reasons: [{ code: 'SystemError', message: 'internal server error' }],
      });
    });

    test('CRUD GET of an unknown id gets 404 {done,records,size}; Object Query errors carry integer codes', async () => {
      const crud = await ctx.app.inject({
        method: 'GET',
        url: '/v1/object/test-widget/x',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(crud.statusCode, 404);
      assert.deepEqual(crud.json(), { done: true, records: [], size: 0 });
      const oq = await ctx.app.inject({
        method: 'GET',
        url: '/object-query/test-widgets',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(oq.statusCode, 400);
      const body = oq.json() as { reasons: { code: number }[]; requestId: string };
      assert.equal(body.reasons[0]!.code, 50000027);
      assert.equal(body.requestId, oq.headers['zuora-request-id']);
    });

    test('an unknown route outside /v1 gets 404 {"message":"Not Found"}', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/nope' });
      assert.equal(res.statusCode, 404);
      assert.deepEqual(res.json(), { message: 'Not Found' });
    });
  },
  { routes: [testRoutes] },
);
