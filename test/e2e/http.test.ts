/** End to end over real HTTP: raw gzip bytes both ways and the gzip bomb against `folio serve`. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startServer, type RunningServer } from '../server.ts';

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with node:http, so nothing inflates the response behind our back. */
const raw = (
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<Raw> =>
  new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });

const tokenBody = 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret';

test('a gzipped form body is inflated; a large JSON response comes back as gzip bytes', async () => {
  const tok = await raw(
    'POST',
    '/oauth/token',
    { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
    gzipSync(tokenBody),
  );
  assert.equal(tok.status, 200);
  assert.match(
    (JSON.parse(tok.body.toString()) as { access_token: string }).access_token,
    /^[0-9a-f]{32}$/,
  );

  const doc = await raw('GET', '/openapi.json', { 'accept-encoding': 'gzip' });
  assert.equal(doc.status, 200);
  assert.equal(doc.headers['content-encoding'], 'gzip');
  assert.deepEqual([...doc.body.subarray(0, 2)], [0x1f, 0x8b]);
  const inflated = JSON.parse(gunzipSync(doc.body).toString()) as { openapi: string };
  assert.equal(inflated.openapi, '3.0.3');
  assert.ok(gunzipSync(doc.body).length > 1000);
  const plain = await raw('GET', '/openapi.json', {});
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(JSON.parse(plain.body.toString()), inflated);
});

test('a small gzip body that inflates far past the limit gets 413 and the server memory stays flat', async () => {
  const rss = async (): Promise<number> => {
    const m = await raw('GET', '/metrics', {});
    const v = /^folio_process_resident_memory_bytes (\d+)/m.exec(m.body.toString());
    assert.ok(v !== null, 'resident memory metric present');
    return Number(v[1]);
  };
  const before = await rss();
  // 200 MiB of zeros compress to ~200 KB; fully inflated they would raise RSS by 200 MiB or more.
  const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 });
  assert.ok(bomb.length < 256 * 1024, `bomb is ${bomb.length} bytes`);
  const res = await raw(
    'POST',
    '/oauth/token',
    { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
    bomb,
  );
  assert.equal(res.status, 413);
  assert.deepEqual(JSON.parse(res.body.toString()), { message: 'Request size limit exceeded' });
  const growth = (await rss()) - before;
  assert.ok(growth < 64 * 1024 * 1024, `RSS grew by ${growth} bytes`);
  // The server is still serving.
  assert.equal((await raw('GET', '/healthz', {})).status, 200);
});

test('415, 404 and 405 over real HTTP with Zuora-Request-Id and Track-Id echo', async () => {
  const tok = await raw(
    'POST',
    '/oauth/token',
    { 'content-type': 'application/x-www-form-urlencoded' },
    Buffer.from(tokenBody),
  );
  const token = (JSON.parse(tok.body.toString()) as { access_token: string }).access_token;
  const h = {
    authorization: `Bearer ${token}`,
    'zuora-version': '2024-05-20',
    'zuora-track-id': 'e2e-1',
  };
  const json = await raw(
    'POST',
    '/oauth/token',
    { 'content-type': 'application/json' },
    Buffer.from('{}'),
  );
  assert.equal(json.status, 415);
  const nf = await raw('GET', '/v1/nothing-here', h);
  assert.equal(nf.status, 404);
  assert.deepEqual(JSON.parse(nf.body.toString()), { message: 'Not Found' });
  assert.equal(nf.headers['zuora-track-id'], 'e2e-1');
  assert.match(String(nf.headers['zuora-request-id']), /^[0-9a-f-]{36}$/);
  const wrong = await raw('GET', '/oauth/token', h);
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.allow, 'POST');
});
