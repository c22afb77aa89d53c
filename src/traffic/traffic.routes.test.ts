/**
 * Fault injection and the request log (issue 12, parts 3 and 7), used as an integrating team
 * would: admin calls set rules, Zuora calls meet them. Dropped connections need a real socket,
 * so that case listens on 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { forEachDb, seedTenant, tokenFor, type SeededTenant } from '../../test/harness.ts';

const ADMIN = { authorization: 'Bearer demo-admin' };
const NEW_VERSION = { 'zuora-version': '2024-05-20' };

interface Fault {
  id: string;
  remaining: number | null;
  fired: number;
  passed: number;
  status: number | null;
}
interface Logged {
  method: string;
  path: string;
  status: number;
  requestId: string;
  trackId: string | null;
  durationMs: number;
  faultId: string | null;
  requestBody?: unknown;
  responseBody?: unknown;
}

forEachDb('traffic controls: fault injection', (ctx) => {
  let a: SeededTenant;
  let b: SeededTenant;
  let tokenA: string;
  let tokenB: string;
  const addFault = async (tenantId: string, body: Record<string, unknown>) =>
    ctx.app.inject({
      method: 'POST',
      url: `/folio/v1/tenants/${tenantId}/faults`,
      headers: ADMIN,
      payload: body,
    });
  const getAccount = (token: string, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'GET',
      url: '/v1/accounts/A00000099',
      headers: { authorization: `Bearer ${token}`, ...NEW_VERSION, ...headers },
    });

  test('setup: two tenants with tokens', async () => {
    a = await seedTenant(ctx.deps, 'A');
    b = await seedTenant(ctx.deps, 'B');
    tokenA = await tokenFor(ctx.app, a);
    tokenB = await tokenFor(ctx.app, b);
  });

  test('a 503 rule for 2 calls answers twice with the v1 500 body and Retry-After, then retires', async () => {
    const made = await addFault(a.tenantId, {
      method: 'GET',
      path: '/v1/accounts/{account-key}',
      status: 503,
      times: 2,
      retryAfter: 7,
    });
    assert.equal(made.statusCode, 201);
    const rule = made.json() as Fault;
    assert.equal(rule.remaining, 2);
    for (let i = 0; i < 2; i++) {
      const res = await getAccount(tokenA);
      assert.equal(res.statusCode, 503);
      assert.equal(res.headers['retry-after'], '7');
      assert.deepEqual(res.json(), {
        reasons: [{ code: 'SystemError', message: 'internal server error' }],
      });
    }
    const third = await getAccount(tokenA);
    assert.equal(third.statusCode, 404, 'the real route answers once the rule is spent');
    const list = await ctx.app.inject({
      method: 'GET',
      url: `/folio/v1/tenants/${a.tenantId}/faults`,
      headers: ADMIN,
    });
    const [listed] = (list.json() as { faults: Fault[] }).faults;
    assert.equal(listed?.id, rule.id);
    assert.equal(listed?.fired, 2);
    assert.equal(listed?.remaining, 0);
  });

  test("a tenant's rules never touch another tenant", async () => {
    await addFault(a.tenantId, { path: '/v1/**', status: 500 });
    assert.equal((await getAccount(tokenA)).statusCode, 500);
    assert.equal((await getAccount(tokenB)).statusCode, 404);
    const cleared = await ctx.app.inject({
      method: 'DELETE',
      url: `/folio/v1/tenants/${a.tenantId}/faults`,
      headers: ADMIN,
    });
    assert.deepEqual(cleared.json(), { cleared: 2 });
    assert.equal((await getAccount(tokenA)).statusCode, 404);
  });

  test('a 429 rule carries the rate-limit headers, Retry-After and the cat70 body', async () => {
    await addFault(a.tenantId, { path: '/v1/accounts/*', status: 429, times: 1, retryAfter: 30 });
    const res = await getAccount(tokenA);
    assert.equal(res.statusCode, 429);
    assert.equal(res.headers['retry-after'], '30');
    assert.equal(res.headers['ratelimit-remaining'], '0');
    assert.equal(res.headers['ratelimit-reset'], '30');
    assert.match(String(res.headers['ratelimit-limit']), /;w=60/);
    const body = res.json() as { success: boolean; reasons: { code: string }[] };
    assert.equal(body.success, false);
    assert.equal(body.reasons[0]?.code, '50000070');
  });

  test('a 404 rule follows the Zuora-Version rule: HTTP 200 + success:false on 186.0', async () => {
    await addFault(a.tenantId, { path: '/v1/accounts/*', status: 404, times: 1 });
    const res = await getAccount(tokenA, { 'zuora-version': '186.0' });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { success: boolean; reasons: { code: string; message: string }[] };
    assert.equal(body.success, false);
    assert.equal(body.reasons[0]?.code, '50000040');
    assert.match(body.reasons[0]?.message ?? '', /Fault injected/);
  });

  test('CRUD and Object Query routes get their own 500 bodies', async () => {
    await addFault(a.tenantId, { path: '/v1/object/**', status: 500, times: 1 });
    const crud = await ctx.app.inject({
      method: 'PUT',
      url: '/v1/object/bill-run/0123',
      headers: { authorization: `Bearer ${tokenA}` },
      payload: { Status: 'Posted' },
    });
    assert.equal(crud.statusCode, 500);
    assert.equal((crud.json() as { Errors: { Code: string }[] }).Errors[0]?.Code, 'UNKNOWN_ERROR');
    await addFault(a.tenantId, { path: '/object-query/**', status: 502, times: 1 });
    const oq = await ctx.app.inject({
      method: 'GET',
      url: '/object-query/billing-runs',
      headers: { authorization: `Bearer ${tokenA}` },
    });
    assert.equal(oq.statusCode, 502);
    assert.equal((oq.json() as { reasons: { code: number }[] }).reasons[0]?.code, 50000060);
  });

  test('/oauth/token meets the rules of the tenant owning client_id (RFC 6749 body)', async () => {
    await addFault(a.tenantId, { method: 'POST', path: '/oauth/token', status: 500, times: 1 });
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: a.clientId,
        client_secret: a.clientSecret,
      }).toString(),
    });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), { error: 'server_error' });
    assert.ok((await tokenFor(ctx.app, b)).length > 0, 'the other tenant still gets tokens');
    assert.ok((await tokenFor(ctx.app, a)).length > 0, 'and this one once the rule is spent');
  });

  test('a seeded probability fires on the same calls every time', async () => {
    const pattern = async (tenant: SeededTenant, token: string): Promise<string> => {
      await addFault(tenant.tenantId, {
        path: '/v1/accounts/*',
        status: 500,
        probability: 0.4,
        seed: 42,
      });
      let out = '';
      for (let i = 0; i < 20; i++) out += (await getAccount(token)).statusCode === 500 ? 'x' : '.';
      const faults = (
        (
          await ctx.app.inject({
            method: 'GET',
            url: `/folio/v1/tenants/${tenant.tenantId}/faults`,
            headers: ADMIN,
          })
        ).json() as { faults: Fault[] }
      ).faults;
      const f = faults[faults.length - 1]!;
      assert.equal(f.fired + f.passed, 20);
      assert.equal(f.fired, [...out].filter((c) => c === 'x').length);
      await ctx.app.inject({
        method: 'DELETE',
        url: `/folio/v1/tenants/${tenant.tenantId}/faults`,
        headers: ADMIN,
      });
      return out;
    };
    const first = await pattern(a, tokenA);
    const second = await pattern(b, tokenB);
    assert.equal(first, second);
    assert.match(first, /x/);
    assert.match(first, /\./);
  });

  test('a latency-only rule delays and then lets the real route answer', async () => {
    const made = (
      await addFault(a.tenantId, { path: '/v1/accounts/*', latencyMs: 20, times: 1 })
    ).json() as Fault;
    assert.equal((await getAccount(tokenA)).statusCode, 404);
    const f = (
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/folio/v1/tenants/${a.tenantId}/faults`,
          headers: ADMIN,
        })
      ).json() as { faults: Fault[] }
    ).faults.find((x) => x.id === made.id);
    assert.equal(f?.fired, 1);
  });

  test('a drop rule closes the connection with no response (real socket)', async () => {
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = ctx.app.server.address() as AddressInfo;
    await addFault(a.tenantId, { path: '/v1/accounts/*', drop: true, times: 1 });
    const url = `http://127.0.0.1:${port}/v1/accounts/A00000099`;
    const headers = { authorization: `Bearer ${tokenA}`, ...NEW_VERSION };
    await assert.rejects(fetch(url, { headers }), /fetch failed/);
    assert.equal((await fetch(url, { headers })).status, 404);
  });

  test('bad rules are refused: no effect, drop with status, non-Zuora path, unknown status', async () => {
    for (const body of [
      { path: '/v1/accounts' },
      { path: '/v1/accounts', drop: true, status: 500 },
      { path: '/folio/v1/tenants', status: 500 },
      { path: '/v1/accounts', status: 418 },
    ]) {
      const res = await addFault(a.tenantId, body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal((res.json() as { success: boolean }).success, false);
    }
    assert.equal((await addFault('f'.repeat(32), { path: '/v1/x', status: 500 })).statusCode, 404);
    const del = await ctx.app.inject({
      method: 'DELETE',
      url: `/folio/v1/tenants/${a.tenantId}/faults/${'0'.repeat(32)}`,
      headers: ADMIN,
    });
    assert.equal(del.statusCode, 404);
  });

  test('one rule can be removed by id', async () => {
    const f = (await addFault(a.tenantId, { path: '/v1/accounts/*', status: 500 })).json() as Fault;
    assert.equal((await getAccount(tokenA)).statusCode, 500);
    const del = await ctx.app.inject({
      method: 'DELETE',
      url: `/folio/v1/tenants/${a.tenantId}/faults/${f.id}`,
      headers: ADMIN,
    });
    assert.equal(del.statusCode, 204);
    assert.equal((await getAccount(tokenA)).statusCode, 404);
  });

  test('the request log shows the calls, newest first, with faults and dropped ones', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/folio/v1/tenants/${a.tenantId}/requests?limit=5`,
      headers: ADMIN,
    });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { size: number; bodies: boolean; requests: Logged[] };
    assert.equal(body.size, 100);
    assert.equal(body.bodies, false);
    assert.equal(body.requests.length, 5);
    const [last, faulted] = body.requests;
    assert.equal(last?.status, 404);
    assert.equal(last?.path, '/v1/accounts/A00000099');
    assert.equal(faulted?.status, 500);
    assert.notEqual(faulted?.faultId, null);
    assert.equal('requestBody' in (last ?? {}), false, 'bodies are off by default');
    const all = (
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/folio/v1/tenants/${a.tenantId}/requests`,
          headers: ADMIN,
        })
      ).json() as { requests: Logged[] }
    ).requests;
    assert.ok(
      all.some((r) => r.status === 0),
      'the dropped call is logged with status 0',
    );
    assert.ok(all.some((r) => r.path === '/oauth/token' && r.status === 500));
    assert.ok(
      all.every((r) => !r.path.startsWith('/folio/')),
      'admin calls are not logged',
    );
  });
});

forEachDb(
  'traffic controls: request log with bodies',
  (ctx) => {
    let t: SeededTenant;
    let other: SeededTenant;
    test('Track-Id, duration and redacted bodies are kept; nothing of another tenant', async () => {
      t = await seedTenant(ctx.deps, 'Logged');
      other = await seedTenant(ctx.deps, 'Other');
      const token = await tokenFor(ctx.app, t);
      await tokenFor(ctx.app, other);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/bill-runs',
        headers: {
          authorization: `Bearer ${token}`,
          'zuora-track-id': 'ci-run-17',
          'content-type': 'application/json',
        },
        payload: { batches: ['AllBatches'], targetDate: '2026-03-31' },
      });
      assert.equal(res.statusCode, 200);
      const log = (
        await ctx.app.inject({
          method: 'GET',
          url: `/folio/v1/tenants/${t.tenantId}/requests`,
          headers: ADMIN,
        })
      ).json() as { bodies: boolean; requests: Logged[] };
      assert.equal(log.bodies, true);
      assert.equal(log.requests.length, 2);
      const [run, tok] = log.requests;
      assert.equal(run?.method, 'POST');
      assert.equal(run?.path, '/v1/bill-runs');
      assert.equal(run?.trackId, 'ci-run-17');
      assert.equal(run?.requestId, res.headers['zuora-request-id']);
      assert.ok((run?.durationMs ?? -1) >= 0);
      assert.deepEqual(run?.requestBody, { batches: ['AllBatches'], targetDate: '2026-03-31' });
      assert.equal((run?.responseBody as { status: string }).status, 'Pending');
      assert.equal(tok?.path, '/oauth/token');
      const req = tok?.requestBody as Record<string, string>;
      assert.equal(req.client_id, t.clientId);
      assert.equal(req.client_secret, '[redacted]');
      assert.equal((tok?.responseBody as Record<string, string>).access_token, '[redacted]');
      const text = JSON.stringify(log);
      assert.ok(!text.includes(t.clientSecret), 'the client secret is nowhere in the log');
      assert.ok(!text.includes(token), 'the access token is nowhere in the log');
      assert.ok(!text.includes(other.clientId), "another tenant's calls are not in the log");
    });

    test('DELETE empties the log', async () => {
      const del = await ctx.app.inject({
        method: 'DELETE',
        url: `/folio/v1/tenants/${t.tenantId}/requests`,
        headers: ADMIN,
      });
      assert.equal(del.statusCode, 204);
      const log = (
        await ctx.app.inject({
          method: 'GET',
          url: `/folio/v1/tenants/${t.tenantId}/requests`,
          headers: ADMIN,
        })
      ).json() as { requests: Logged[] };
      assert.deepEqual(log.requests, []);
    });

    test('every traffic route refuses a tenant OAuth token and a missing token (401)', async () => {
      const token = await tokenFor(ctx.app, t);
      const base = `/folio/v1/tenants/${t.tenantId}`;
      const routes: [string, string][] = [
        ['POST', `${base}/faults`],
        ['GET', `${base}/faults`],
        ['DELETE', `${base}/faults`],
        ['DELETE', `${base}/faults/${'0'.repeat(32)}`],
        ['GET', `${base}/requests`],
        ['DELETE', `${base}/requests`],
      ];
      for (const [method, url] of routes) {
        for (const headers of [{ authorization: `Bearer ${token}` }, {}]) {
          const res = await ctx.app.inject({
            method: method as 'GET',
            url,
            headers,
            ...(method === 'POST' ? { payload: { path: '/v1/x', status: 500 } } : {}),
          });
          assert.equal(res.statusCode, 401, `${method} ${url}`);
        }
      }
      const faults = (
        await ctx.app.inject({ method: 'GET', url: `${base}/faults`, headers: ADMIN })
      ).json() as { faults: unknown[] };
      assert.deepEqual(faults.faults, [], 'the refused POST added nothing');
    });
  },
  { config: { requestLogBodies: true, requestLogSize: 2 } },
);
