import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Validator } from '@seriousme/openapi-schema-validator';
import { forEachDb, seedTenant, testConfig, tokenFor } from '../../../test/harness.ts';
import { testRoutes } from '../../../test/routes.ts';
import { httpTestRoutes } from '../../../test/http-routes.ts';
import { createTenant } from '../../tenants/tenants.service.ts';
import { createClient } from '../../auth/auth.service.ts';
import { closeDeps, createDeps, migrate } from '../../deps.ts';
import { createApp } from '../../app.ts';
import { migrations } from '../../migrations.ts';
import { hasUnknownFields } from './conventions.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NEW = { 'zuora-version': '2024-05-20' };
const logLines: Record<string, unknown>[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _enc, cb) {
    for (const l of chunk
      .toString()
      .split('\n')
      .filter((x) => x !== ''))
      logLines.push(JSON.parse(l) as Record<string, unknown>);
    cb();
  },
});

interface V1Error {
  success: boolean;
  processId: string;
  reasons: { code: string; message: string }[];
  requestId: string;
}

forEachDb(
  'HTTP conventions',
  (ctx) => {
    let token = '';
    const auth = () => ({ authorization: `Bearer ${token}` });
    test('setup', async () => {
      token = await tokenFor(ctx.app, await seedTenant(ctx.deps));
    });

    test('every response carries a UUID Zuora-Request-Id (200, 4xx, 401) equal to requestId, and every log line of the request carries it with processId', async () => {
      const ok = await ctx.app.inject({
        method: 'GET',
        url: '/v1/test-json?size=1',
        headers: auth(),
      });
      assert.equal(ok.statusCode, 200);
      assert.match(String(ok.headers['zuora-request-id']), UUID);
      const bad = await ctx.app.inject({
        method: 'POST',
        url: '/v1/test-widgets',
        headers: { ...auth(), ...NEW, 'content-type': 'application/json' },
        payload: '{}',
      });
      assert.equal(bad.statusCode, 400);
      const body = bad.json() as V1Error;
      assert.equal(body.requestId, bad.headers['zuora-request-id']);
      assert.match(body.processId, /^[0-9A-F]{16}$/);
      const unauth = await ctx.app.inject({ method: 'GET', url: '/v1/test-json?size=1' });
      assert.equal(unauth.statusCode, 401);
      assert.match(String(unauth.headers['zuora-request-id']), UUID);
      assert.notEqual(unauth.headers['zuora-request-id'], ok.headers['zuora-request-id']);

      const mine = logLines.filter((l) => l.reqId === bad.headers['zuora-request-id']);
      assert.ok(mine.length >= 2, `expected request log lines, got ${mine.length}`);
      for (const l of mine) assert.equal(l.processId, body.processId);
    });

    test('a valid Zuora-Track-Id is echoed on 200, on errors and on 401', async () => {
      const track = 'client-run 42/abc=~!';
      const ok = await ctx.app.inject({
        method: 'GET',
        url: '/v1/test-json?size=1',
        headers: { ...auth(), 'zuora-track-id': track },
      });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.headers['zuora-track-id'], track);
      const err = await ctx.app.inject({
        method: 'POST',
        url: '/v1/test-widgets',
        headers: { ...auth(), ...NEW, 'zuora-track-id': track, 'content-type': 'application/json' },
        payload: '{}',
      });
      assert.equal(err.statusCode, 400);
      assert.equal(err.headers['zuora-track-id'], track);
      const unauth = await ctx.app.inject({
        method: 'GET',
        url: '/v1/test-json?size=1',
        headers: { 'zuora-track-id': track },
      });
      assert.equal(unauth.statusCode, 401);
      assert.equal(unauth.headers['zuora-track-id'], track);
      assert.deepEqual(unauth.json(), { message: 'Authentication error' });
    });

    test('an invalid Zuora-Track-Id gets 400/cat20 on any version and is not echoed', async () => {
      for (const bad of ['x'.repeat(65), 'a:b', 'a;b', 'a"b', "a'b", 'caf\u00e9']) {
        const res = await ctx.app.inject({
          method: 'GET',
          url: '/v1/test-json?size=1',
          headers: { ...auth(), 'zuora-track-id': bad },
        });
        assert.equal(res.statusCode, 400, bad);
        assert.equal(res.headers['zuora-track-id'], undefined);
        const body = res.json() as V1Error;
        assert.equal(body.success, false);
        assert.equal(body.reasons[0]!.code, '50000020');
        assert.match(body.reasons[0]!.message, /Zuora-Track-Id/);
        assert.equal(body.requestId, res.headers['zuora-request-id']);
      }
      const max = await ctx.app.inject({
        method: 'GET',
        url: '/v1/test-json?size=1',
        headers: { ...auth(), 'zuora-track-id': 'y'.repeat(64) },
      });
      assert.equal(max.statusCode, 200);
      assert.equal(max.headers['zuora-track-id'], 'y'.repeat(64));
    });

    test('a body that is not JSON gets 415/cat45 on every Zuora-Version', async () => {
      const send = (headers: Record<string, string>) =>
        ctx.app.inject({
          method: 'POST',
          url: '/v1/test-widgets',
          headers: { ...auth(), 'content-type': 'text/plain', ...headers },
          payload: 'name=x',
        });
      const res = await send(NEW);
      assert.equal(res.statusCode, 415);
      const body = res.json() as V1Error;
      assert.equal(body.reasons[0]!.code, '59990045');
      assert.equal(body.success, false);
      const legacy = await send({});
      assert.equal(legacy.statusCode, 415);
      assert.equal((legacy.json() as V1Error).reasons[0]!.code, '59990045');
      const form = await ctx.app.inject({
        method: 'POST',
        url: '/v1/test-widgets',
        headers: { ...auth(), ...NEW, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'name=x',
      });
      assert.equal(form.statusCode, 415);
    });

    test('corrupt gzip gets 400/cat90; gzipped JSON is inflated', async () => {
      const corrupt = await ctx.app.inject({
        method: 'POST',
        url: '/v1/test-widgets',
        headers: {
          ...auth(),
          ...NEW,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        },
        payload: Buffer.from('definitely not gzip'),
      });
      assert.equal(corrupt.statusCode, 400);
      assert.equal((corrupt.json() as V1Error).reasons[0]!.code, '59990090');
      const ok = await ctx.app.inject({
        method: 'POST',
        url: '/v1/test-widgets',
        headers: {
          ...auth(),
          ...NEW,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        },
        payload: gzipSync(JSON.stringify({ name: 'zipped' })),
      });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.json(), { success: true, name: 'zipped' });
    });

    test('a body over 10 MiB after inflation gets 413 {"message"}, plain or gzipped; 10 MiB exactly passes', async () => {
      const limit = 10 * 1024 * 1024;
      const json = (n: number) => `{"name":"${'a'.repeat(n - 11)}"}`;
      assert.equal(json(limit).length, limit);
      const post = (payload: Buffer | string, gz: boolean) =>
        ctx.app.inject({
          method: 'POST',
          url: '/v1/test-echo',
          headers: {
            ...auth(),
            'content-type': 'application/json',
            ...(gz ? { 'content-encoding': 'gzip' } : {}),
          },
          payload,
        });
      const exact = await post(gzipSync(json(limit)), true);
      assert.equal(exact.statusCode, 200);
      assert.equal((exact.json() as { bytes: number }).bytes, limit);
      const bomb = gzipSync(json(limit + 1));
      assert.ok(bomb.length < 20 * 1024, `bomb is ${bomb.length} bytes`);
      for (const res of [await post(bomb, true), await post(json(limit + 1), false)]) {
        assert.equal(res.statusCode, 413);
        assert.deepEqual(res.json(), { message: 'Request size limit exceeded' });
        assert.match(String(res.headers['zuora-request-id']), UUID);
      }
    });

    test('JSON responses over 1,000 bytes are gzipped when asked; 1,000 bytes, no Accept-Encoding and PDFs never', async () => {
      const get = (url: string, enc = true) =>
        ctx.app.inject({
          method: 'GET',
          url,
          headers: { ...auth(), ...(enc ? { 'accept-encoding': 'gzip' } : {}) },
        });
      // {"success":true,"data":""} is 26 bytes.
      const at = await get('/v1/test-json?size=974');
      assert.equal(at.rawPayload.length, 1000);
      assert.equal(at.headers['content-encoding'], undefined);
      const over = await get('/v1/test-json?size=975');
      assert.equal(over.headers['content-encoding'], 'gzip');
      assert.deepEqual([...over.rawPayload.subarray(0, 2)], [0x1f, 0x8b]);
      const inflated = JSON.parse(gunzipSync(over.rawPayload).toString()) as { data: string };
      assert.equal(inflated.data.length, 975);
      assert.match(String(over.headers['content-type']), /^application\/json/);
      const plain = await get('/v1/test-json?size=5000', false);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.rawPayload.length, 5026);
      const pdf = await get('/v1/test-pdf?size=5000');
      assert.equal(pdf.headers['content-encoding'], undefined);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.equal(pdf.rawPayload.length, 5000);
    });

    test('an unknown path gets 404 {"message":"Not Found"}; a known path with another method 405/cat45 with Allow', async () => {
      const nf = await ctx.app.inject({ method: 'GET', url: '/v1/no-such-thing', headers: auth() });
      assert.equal(nf.statusCode, 404);
      assert.deepEqual(nf.json(), { message: 'Not Found' });
      const wrong = await ctx.app.inject({
        method: 'DELETE',
        url: '/v1/test-widgets',
        headers: { ...auth(), ...NEW },
      });
      assert.equal(wrong.statusCode, 405);
      assert.equal(wrong.headers.allow, 'POST');
      const body = wrong.json() as V1Error;
      assert.deepEqual(body, {
        success: false,
        processId: body.processId,
        reasons: [{ code: '50000045', message: "Request method 'DELETE' is not supported." }],
        requestId: wrong.headers['zuora-request-id'],
      });
      const param = await ctx.app.inject({
        method: 'POST',
        url: '/v1/test-entities/abc',
        headers: { ...auth(), ...NEW },
      });
      assert.equal(param.statusCode, 405);
      assert.equal(param.headers.allow, 'GET, HEAD');
    });

    test('the tenant default Zuora-Version applies without the header; the header overrides it; unparseable values get 400', async () => {
      const { tenant } = await createTenant(ctx.deps, {
        name: 'Modern',
        zuoraVersionDefault: '2024-05-20',
      });
      const client = await createClient(ctx.deps, { tenantId: tenant.id });
      const modern = await tokenFor(ctx.app, client);
      const post = (headers: Record<string, string>) =>
        ctx.app.inject({
          method: 'POST',
          url: '/v1/test-widgets',
          headers: {
            authorization: `Bearer ${modern}`,
            'content-type': 'application/json',
            ...headers,
          },
          payload: '{"name":"x","kind":"Z"}',
        });
      assert.equal((await post({})).statusCode, 400);
      assert.equal((await post({ 'zuora-version': '196.0' })).statusCode, 200);
      for (const v of ['999.0', '2024-13-01', 'latest']) {
        const res = await post({ 'zuora-version': v });
        assert.equal(res.statusCode, 400, v);
        assert.equal((res.json() as V1Error).reasons[0]!.code, '59990020');
      }
    });

    test('GET /openapi.json is valid OpenAPI 3.0 and equals the committed openapi.json', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
      assert.equal(res.statusCode, 200);
      const committed = readFileSync(resolve(import.meta.dirname, '../../../openapi.json'), 'utf8');
      assert.equal(`${JSON.stringify(res.json(), null, 2)}\n`, committed);
      const validator = new Validator();
      const result = await validator.validate(res.json() as Record<string, unknown>);
      assert.equal(validator.version, '3.0');
      assert.deepEqual(result.errors ?? [], []);
      assert.equal(result.valid, true);
    });

    test('/healthz, /readyz and /metrics answer without auth; /metrics counts the requests just made', async () => {
      const h = await ctx.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(h.statusCode, 200);
      assert.deepEqual(h.json(), { status: 'ok' });
      const r = await ctx.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(r.statusCode, 200);
      assert.deepEqual(r.json(), { status: 'ready' });
      const count = async () => {
        const m = await ctx.app.inject({ method: 'GET', url: '/metrics' });
        assert.equal(m.statusCode, 200);
        assert.match(String(m.headers['content-type']), /^text\/plain/);
        const line = new RegExp(
          String.raw`^folio_http_requests_total\{method="GET",route="/v1/test-json",status="200"\} (\d+)$`,
          'm',
        ).exec(m.body);
        assert.match(m.body, /^folio_process_resident_memory_bytes \d+/m);
        assert.match(m.body, /^folio_http_request_duration_seconds_bucket\{/m);
        return Number(line?.[1] ?? 0);
      };
      const before = await count();
      for (let i = 0; i < 3; i++)
        await ctx.app.inject({ method: 'GET', url: '/v1/test-json?size=1', headers: auth() });
      assert.equal(await count(), before + 3);
    });
  },
  { routes: [testRoutes, httpTestRoutes], overrides: { log: pino({ level: 'info' }, logStream) } },
);

test('/readyz is 503 until migrations have run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'folio-ready-'));
  const deps = await createDeps(testConfig({ dbUrl: `sqlite:${join(dir, 'f.db')}` }));
  try {
    const app = await createApp(deps);
    const before = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(before.statusCode, 503);
    assert.deepEqual(before.json(), {
      status: 'unavailable',
      reason: `migrations pending: ${Object.keys(migrations).join(', ')}`,
    });
    await migrate(deps);
    const after = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(after.statusCode, 200);
    await app.close();
  } finally {
    await closeDeps(deps);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hasUnknownFields finds undeclared keys at any depth of declared objects and arrays (C1.9)', () => {
  const schema = {
    type: 'object',
    properties: {
      Name: { type: 'string' },
      Tiers: {
        type: 'object',
        properties: {
          Tier: { type: 'array', items: { type: 'object', properties: { Price: {} } } },
        },
      },
      Map: { type: 'object', properties: {}, patternProperties: { '^.*$': {} } },
    },
  };
  assert.equal(hasUnknownFields({ Name: 'a' }, schema), false);
  assert.equal(hasUnknownFields({ Name: 'a', Other: 1 }, schema), true);
  assert.equal(hasUnknownFields({ Tiers: { Tier: [{ Price: 1 }] } }, schema), false);
  assert.equal(
    hasUnknownFields({ Tiers: { Tier: [{ Price: 1 }, { Currency: 'USD' }] } }, schema),
    true,
  );
  assert.equal(hasUnknownFields({ Tiers: { Tiers: [] } }, schema), true);
  assert.equal(hasUnknownFields({ Map: { anything: 1 } }, schema), false, 'maps admit any key');
  assert.equal(hasUnknownFields('not an object', schema), false);
  assert.equal(hasUnknownFields({ x: 1 }, undefined), false, 'a route without a body schema');
});
