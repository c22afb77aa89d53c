/**
 * Callouts (issue 12 part 5), used as an integrating team would: subscribe through the admin
 * API, drive a bill run through the Zuora API, and receive signed notifications on a real HTTP
 * receiver on 127.0.0.1. The embedded runner is used on both databases because retries wait for
 * the backoff by `deps.clock`, which the test moves (graphile-worker waits by database time).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forEachDb, seedTenant, tokenFor, type SeededTenant } from '../../test/harness.ts';

const ADMIN = { authorization: 'Bearer demo-admin' };

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A receiver that answers each request with the next status of `answers` (then 200). */
const startReceiver = async () => {
  const received: Received[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = answers.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { server, url, received, answers };
};

const verify = (secret: string, r: Received): boolean =>
  r.headers['folio-signature'] ===
  `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`;

forEachDb(
  'callouts',
  (ctx) => {
    let a: SeededTenant;
    let b: SeededTenant;
    let tokenA: string;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    before(async () => {
      receiver = await startReceiver();
    });
    after(async () => {
      await new Promise((resolve) => receiver.server.close(resolve));
    });
    const admin = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
      ctx.app.inject({
        method,
        url,
        headers: ADMIN,
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
    const deliveries = async (tenantId: string) =>
      (await admin('GET', `/folio/v1/tenants/${tenantId}/callouts/deliveries`)).json<{
        deliveries: {
          event: string;
          url: string;
          status: string;
          attempts: number;
          responseStatus: number | null;
          lastError: string | null;
        }[];
      }>().deliveries;
    const createRun = () =>
      ctx.app.inject({
        method: 'POST',
        url: '/v1/bill-runs',
        headers: { authorization: `Bearer ${tokenA}` },
        payload: { batches: ['Batch1'], billCycleDay: '5', targetDate: '2026-04-01' },
      });

    test('setup: two tenants', async () => {
      a = await seedTenant(ctx.deps, 'A');
      b = await seedTenant(ctx.deps, 'B');
      tokenA = await tokenFor(ctx.app, a);
    });

    let secret = '';
    let calloutId = '';
    test('create answers 201 with a generated secret; list hides it; other tenants see none', async () => {
      const res = await admin('POST', `/folio/v1/tenants/${a.tenantId}/callouts`, {
        url: receiver.url,
        events: ['BillRunStatusChanged', 'InvoicePosted'],
      });
      assert.equal(res.statusCode, 201);
      const body = res.json<{ id: string; secret: string; url: string; events: string[] }>();
      assert.match(body.secret, /^[0-9a-f]{64}$/);
      assert.equal(body.url, receiver.url);
      assert.deepEqual(body.events, ['BillRunStatusChanged', 'InvoicePosted']);
      secret = body.secret;
      calloutId = body.id;
      const list = (await admin('GET', `/folio/v1/tenants/${a.tenantId}/callouts`)).json<{
        callouts: Record<string, unknown>[];
      }>();
      assert.deepEqual(
        list.callouts.map((c) => c.id),
        [calloutId],
      );
      assert.equal('secret' in list.callouts[0]!, false);
      const other = (await admin('GET', `/folio/v1/tenants/${b.tenantId}/callouts`)).json<{
        callouts: unknown[];
      }>();
      assert.deepEqual(other.callouts, []);
    });

    test('bad input gets a clear 400; an unknown callout a 404; a tenant token a 401', async () => {
      const bad = await admin('POST', `/folio/v1/tenants/${a.tenantId}/callouts`, {
        url: 'ftp://x',
        events: ['BillRunStatusChanged'],
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /http or https/);
      const badEvent = await admin('POST', `/folio/v1/tenants/${a.tenantId}/callouts`, {
        url: receiver.url,
        events: ['Nope'],
      });
      assert.equal(badEvent.statusCode, 400);
      const gone = await admin('DELETE', `/folio/v1/tenants/${a.tenantId}/callouts/nope`);
      assert.equal(gone.statusCode, 404);
      const asTenant = await ctx.app.inject({
        method: 'GET',
        url: `/folio/v1/tenants/${a.tenantId}/callouts`,
        headers: { authorization: `Bearer ${tokenA}` },
      });
      assert.equal(asTenant.statusCode, 401);
    });

    test('a bill run status change is delivered, signed with the secret, in Zuora callout shape', async () => {
      const run = await createRun();
      assert.equal(run.statusCode, 200, run.body);
      const runId = run.json<{ id: string }>().id;
      await ctx.deps.queue.runUntilIdle();
      assert.ok(receiver.received.length > 0, 'the receiver got no notification');
      for (const r of receiver.received) assert.ok(verify(secret, r), 'signature mismatch');
      assert.equal(verify('another-secret-value', receiver.received[0]!), false);
      const bodies = receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
      assert.ok(
        bodies.every((x) => x.EventType === 'BillRunStatusChanged' && x.ObjectId === runId),
      );
      assert.equal(bodies.at(-1)!.Status, 'Completed');
      assert.match(String(receiver.received[0]!.headers['zuora-request-id']), /^[0-9a-f]{32}$/);
      const log = await deliveries(a.tenantId);
      assert.equal(log.length, receiver.received.length);
      assert.ok(
        log.every((d) => d.status === 'delivered' && d.attempts === 1 && d.url === receiver.url),
      );
      assert.deepEqual(await deliveries(b.tenantId), []);
    });

    test('a failing receiver (500, then 200) gets a retry after the backoff and ends delivered', async () => {
      receiver.received.length = 0;
      receiver.answers.push(500);
      await ctx.deps.db.db
        .transaction()
        .execute((tx) =>
          ctx.deps.events.emit(tx, [
            { type: 'InvoicePosted', tenantId: a.tenantId, objectId: 'inv1', status: 'Posted' },
          ]),
        );
      await ctx.deps.queue.runUntilIdle();
      assert.equal(receiver.received.length, 1);
      let [d] = await deliveries(a.tenantId);
      assert.equal(d!.event, 'InvoicePosted');
      assert.equal(d!.status, 'pending');
      assert.equal(d!.attempts, 1);
      assert.equal(d!.responseStatus, 500);
      assert.match(d!.lastError!, /HTTP 500/);
      ctx.clock.advance(60 * 60 * 1000);
      await ctx.deps.queue.runUntilIdle();
      assert.equal(receiver.received.length, 2);
      assert.equal(receiver.received[0]!.body, receiver.received[1]!.body);
      assert.notEqual(
        receiver.received[0]!.headers['zuora-request-id'],
        receiver.received[1]!.headers['zuora-request-id'],
      );
      assert.ok(verify(secret, receiver.received[1]!));
      [d] = await deliveries(a.tenantId);
      assert.equal(d!.status, 'delivered');
      assert.equal(d!.attempts, 2);
      assert.equal(d!.responseStatus, 200);
      assert.equal(d!.lastError, null);
    });

    test('an event in a rolled-back transaction sends nothing', async () => {
      const before = (await deliveries(a.tenantId)).length;
      receiver.received.length = 0;
      await assert.rejects(
        ctx.deps.db.db.transaction().execute(async (tx) => {
          await ctx.deps.events.emit(tx, [
            { type: 'InvoicePosted', tenantId: a.tenantId, objectId: 'inv2', status: 'Posted' },
          ]);
          throw new Error('rolled back');
        }),
      );
      await ctx.deps.queue.runUntilIdle();
      assert.equal(receiver.received.length, 0);
      assert.equal((await deliveries(a.tenantId)).length, before);
    });

    test('after delete, events are no longer delivered', async () => {
      const del = await admin('DELETE', `/folio/v1/tenants/${a.tenantId}/callouts/${calloutId}`);
      assert.equal(del.statusCode, 204);
      receiver.received.length = 0;
      await createRun();
      await ctx.deps.queue.runUntilIdle();
      assert.equal(receiver.received.length, 0);
    });
  },
  { config: { jobRunner: 'embedded' } },
);
