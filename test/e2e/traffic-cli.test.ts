/**
 * `folio fault` and `folio requests` against a real `folio serve`: the commands are HTTP clients
 * of the serving process, whose memory holds the rules and the log.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_TENANT_ID } from '../../src/tenants/tenants.service.ts';
import { runFolio, startServer, type RunningServer } from '../server.ts';

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

const folio = (args: string[]) => runFolio(args, { FOLIO_PUBLIC_URL: server.url });

const token = async (): Promise<string> => {
  const res = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'demo-client',
      client_secret: 'demo-secret',
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
};

test('folio fault add / list / clear and folio requests drive the running server', async () => {
  const added = await folio([
    'fault',
    'add',
    DEMO_TENANT_ID,
    '--path',
    '/v1/accounts/*',
    '--status=500',
    '--times',
    '1',
  ]);
  assert.equal(added.code, 0, added.output);
  const rule = JSON.parse(added.output) as { id: string; status: number; remaining: number };
  assert.equal(rule.status, 500);
  assert.equal(rule.remaining, 1);

  const t = await token();
  const url = `${server.url}/v1/accounts/A00000042`;
  const headers = { authorization: `Bearer ${t}`, 'zuora-track-id': 'cli-test' };
  assert.equal((await fetch(url, { headers })).status, 500);
  assert.equal((await fetch(url, { headers })).status, 200, 'legacy version: 200 + success:false');

  const listed = await folio(['fault', 'list', DEMO_TENANT_ID]);
  assert.equal(listed.code, 0, listed.output);
  assert.equal((JSON.parse(listed.output) as { faults: { fired: number }[] }).faults[0]?.fired, 1);

  const log = await folio(['requests', DEMO_TENANT_ID, '--limit', '2']);
  assert.equal(log.code, 0, log.output);
  const requests = (JSON.parse(log.output) as { requests: { status: number; trackId: string }[] })
    .requests;
  assert.deepEqual(
    requests.map((r) => [r.status, r.trackId]),
    [
      [200, 'cli-test'],
      [500, 'cli-test'],
    ],
  );

  const cleared = await folio(['fault', 'clear', DEMO_TENANT_ID, rule.id]);
  assert.equal(cleared.code, 0, cleared.output);
  const empty = await fetch(`${server.url}/folio/v1/tenants/${DEMO_TENANT_ID}/faults`, {
    headers: { authorization: 'Bearer demo-admin' },
  });
  assert.deepEqual(await empty.json(), { faults: [] });
});

test('folio fault reports bad usage with exit 2', async () => {
  const usage = await folio(['fault', 'add', DEMO_TENANT_ID, '--bogus', 'x']);
  assert.equal(usage.code, 2);
  assert.match(usage.output, /unknown flag --bogus/);
});
