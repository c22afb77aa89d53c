/** End to end: a real `folio serve` process on 127.0.0.1, called over real HTTP. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runFolio, type RunningServer } from '../server.ts';

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

const token = async (fields: Record<string, string>) =>
  fetch(`${server.url}/oauth/token`, { method: 'POST', body: new URLSearchParams(fields) });

test('the demo client gets a token over HTTP and the token opens /v1', async () => {
  assert.match(server.output(), /demo-client \/ demo-secret, admin token demo-admin/);
  const res = await token({
    grant_type: 'client_credentials',
    client_id: 'demo-client',
    client_secret: 'demo-secret',
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as {
    access_token: string;
    token_type: string;
    expires_in: number;
    jti: string;
    scope: string;
  };
  assert.equal(body.token_type, 'bearer');
  assert.equal(body.expires_in, 3599);
  assert.match(body.scope, /tenant\.1$/);
  // With a valid token an unknown /v1 path is a plain 404, not a 401.
  const call = await fetch(`${server.url}/v1/no-such-route`, {
    headers: { authorization: `Bearer ${body.access_token}` },
  });
  assert.equal(call.status, 404);
  assert.deepEqual(await call.json(), { message: 'Not Found' });
});

test('no token and a garbage token get 401 with the Zuora body; bad secret and grant get RFC 6749 errors', async () => {
  for (const headers of [{}, { authorization: 'Bearer garbage' }] as Record<string, string>[]) {
    const res = await fetch(`${server.url}/v1/accounts/A00000001`, { headers });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { message: 'Authentication error' });
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm=Zuora API/);
  }
  const bad = await token({
    grant_type: 'client_credentials',
    client_id: 'demo-client',
    client_secret: 'nope',
  });
  assert.equal(bad.status, 401);
  assert.equal(((await bad.json()) as { error: string }).error, 'invalid_client');
  const pw = await token({
    grant_type: 'password',
    client_id: 'demo-client',
    client_secret: 'demo-secret',
  });
  assert.equal(pw.status, 400);
  assert.equal(((await pw.json()) as { error: string }).error, 'unsupported_grant_type');
});

test('npm scripts run on Node 24', () => {
  assert.match(process.version, /^v24\./);
});

test('bad configuration exits non-zero naming every bad key', async () => {
  const r = await runFolio(['serve'], { FOLIO_PORT: 'abc', FOLIO_DB_URL: 'mysql://x' });
  assert.notEqual(r.code, 0);
  assert.match(r.output, /FOLIO_PORT/);
  assert.match(r.output, /FOLIO_DB_URL/);
});

test('`folio config` prints the effective configuration with secrets redacted', async () => {
  const r = await runFolio(['config'], {
    FOLIO_ADMIN_TOKEN: 'very-secret-admin-token',
    FOLIO_PORT: '9999',
  });
  assert.equal(r.code, 0);
  const shown = JSON.parse(r.output) as Record<string, unknown>;
  assert.equal(shown.port, 9999);
  assert.equal(shown.adminToken, '[redacted]');
  assert.ok(!r.output.includes('very-secret-admin-token'));
});

test('SIGTERM shuts the server down cleanly with exit code 0', async () => {
  const s = await startServer();
  assert.equal(await s.stop('SIGTERM'), 0);
});
