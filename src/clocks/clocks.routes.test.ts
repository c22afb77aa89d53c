/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- response bodies are read as untyped JSON */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, seedTenant, tokenFor, type SeededTenant } from '../../test/harness.ts';
import { call } from '../../test/billing-fixtures.ts';
import { addDuration } from './clocks.service.ts';

const ADMIN = { authorization: 'Bearer demo-admin' };

forEachDb('admin API: per-tenant test clock', (ctx) => {
  let t: SeededTenant;
  let other: SeededTenant;
  const clockOf = async (tenantId: string) =>
    ctx.app.inject({ method: 'GET', url: `/folio/v1/tenants/${tenantId}/clock`, headers: ADMIN });
  const put = async (tenantId: string, payload: object) =>
    ctx.app.inject({
      method: 'PUT',
      url: `/folio/v1/tenants/${tenantId}/clock`,
      headers: ADMIN,
      payload,
    });
  const advance = async (tenantId: string, payload: object) =>
    ctx.app.inject({
      method: 'POST',
      url: `/folio/v1/tenants/${tenantId}/clock/advance`,
      headers: ADMIN,
      payload,
    });

  test('a tenant without a test clock reads real time', async () => {
    t = await seedTenant(ctx.deps, 'Clocked');
    other = await seedTenant(ctx.deps, 'Other');
    const res = await clockOf(t.tenantId);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      tenantId: t.tenantId,
      mode: 'real',
      now: ctx.clock.now().toISOString(),
      frozenAt: null,
      offsetMs: 0,
    });
  });

  test('a frozen clock stands still while real time runs, and only for its tenant', async () => {
    const res = await put(t.tenantId, { mode: 'frozen', at: '2027-01-31T00:00:00Z' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().mode, 'frozen');
    assert.equal(res.json().now, '2027-01-31T00:00:00.000Z');
    ctx.clock.advance(60_000);
    assert.equal((await clockOf(t.tenantId)).json().now, '2027-01-31T00:00:00.000Z');
    assert.equal(ctx.deps.clock.now(t.tenantId).toISOString(), '2027-01-31T00:00:00.000Z');
    assert.equal((await clockOf(other.tenantId)).json().now, ctx.clock.now().toISOString());
  });

  test('advance by P1M follows the calendar (Jan 31 → Feb 28) and billing dates follow', async () => {
    const res = await advance(t.tenantId, { by: 'P1M' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().now, '2027-02-28T00:00:00.000Z');
    assert.equal(res.json().mode, 'frozen');
    const token = await tokenFor(ctx.app, t);
    // C3.2.1: invoiceDate defaults to the tenant's today.
    const run = await call(ctx.app, token, 'POST', '/v1/bill-runs', {
      batches: ['AllBatches'],
      targetDate: '2027-02-28',
    });
    assert.equal(run.statusCode, 200, run.body);
    assert.equal(run.json().invoiceDate, '2027-02-28');
    assert.equal(run.json().createdDate, '2027-02-28 00:00:00');
  });

  test('token expiry reads the tenant clock: advancing past the lifetime ends the token', async () => {
    const token = await tokenFor(ctx.app, t);
    const ok = await call(ctx.app, token, 'GET', '/v1/accounts/nope');
    assert.equal(ok.statusCode, 404, ok.body);
    assert.equal((await advance(t.tenantId, { by: 'PT1H' })).statusCode, 200);
    const expired = await call(ctx.app, token, 'GET', '/v1/accounts/nope');
    assert.equal(expired.statusCode, 401, expired.body);
    // The other tenant's tokens live on real time.
    const theirs = await tokenFor(ctx.app, other);
    assert.equal((await call(ctx.app, theirs, 'GET', '/v1/accounts/nope')).statusCode, 404);
  });

  test('advance to an instant; an instant in the past is refused', async () => {
    const res = await advance(t.tenantId, { to: '2027-06-01' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().now, '2027-06-01T00:00:00.000Z');
    const back = await advance(t.tenantId, { to: '2027-05-01T00:00:00Z' });
    assert.equal(back.statusCode, 400, back.body);
    assert.match(back.json().reasons[0].message, /only advances/);
  });

  test('an offset clock runs with real time from the instant given', async () => {
    const res = await put(t.tenantId, { mode: 'offset', at: '2030-01-01T00:00:00Z' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().mode, 'offset');
    ctx.clock.advance(5_000);
    assert.equal((await clockOf(t.tenantId)).json().now, '2030-01-01T00:00:05.000Z');
    const adv = await advance(t.tenantId, { by: 'P1D' });
    assert.equal(adv.json().now, '2030-01-02T00:00:05.000Z');
    assert.equal(adv.json().mode, 'offset');
  });

  test('DELETE resets the tenant to real time', async () => {
    const res = await ctx.app.inject({
      method: 'DELETE',
      url: `/folio/v1/tenants/${t.tenantId}/clock`,
      headers: ADMIN,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().mode, 'real');
    assert.equal(ctx.deps.clock.now(t.tenantId).toISOString(), ctx.clock.now().toISOString());
  });

  test('bad input gets a clear 400, an unknown tenant 404', async () => {
    const cases: [object, RegExp][] = [
      [{ by: 'P1X' }, /ISO-8601 duration/],
      [{ by: 'P1M', to: '2031-01-01' }, /exactly one/],
      [{}, /exactly one/],
      [{ to: 'tomorrow' }, /ISO-8601 date/],
    ];
    for (const [body, message] of cases) {
      const res = await advance(t.tenantId, body);
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json().reasons[0].message, message);
    }
    const offset = await put(t.tenantId, { mode: 'offset' });
    assert.equal(offset.statusCode, 400, offset.body);
    const mode = await put(t.tenantId, { mode: 'sideways' });
    assert.equal(mode.statusCode, 400, mode.body);
    assert.equal((await clockOf('0'.repeat(32))).statusCode, 404);
  });

  test("a tenant's OAuth token cannot reach the clock", async () => {
    const token = await tokenFor(ctx.app, t);
    for (const [method, url] of [
      ['GET', `/folio/v1/tenants/${t.tenantId}/clock`],
      ['PUT', `/folio/v1/tenants/${t.tenantId}/clock`],
      ['POST', `/folio/v1/tenants/${t.tenantId}/clock/advance`],
      ['DELETE', `/folio/v1/tenants/${t.tenantId}/clock`],
    ] as const) {
      const res = await ctx.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        payload: { mode: 'frozen' },
      });
      assert.equal(res.statusCode, 401, `${method} ${url}: ${res.body}`);
    }
  });
});

test('addDuration: calendar months clamp, weeks, days and time add exactly', () => {
  const at = new Date('2028-01-31T12:00:00Z');
  assert.equal(addDuration(at, 'P1M').toISOString(), '2028-02-29T12:00:00.000Z');
  assert.equal(addDuration(at, 'P1Y').toISOString(), '2029-01-31T12:00:00.000Z');
  assert.equal(addDuration(at, 'P2W').toISOString(), '2028-02-14T12:00:00.000Z');
  assert.equal(addDuration(at, 'P1DT1H30M').toISOString(), '2028-02-01T13:30:00.000Z');
  assert.equal(addDuration(at, 'PT0.5S').toISOString(), '2028-01-31T12:00:00.500Z');
  for (const bad of ['P', 'PT', '1M', 'P-1D', 'P1.5M'])
    assert.throws(() => addDuration(at, bad), /ISO-8601 duration/);
});
