/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- response bodies are read as untyped JSON and checked by the assertions */
/**
 * Security suite (issue 11, docs/reliability.md). Isolation: for every `/v1` and `/object-query`
 * operation of the app's route list, another tenant's token and a token of another entity of the
 * same tenant, used on this tenant's keys, get the not-found answer, none of the tenant's data
 * and change nothing. Tokens: expired, malformed, revoked. Signed URLs: each part tampered,
 * expiry, reuse for another key; file keys that try to escape the store. `/oauth/token`
 * guessing is limited (429). Secrets never reach a real server's debug log.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { forEachDb, seedTenant, tokenFor, type SeededTenant } from './harness.ts';
import { startServer } from './server.ts';
import { NEW_VERSION, createAccountOverHttp, seedCatalog, seedMemo } from './billing-fixtures.ts';
import { assertErrorShape, listOperations } from './fuzz-routes.ts';
import { createEntity } from '../src/tenants/tenants.service.ts';
import { createClient, GUESSES_PER_CLIENT, GUESS_WINDOW_MS } from '../src/auth/auth.service.ts';

const inject = (
  app: FastifyInstance,
  token: string,
  method: string,
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> =>
  app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${token}`, ...NEW_VERSION },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

/** A valid body per operation that needs one, so the refusal cannot come from validation. */
const bodyFor = (method: string, path: string, keys: Record<string, string>): unknown => {
  if (method === 'get' || method === 'delete') return undefined;
  if (path.endsWith('/post')) return { invoiceDate: '2026-03-20' };
  if (path === '/v1/object/bill-run/{id}') return { Status: 'Canceled' };
  if (path === '/v1/object/invoice/{id}') return { RegenerateInvoicePDF: true };
  if (path === '/v1/operations/bulk-pdf')
    return {
      documents: [{ docType: 'Invoice', objectIds: [keys.invoiceKey] }],
      fileName: 'x',
      indexFileFormat: 'CSV',
    };
  if (path === '/v1/subscriptions')
    return {
      accountKey: keys.accountKey,
      contractEffectiveDate: '2026-03-15',
      termType: 'EVERGREEN',
      subscribeToRatePlans: [{ productRatePlanId: keys.planId }],
    };
  if (path === '/v1/bill-runs')
    return { billRunType: 'Regular', accountId: keys.accountKey, targetDate: '2026-04-30' };
  if (path === '/v1/object/bill-run')
    return { AccountId: keys.accountKey, InvoiceDate: '2026-04-01', TargetDate: '2026-04-30' };
  return {};
};

forEachDb('tenant and entity isolation on every /v1 and /object-query route', (ctx) => {
  let owner: SeededTenant;
  let ownerToken = '';
  const keys: Record<string, string> = {};
  /** Every identifier and number of the owner's objects: none may appear in a refusal. */
  const secrets = new Set<string>();

  before(async () => {
    const { deps, app } = ctx;
    owner = await seedTenant(deps, 'Owner');
    ownerToken = await tokenFor(app, owner);
    const cat = await seedCatalog(app, ownerToken);
    const acc = await createAccountOverHttp(app, ownerToken, cat.planId);
    const scope = { tenantId: owner.tenantId, entityId: owner.entityId };
    const cm = await seedMemo(deps, scope, {
      memoType: 'CreditMemo',
      accountId: acc.accountId,
      amount: '5',
      date: '2026-03-15',
      post: true,
    });
    const dm = await seedMemo(deps, scope, {
      memoType: 'DebitMemo',
      accountId: acc.accountId,
      amount: '5',
      date: '2026-03-15',
      post: true,
    });
    const run = await inject(app, ownerToken, 'POST', '/v1/bill-runs', {
      batches: ['AllBatches'],
      targetDate: '2026-04-30',
    });
    assert.equal(run.statusCode, 200, run.body);
    const job = await inject(app, ownerToken, 'POST', '/v1/operations/bulk-pdf', {
      documents: [{ docType: 'Invoice', objectIds: [acc.invoiceId] }],
      fileName: 'own',
      indexFileFormat: 'CSV',
      generateMissingPDF: true,
    });
    assert.equal(job.statusCode, 200, job.body);
    await deps.queue.runUntilIdle();
    const file = await deps.db.read
      .selectFrom('document_files')
      .select('id')
      .where('document_id', '=', acc.invoiceId)
      .executeTakeFirstOrThrow();
    const sub = await inject(app, ownerToken, 'GET', `/v1/accounts/${acc.accountId}`);
    Object.assign(keys, {
      accountKey: acc.accountId,
      accountNumber: acc.accountNumber,
      subscriptionKey: acc.subscriptionNumber,
      invoiceKey: acc.invoiceId,
      billRunId: run.json().id,
      billRunKey: run.json().id,
      billRunNumber: run.json().billRunNumber,
      jobId: job.json().jobId,
      creditMemoKey: cm.id,
      creditMemoNumber: cm.number,
      debitMemoKey: dm.id,
      debitMemoNumber: dm.number,
      fileId: file.id,
      planId: cat.planId,
    });
    assert.equal(sub.statusCode, 200, sub.body);
    // Ids only: numbers (A00000001, BR-00000001) are per entity, so every tenant has its own.
    for (const [k, v] of Object.entries(keys))
      if (k !== 'planId' && /^[0-9a-f]{32}$/.test(String(v))) secrets.add(String(v));
  });

  /** The owner key a path parameter names (the param name, or the object under `{id}`/`{key}`). */
  const keyFor = (path: string, param: string): string => {
    if (param === 'id' && path.startsWith('/v1/object/bill-run')) return keys.billRunId!;
    if (param === 'id' && path.startsWith('/v1/object/invoice')) return keys.invoiceKey!;
    if (param === 'key' && path.startsWith('/object-query/billing-runs')) return keys.billRunId!;
    const k = keys[param];
    assert.ok(k !== undefined, `no owner key for {${param}} of ${path}: add it to this test`);
    return k;
  };

  const intruders = async (): Promise<{ name: string; token: string }[]> => {
    const { deps, app } = ctx;
    const other = await seedTenant(deps, 'Intruder');
    const entity = await createEntity(deps, owner.tenantId, { name: 'Second' });
    const sibling = await createClient(deps, { tenantId: owner.tenantId, entityIds: [entity.id] });
    return [
      { name: 'another tenant', token: await tokenFor(app, other) },
      { name: 'another entity', token: await tokenFor(app, sibling) },
    ];
  };

  test('another tenant or entity gets not-found and no data on every route with keys', async () => {
    const { app } = ctx;
    const ops = listOperations(app).filter(
      (o) => o.path.startsWith('/v1/') || o.path.startsWith('/object-query/'),
    );
    const covered: string[] = [];
    for (const who of await intruders()) {
      for (const op of ops) {
        const url = op.path.replace(/\{(\w+)\}/g, (_, p: string) => keyFor(op.path, p));
        const withQuery =
          op.pathParams.length > 0
            ? url
            : `${url}?accountId=${keys.accountKey}&invoiceKeys=${keys.invoiceKey}&creditMemoKeys=${keys.creditMemoKey}&debitMemoKeys=${keys.debitMemoKey}`;
        const payload = bodyFor(op.method, op.path, keys);
        const res = await inject(app, who.token, op.method.toUpperCase(), withQuery, payload);
        const where = `${who.name}: ${op.method.toUpperCase()} ${op.path} → ${res.statusCode} ${res.body.slice(0, 300)}`;
        assert.ok(res.statusCode < 500, where);
        const sent = `${withQuery} ${JSON.stringify(payload ?? '')}`;
        for (const s of secrets)
          if (!sent.includes(s))
            assert.ok(
              !res.body.includes(s),
              `leaks ${s} (owner keys ${JSON.stringify(keys)}): ${where}`,
            );
        if (op.pathParams.length > 0) {
          // A key of another tenant or entity behaves as unknown, never 403 (C1.4).
          assert.equal(res.statusCode, 404, where);
          assertErrorShape(op.path, res.statusCode, res.body, where);
          if (op.path.startsWith('/v1/object/') && op.method === 'get')
            assert.deepEqual(res.json(), { done: true, records: [], size: 0 }, where);
          else if (!op.path.startsWith('/v1/object/'))
            assert.match(JSON.stringify(res.json()), /"code":"?\d{6}40"?/, where);
        }
        if (process.env.FOLIO_SECURITY_DEBUG) process.stdout.write(`# ${where}\n`);
        covered.push(`${op.method.toUpperCase()} ${op.path}`);
      }
    }
    // The keys were real: the owner reads every GET route with them.
    for (const op of ops.filter((o) => o.method === 'get' && o.pathParams.length > 0)) {
      const url = op.path.replace(/\{(\w+)\}/g, (_, p: string) => keyFor(op.path, p));
      const res = await inject(app, ownerToken, 'GET', url);
      assert.equal(res.statusCode, 200, `owner: GET ${url} → ${res.body.slice(0, 200)}`);
    }
    process.stdout.write(
      `# isolation [${ctx.target.name}]: ${new Set(covered).size} operations × 2 intruders\n`,
    );
    assert.ok(new Set(covered).size >= 30);
  });

  test('expired, malformed and revoked tokens get 401 on every surface', async () => {
    const { deps, app, clock } = ctx;
    const t = await seedTenant(deps, 'Tokens');
    const urls = [
      `/v1/accounts/${'a'.repeat(32)}`,
      '/v1/object/bill-run/x',
      '/object-query/billing-runs',
    ];
    const expect401 = async (authorization: string | undefined, why: string) => {
      for (const url of urls) {
        const res = await app.inject({
          method: 'GET',
          url,
          headers: authorization === undefined ? {} : { authorization },
        });
        assert.equal(res.statusCode, 401, `${why} ${url}: ${res.body}`);
        assert.deepEqual(res.json(), { message: 'Authentication error' });
        assert.match(String(res.headers['www-authenticate']), /Bearer realm=Zuora API/);
      }
    };
    const good = await tokenFor(app, t);
    const ok = await inject(app, good, 'GET', '/object-query/billing-runs');
    assert.equal(ok.statusCode, 200, ok.body);
    for (const bad of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      `Bearer ${good} extra`,
      `Bearer ${good.slice(0, -1)}`,
      `Bearer ${good.toUpperCase()}x`,
      `Basic ${Buffer.from(`${t.clientId}:${t.clientSecret}`).toString('base64')}`,
      `Bearer ${randomBytes(16).toString('hex')}`,
      `Bearer ${'A'.repeat(4096)}`,
      'Bearer \u00e9\u00e9',
    ])
      await expect401(bad, `malformed ${JSON.stringify(bad?.slice(0, 40))}`);

    // Expired: the tenant's clock moves past the token's lifetime (and the process cache's).
    const expiring = await tokenFor(app, t);
    clock.advance((deps.config.tokenTtlSeconds + 60) * 1000);
    await expect401(`Bearer ${expiring}`, 'expired');

    // Revoked: the client's tokens stop working at once.
    const live = await tokenFor(app, t);
    assert.equal((await inject(app, live, 'GET', '/object-query/billing-runs')).statusCode, 200);
    const revoke = await app.inject({
      method: 'DELETE',
      url: `/folio/v1/tenants/${t.tenantId}/oauth-clients/${t.clientId}`,
      headers: { authorization: 'Bearer demo-admin' },
    });
    assert.equal(revoke.statusCode, 204, revoke.body);
    await expect401(`Bearer ${live}`, 'revoked');
    const again = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${t.clientId}&client_secret=${t.clientSecret}`,
    });
    assert.equal(again.statusCode, 401, again.body);
  });

  test('/oauth/token guessing is limited per address: 429 with Retry-After, then allowed again', async () => {
    const { deps, app, clock } = ctx;
    const t = await seedTenant(deps, 'Guess');
    const attempt = (secret: string, ip = '10.1.1.1') =>
      app.inject({
        method: 'POST',
        url: '/oauth/token',
        remoteAddress: ip,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=client_credentials&client_id=${t.clientId}&client_secret=${secret}`,
      });
    for (let i = 0; i < GUESSES_PER_CLIENT; i++) {
      const r = await attempt(`wrong${i}`);
      assert.equal(r.statusCode, 401, r.body);
      assert.equal(r.json().error, 'invalid_client');
    }
    const limited = await attempt(t.clientSecret);
    assert.equal(limited.statusCode, 429, limited.body);
    assert.equal(limited.json().error, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    // Another address is not locked out by these guesses.
    assert.equal((await attempt(t.clientSecret, '10.2.2.2')).statusCode, 200);
    clock.advance(GUESS_WINDOW_MS);
    assert.equal((await attempt(t.clientSecret)).statusCode, 200);
  });

  test('signed URLs: every part tampered, expired or moved to another key is refused', async () => {
    const { deps, app, clock } = ctx;
    const scope = { tenantId: owner.tenantId };
    const key1 = `bulk-pdf-generation/${keys.jobId}/secret_1.zip`;
    const key2 = `bulk-pdf-generation/${keys.jobId}/secret_2.zip`;
    await deps.files.put(key1, Buffer.from('PK-one'), { contentType: 'application/zip' });
    await deps.files.put(key2, Buffer.from('PK-two'), { contentType: 'application/zip' });
    const local = (u: string) => {
      const x = new URL(u);
      return x.pathname + x.search;
    };
    const url1 = local(await deps.files.signedUrl(key1, scope));
    const url2 = local(await deps.files.signedUrl(key2, scope));
    const get = (url: string) => app.inject({ method: 'GET', url });
    const ok = await get(url1);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.body, 'PK-one');
    const denied = async (url: string, why: string) => {
      const r = await get(url);
      assert.ok(r.statusCode === 403 || r.statusCode === 404, `${why}: ${r.statusCode} ${r.body}`);
      assert.ok(!r.body.includes('PK-'), `${why}: bytes leaked`);
      if (r.statusCode === 403) assert.match(r.body, /<Code>AccessDenied<\/Code>/, why);
    };
    const u = new URL(url1, 'http://x');
    for (const name of [...u.searchParams.keys()]) {
      const v = u.searchParams.get(name)!;
      const changed = new URL(u);
      changed.searchParams.set(
        name,
        v.length > 1 ? v.slice(0, -1) + (v.endsWith('0') ? '1' : '0') : 'x',
      );
      await denied(changed.pathname + changed.search, `tampered ${name}`);
      const dropped = new URL(u);
      dropped.searchParams.delete(name);
      await denied(dropped.pathname + dropped.search, `without ${name}`);
    }
    const longer = new URL(u);
    longer.searchParams.set('X-Amz-Expires', '999999999');
    await denied(longer.pathname + longer.search, 'expiry extended');
    // The signature of one key on another key's path.
    const u2 = new URL(url2, 'http://x');
    u2.searchParams.set('X-Amz-Signature', u.searchParams.get('X-Amz-Signature')!);
    await denied(u2.pathname + u2.search, 'signature reused for another key');
    await denied(u.pathname.replace('secret_1', 'secret_2') + u.search, 'path changed');
    // Traversal attempts through the file route never reach outside the store.
    for (const p of [
      '/files/../folio.db',
      '/files/%2e%2e/folio.db',
      '/files/%2E%2E%2Ffolio.db',
      '/files/bulk-pdf-generation/..%2F..%2F..%2Ffolio.db',
      '/files/bulk-pdf-generation/%5C..%5C..%5Cfolio.db',
      '/files//etc/passwd',
      '/files/bulk-pdf-generation/%00/x',
    ])
      await denied(p + u.search, `traversal ${p}`);
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a\\..\\x', 'a/./b', 'a//b', 'a/\u0000'])
      await assert.rejects(
        deps.files.put(bad, Buffer.from('x'), { contentType: 'text/plain' }),
        bad,
      );
    // Expired by the tenant's clock.
    clock.advance((deps.config.urlExpirySeconds + 60) * 1000);
    await denied(url1, 'expired');
  });
});

test('secrets never reach the log of a real server at debug level', async () => {
  const admin = randomBytes(24).toString('hex');
  const signing = randomBytes(32).toString('hex');
  const demoSecret = randomBytes(20).toString('hex');
  const server = await startServer({
    FOLIO_LOG_LEVEL: 'trace',
    FOLIO_ADMIN_TOKEN: admin,
    FOLIO_SIGNING_SECRET: signing,
    FOLIO_DEMO_CLIENT_SECRET: demoSecret,
  });
  const secrets: Record<string, string> = { admin, signing, demoSecret };
  try {
    const form = (id: string, secret: string) =>
      fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: id,
          client_secret: secret,
        }),
      });
    const tokenRes = await form('demo-client', demoSecret);
    assert.equal(tokenRes.status, 200);
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    secrets.token = token;
    const adminCall = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${admin}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const tenant = (await (
      await adminCall('POST', '/folio/v1/tenants', { name: 'Logs' })
    ).json()) as {
      id: string;
    };
    const client = (await (
      await adminCall('POST', `/folio/v1/tenants/${tenant.id}/oauth-clients`, {})
    ).json()) as { clientId: string; clientSecret: string };
    secrets.clientSecret = client.clientSecret;
    const t2 = (await (await form(client.clientId, client.clientSecret)).json()) as {
      access_token: string;
    };
    secrets.token2 = t2.access_token;
    await form(client.clientId, `${client.clientSecret.slice(0, -1)}x`);
    for (const t of [token, t2.access_token]) {
      await fetch(`${server.url}/v1/accounts/${'b'.repeat(32)}`, {
        headers: { authorization: `Bearer ${t}` },
      });
      await fetch(`${server.url}/v1/bill-runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body: '{"broken',
      });
    }
    await adminCall('GET', '/folio/v1/tenants');
    await fetch(`${server.url}/folio/v1/tenants`, {
      headers: { authorization: `Bearer ${admin.slice(0, -1)}` },
    });
  } finally {
    await server.stop();
  }
  const log = server.output();
  // The log is really at debug level: requests are logged, so a leak would have been seen.
  assert.match(log, /incoming request/);
  for (const [name, value] of Object.entries(secrets))
    assert.ok(!log.includes(value), `the ${name} appears in the server log`);
});
