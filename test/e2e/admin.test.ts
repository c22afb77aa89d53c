/**
 * End to end over real HTTP: the admin API and its CLI twins, and a presigned download with plain
 * fetch (no Authorization) from a real `folio serve`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, runFolio, type RunningServer } from '../server.ts';
import { localFileStore } from '../../src/platform/files/local.ts';
import { createUrlSigner } from '../../src/platform/files/signed-urls.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { randomIds } from '../../src/platform/ids.ts';

const SECRET = 'e2e-signing-secret-0123456789abcdef';
const ADMIN = { authorization: 'Bearer demo-admin', 'content-type': 'application/json' };

let server: RunningServer;
before(async () => {
  server = await startServer({ FOLIO_SIGNING_SECRET: SECRET });
});
after(async () => {
  await server.stop();
});

const tokenOf = async (clientId: string, clientSecret: string): Promise<Response> =>
  fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });

test('admin token: create a tenant and a client, its token opens /v1 but not /folio/v1, revoke closes it', async () => {
  const t = await fetch(`${server.url}/folio/v1/tenants`, {
    method: 'POST',
    headers: ADMIN,
    body: JSON.stringify({ name: 'E2E tenant' }),
  });
  assert.equal(t.status, 201);
  const tenant = (await t.json()) as { id: string };
  const c = await fetch(`${server.url}/folio/v1/tenants/${tenant.id}/oauth-clients`, {
    method: 'POST',
    headers: ADMIN,
    body: JSON.stringify({ name: 'e2e' }),
  });
  assert.equal(c.status, 201);
  const client = (await c.json()) as { clientId: string; clientSecret: string };
  assert.equal(client.clientId.length, 36);
  const tok = await tokenOf(client.clientId, client.clientSecret);
  assert.equal(tok.status, 200);
  const { access_token } = (await tok.json()) as { access_token: string };
  const bearer = { authorization: `Bearer ${access_token}` };
  // A valid token reaches routing (404 for a path no route serves); an invalid one stops at 401.
  assert.equal((await fetch(`${server.url}/v1/no-such-route`, { headers: bearer })).status, 404);
  const onAdmin = await fetch(`${server.url}/folio/v1/tenants`, { headers: bearer });
  assert.equal(onAdmin.status, 401);
  const del = await fetch(
    `${server.url}/folio/v1/tenants/${tenant.id}/oauth-clients/${client.clientId}`,
    { method: 'DELETE', headers: { authorization: 'Bearer demo-admin' } },
  );
  assert.equal(del.status, 204);
  assert.equal((await fetch(`${server.url}/v1/no-such-route`, { headers: bearer })).status, 401);
  assert.equal((await tokenOf(client.clientId, client.clientSecret)).status, 401);
});

test('a presigned URL downloads with plain fetch, supports Range, and refuses an altered one', async () => {
  // The test writes the file and signs the URL as the server's own code would, sharing its
  // directory and configured secret: the server only verifies and serves.
  const signer = createUrlSigner({
    publicUrl: server.url,
    expirySeconds: 3600,
    clock: systemClock(),
    secret: async () => SECRET,
  });
  const files = localFileStore({ dir: join(server.dir, 'files'), ids: randomIds(), signer });
  const zip = Buffer.from('PK\u0003\u0004' + 'z'.repeat(2000));
  await files.put('bulk-pdf-generation/e2e/Invoices_1.zip', zip, {
    contentType: 'application/zip',
  });
  const url = await files.signedUrl('bulk-pdf-generation/e2e/Invoices_1.zip');
  assert.ok(url.startsWith(`${server.url}/files/bulk-pdf-generation/e2e/Invoices_1.zip?`));

  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/zip');
  assert.equal(res.headers.get('content-length'), String(zip.length));
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="Invoices_1.zip"');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), zip);

  const part = await fetch(url, { headers: { range: 'bytes=2-5' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 2-5/${zip.length}`);
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), zip.subarray(2, 6));

  const altered = url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=7200');
  const denied = await fetch(altered);
  assert.equal(denied.status, 403);
  assert.equal(denied.headers.get('content-type'), 'application/xml');
  const xml = await denied.text();
  assert.match(
    xml,
    /<Code>AccessDenied<\/Code><Message>Request signature does not match<\/Message>/,
  );
  assert.ok(!xml.includes('zzzz'));
});

test('with FOLIO_DEMO=off and no admin token the admin API answers 403', async () => {
  const off = await startServer({ FOLIO_DEMO: 'off' });
  try {
    for (const headers of [{}, { authorization: 'Bearer demo-admin' }]) {
      const res = await fetch(`${off.url}/folio/v1/tenants`, { headers });
      assert.equal(res.status, 403);
      const body = (await res.json()) as { success: boolean; reasons: { message: string }[] };
      assert.equal(body.success, false);
      assert.match(body.reasons[0]!.message, /admin API is disabled/);
    }
  } finally {
    await off.stop();
  }
});

test('CLI: tenant create|list, entity create, client create|list|revoke on one database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'folio-cli-admin-'));
  try {
    const env = { FOLIO_DB_URL: `sqlite:${join(dir, 'folio.db')}`, FOLIO_LOG_LEVEL: 'silent' };
    const run = async (...args: string[]) => {
      const r = await runFolio(args, env, dir);
      assert.equal(r.code, 0, `folio ${args.join(' ')}:\n${r.output}`);
      return r.output;
    };
    const tenant = JSON.parse(await run('tenant', 'create', 'CLI Co')) as { id: string };
    assert.match(tenant.id, /^[0-9a-f]{32}$/);
    const listed = await run('tenant', 'list');
    assert.match(listed, /^id\s+number\s+name/);
    assert.match(listed, new RegExp(`${tenant.id}\\s+1\\s+CLI Co`));
    const asJson = JSON.parse(await run('tenant', 'list', '--json')) as {
      tenants: { id: string }[];
    };
    assert.deepEqual(
      asJson.tenants.map((t) => t.id),
      [tenant.id],
    );
    const entity = JSON.parse(await run('entity', 'create', tenant.id, 'EU')) as {
      isDefault: boolean;
    };
    assert.equal(entity.isDefault, false);
    const client = JSON.parse(await run('client', 'create', tenant.id, 'ci')) as {
      clientId: string;
      clientSecret: string;
      entityIds: string[];
    };
    assert.equal(client.clientId.length, 36);
    assert.equal(client.entityIds.length, 2);
    const clients = await run('client', 'list', tenant.id);
    assert.match(clients, new RegExp(`${client.clientId}\\s+ci`));
    assert.ok(!clients.includes(client.clientSecret), 'list never shows a secret');
    await run('client', 'revoke', tenant.id, client.clientId);
    const after = JSON.parse(await run('client', 'list', tenant.id, '--json')) as {
      clients: { revokedAt: string | null }[];
    };
    assert.notEqual(after.clients[0]!.revokedAt, null);
    const missing = await runFolio(['client', 'revoke', tenant.id, client.clientId], env, dir);
    assert.equal(missing.code, 1);
    assert.match(missing.output, /does not exist/);
    const bad = await runFolio(['tenant', 'frobnicate'], env, dir);
    assert.equal(bad.code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
