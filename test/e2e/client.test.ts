/**
 * The typed client (client/) and the CLI's client commands against a real `folio serve` over
 * HTTP on 127.0.0.1, on SQLite and on PostgreSQL: token cache and refresh (ahead of expiry, and
 * after the server stopped taking a token), Zuora-Track-Id, Idempotency-Key, a real 429 with
 * Retry-After, the wait helpers, `folio billrun …` and `folio export pdf` with verified ZIPs.
 * The server runs with a concurrency limit of 1 so a held request makes the next one a 429.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { dbTargets } from '../harness.ts';
import { runFolio, startServer, type RunningServer } from '../server.ts';
import { readZipBuffer } from '../zip-read.ts';
import {
  ApiError,
  createZuoraClient,
  type ClientOptions,
  type ZuoraClient,
} from '../../client/client.ts';

const PG_URL = process.env.FOLIO_TEST_PG_URL;

const freePort = (): Promise<number> =>
  new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });

interface Exchange {
  method: string;
  url: string;
  headers: Headers;
  status: number;
  responseHeaders: Headers;
}

for (const target of dbTargets())
  describe(`typed client and client commands over HTTP [${target.name}]`, () => {
    let server: RunningServer;
    let schema: string | undefined;
    let pgUrl: string | undefined;
    const seen: Exchange[] = [];
    /** Real fetch, recording what went out and what came back. */
    const recording = async (r: Request): Promise<Response> => {
      const headers = new Headers(r.headers);
      const res = await fetch(r);
      seen.push({
        method: r.method,
        url: r.url,
        headers,
        status: res.status,
        responseHeaders: res.headers,
      });
      return res;
    };
    const newClient = (more: Partial<ClientOptions> = {}): ZuoraClient =>
      createZuoraClient({
        baseUrl: server.url,
        clientId: 'demo-client',
        clientSecret: 'demo-secret',
        fetch: recording,
        ...more,
      });
    const tokenCalls = (): Exchange[] => seen.filter((e) => e.url.endsWith('/oauth/token'));

    /** Sets a token's expiry in the past in the server's own database. */
    const expireInDatabase = async (token: string): Promise<number> => {
      const hash = createHash('sha256').update(token).digest('hex');
      const past = '2000-01-01T00:00:00.000Z';
      if (schema === undefined) {
        const db = new DatabaseSync(join(server.dir, 'folio.db'));
        try {
          db.exec('PRAGMA busy_timeout = 5000');
          return Number(
            db
              .prepare('UPDATE oauth_tokens SET expires_at = ? WHERE token_hash = ?')
              .run(past, hash).changes,
          );
        } finally {
          db.close();
        }
      }
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      try {
        const r = await c.query('UPDATE oauth_tokens SET expires_at = $1 WHERE token_hash = $2', [
          past,
          hash,
        ]);
        return r.rowCount ?? 0;
      } finally {
        await c.end();
      }
    };

    let client: ZuoraClient;
    let ratePlanId = '';
    const invoiceIds: string[] = [];

    before(async () => {
      const env: Record<string, string> = {
        // A fixed port: the signed ZIP URLs are absolute and name the public URL's port.
        FOLIO_PORT: String(await freePort()),
        FOLIO_JOB_POLL_INTERVAL_MS: '50',
        FOLIO_PDF_WORKERS: '1',
        FOLIO_CONCURRENCY_LIMIT: '1',
      };
      if (target.name === 'postgres') {
        schema = `e2e_client_${randomBytes(5).toString('hex')}`;
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`CREATE SCHEMA ${schema}`);
        await c.end();
        const url = new URL(PG_URL!);
        url.searchParams.set('options', `-c search_path=${schema}`);
        pgUrl = url.toString();
        env.FOLIO_DB_URL = pgUrl;
      }
      server = await startServer(env);
      client = newClient({ trackId: 'e2e-client' });
      const { api, ok } = client;
      const p = await ok(
        'product',
        api.POST('/v1/object/product', {
          body: { Name: 'Gold', EffectiveStartDate: '2020-01-01', EffectiveEndDate: '2099-12-31' },
        }),
      );
      const rp = await ok(
        'rate plan',
        api.POST('/v1/object/product-rate-plan', { body: { Name: 'Monthly', ProductId: p.Id! } }),
      );
      ratePlanId = rp.Id!;
      await ok(
        'charge',
        api.POST('/v1/object/product-rate-plan-charge', {
          body: {
            Name: 'Fee',
            ProductRatePlanId: ratePlanId,
            ChargeType: 'Recurring',
            ChargeModel: 'Flat Fee Pricing',
            BillingPeriod: 'Month',
            BillCycleType: 'DefaultFromCustomer',
            TriggerEvent: 'ContractEffective',
            UseDiscountSpecificAccountingCode: false,
            ProductRatePlanChargeTierData: {
              ProductRatePlanChargeTier: [{ Currency: 'USD', Price: 30 }],
            },
          },
        }),
      );
    });
    after(async () => {
      await server.stop();
      if (schema !== undefined) {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    });

    const createAccount = async (c: ZuoraClient, name: string, runBilling: boolean) =>
      c.ok(
        'account',
        c.api.POST('/v1/accounts', {
          body: {
            name,
            currency: 'USD',
            billCycleDay: 1,
            billToContact: { firstName: 'Ada', lastName: 'Lovelace' },
            subscription: {
              contractEffectiveDate: '2026-03-15',
              termType: 'EVERGREEN',
              subscribeToRatePlans: [{ productRatePlanId: ratePlanId }],
            },
            runBilling,
            targetDate: '2026-03-15',
          },
        }),
      );

    test('one token serves many calls; Track-Id, Zuora-Version and a fresh Idempotency-Key per POST go out', async () => {
      seen.length = 0;
      const c = newClient({ trackId: 'track-1' });
      const a = await createAccount(c, 'Acme', true);
      assert.ok(a.invoiceId, 'runBilling gave an invoice');
      invoiceIds.push(a.invoiceId);
      const b = await createAccount(c, 'Globex', true);
      invoiceIds.push(b.invoiceId!);
      const got = await c.ok(
        'GET account',
        c.api.GET('/v1/accounts/{accountKey}', {
          params: { path: { accountKey: a.accountNumber } },
        }),
      );
      assert.equal(got.basicInfo.name, 'Acme');
      assert.equal(tokenCalls().length, 1, 'the token was fetched once and cached');
      const calls = seen.filter((e) => !e.url.endsWith('/oauth/token'));
      assert.equal(calls.length, 3);
      for (const e of calls) {
        assert.equal(e.headers.get('zuora-track-id'), 'track-1');
        assert.equal(e.responseHeaders.get('zuora-track-id'), 'track-1', 'Folio echoes it');
        assert.equal(e.headers.get('zuora-version'), '2024-05-20');
        assert.match(e.headers.get('authorization') ?? '', /^Bearer [0-9a-f]{32}$/);
      }
      const keys = calls
        .filter((e) => e.method === 'POST')
        .map((e) => e.headers.get('idempotency-key'));
      assert.equal(keys.length, 2);
      assert.match(keys[0]!, /^[0-9a-f-]{36}$/);
      assert.notEqual(keys[0], keys[1], 'each POST has its own key');
      assert.equal(calls.find((e) => e.method === 'GET')!.headers.get('idempotency-key'), null);
    });

    test("a caller's Idempotency-Key is kept: the same POST twice replays the first job", async () => {
      const key = `k-${randomBytes(6).toString('hex')}`;
      const body = {
        documents: [{ docType: 'Invoice' as const, objectIds: [invoiceIds[0]!] }],
        fileName: 'replay',
        indexFileFormat: 'CSV' as const,
      };
      const first = await client.ok(
        'bulk-pdf',
        client.api.POST('/v1/operations/bulk-pdf', { body, headers: { 'Idempotency-Key': key } }),
      );
      const second = await client.ok(
        'bulk-pdf',
        client.api.POST('/v1/operations/bulk-pdf', { body, headers: { 'Idempotency-Key': key } }),
      );
      assert.equal(second.jobId, first.jobId);
    });

    test('the token is refreshed before it expires, without waiting for a 401', async () => {
      seen.length = 0;
      let now = Date.now();
      const c = newClient({ now: () => now });
      const first = await c.token();
      assert.equal(tokenCalls().length, 1);
      // Folio's tokens live tokenTtlSeconds (3600): expires_in 3599. 30 s before expiry is inside
      // the default 60 s refresh margin.
      now += 3599_000 - 30_000;
      await c.ok(
        'GET invoice',
        c.api.GET('/v1/invoices/{invoiceKey}', {
          params: { path: { invoiceKey: invoiceIds[0]! } },
        }),
      );
      assert.equal(tokenCalls().length, 2, 'a new token was fetched ahead of expiry');
      assert.ok(seen.every((e) => e.status !== 401));
      assert.notEqual(await c.token(), first);
    });

    test('a token the server no longer takes (expired in its database) is replaced once and the call succeeds', async () => {
      seen.length = 0;
      const c = newClient();
      const stale = await c.token();
      assert.equal(await expireInDatabase(stale), 1);
      const inv = await c.ok(
        'GET invoice',
        c.api.GET('/v1/invoices/{invoiceKey}', {
          params: { path: { invoiceKey: invoiceIds[0]! } },
        }),
      );
      assert.equal(inv.id, invoiceIds[0]);
      const statuses = seen.map(
        (e) => `${e.url.endsWith('/oauth/token') ? 'token' : 'GET'} ${e.status}`,
      );
      assert.deepEqual(statuses, ['token 200', 'GET 401', 'token 200', 'GET 200']);
      assert.notEqual(await c.token(), stale);
    });

    test('a 429 is retried after its Retry-After and then succeeds', async (t) => {
      // Known defect, found at the session-2 merge and not yet explained: on PostgreSQL (with the
      // shared rate windows) a request whose body never finishes does not keep the concurrency
      // slot, so this setup cannot provoke the 429 there. The retry logic is database-blind.
      if (target.name === 'postgres') {
        t.skip('PostgreSQL: the held request does not keep the concurrency slot (open defect)');
        return;
      }
      const token = await client.token();
      // Hold the tenant's only concurrency slot: a request whose body never finishes. A probe
      // racing it may take the slot first (the held one then gets the 429): hold again.
      const hold = () => {
        const req: ClientRequest = httpRequest(`${server.url}/v1/operations/bulk-pdf`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': '64',
            'zuora-version': '2024-05-20',
          },
        });
        const state = { req, status: 0, done: undefined as unknown as Promise<number> };
        state.done = new Promise<number>((res, rej) => {
          req.on('response', (r) => {
            r.resume();
            state.status = r.statusCode ?? 0;
            res(state.status);
          });
          req.on('error', rej);
        });
        req.write('{');
        return state;
      };
      let held = hold();
      let probe = 0;
      for (let i = 0; i < 400 && probe !== 429; i++) {
        if (held.status !== 0) {
          held.req.destroy();
          held = hold();
        }
        const r = await fetch(`${server.url}/v1/invoices/${invoiceIds[0]}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        probe = r.status;
        await r.body?.cancel();
      }
      assert.equal(probe, 429, 'the held request took the only slot');

      const retries: { attempt: number; delayMs: number }[] = [];
      seen.length = 0;
      const c = newClient({
        onRetry: ({ attempt, delayMs }) => {
          retries.push({ attempt, delayMs });
          if (attempt === 1) held.req.end(' '.repeat(63));
        },
      });
      await c.token();
      const inv = await c.ok(
        'GET invoice',
        c.api.GET('/v1/invoices/{invoiceKey}', {
          params: { path: { invoiceKey: invoiceIds[0]! } },
        }),
      );
      assert.equal(inv.id, invoiceIds[0]);
      assert.equal(
        retries[0]?.delayMs,
        1000,
        "Folio's Retry-After for a full concurrency slot is 1 s",
      );
      const first429 = seen.find((e) => e.status === 429)!;
      assert.equal(first429.responseHeaders.get('retry-after'), '1');
      assert.equal(seen.at(-1)!.status, 200);
      assert.equal(await held.done, 400, 'the held request ended as malformed JSON');
    });

    test('waitForBillRun and waitForBulkPdf report progress until the run and the job settle', async () => {
      await createAccount(client, 'Initech', false);
      const run = await client.ok(
        'create bill run',
        client.api.POST('/v1/bill-runs', {
          body: {
            targetDate: '2026-04-01',
            batches: ['AllBatches'],
            billCycleDay: 'AllBillCycleDays',
          },
        }),
      );
      const states: string[] = [];
      const done = await client.waitForBillRun(run.billRunNumber, {
        intervalMs: 50,
        onProgress: (r) => states.push(r.Status ?? '?'),
      });
      assert.equal(done.Status, 'Completed');
      assert.equal(states.at(-1), 'Completed');
      assert.ok(states.length >= 1);
      // Acme and Globex were billed through 2026-03-31 at creation; April is due for all three.
      assert.equal(done.NumberOfInvoices, 3);

      const job = await client.ok(
        'bulk-pdf',
        client.api.POST('/v1/operations/bulk-pdf', {
          body: {
            documents: [{ docType: 'Invoice', objectIds: invoiceIds }],
            fileName: 'wait',
            indexFileFormat: 'JSON',
            generateMissingPDF: true,
          },
        }),
      );
      const steps: string[] = [];
      const finished = await client.waitForBulkPdf(job.jobId, {
        intervalMs: 50,
        onProgress: (j) => steps.push(`${j.status}/${j.stepStatus}`),
      });
      assert.equal(finished.status, 'Completed');
      assert.equal(finished.fileUrls.length, 1);
      assert.equal(steps.at(-1), 'Completed/PostProcessing');
      await assert.rejects(
        client.waitForBulkPdf('0'.repeat(32)),
        (e: unknown) => e instanceof ApiError && e.status === 404,
      );
    });

    test('folio billrun create --wait, get, post --wait and a refused cancel, over HTTP', async () => {
      const env = {
        FOLIO_API_URL: server.url,
        FOLIO_CLIENT_ID: 'demo-client',
        FOLIO_CLIENT_SECRET: 'demo-secret',
      };
      await createAccount(client, 'Umbrella', false);
      const created = await runFolio(
        [
          'billrun',
          'create',
          '--target-date',
          '2026-05-01',
          '--batches',
          'AllBatches',
          '--bill-cycle-day',
          'AllBillCycleDays',
          '--wait',
          '--interval-ms',
          '50',
        ],
        env,
      );
      assert.equal(created.code, 0, created.output);
      const json = (out: string): Record<string, unknown> =>
        JSON.parse(out.slice(out.indexOf('{\n'))) as Record<string, unknown>;
      const run = json(created.output);
      assert.equal(run.Status, 'Completed');
      assert.equal(run.NumberOfInvoices, 4);
      assert.match(created.output, /bill run BR-\d+: Completed — 4 accounts, 4 invoices/);
      const number = String(run.BillRunNumber);

      const got = await runFolio(['billrun', 'get', number], env);
      assert.equal(got.code, 0, got.output);
      assert.equal(json(got.output).status, 'Completed');
      assert.equal(json(got.output).billRunNumber, number);

      // Flags instead of the environment for the API URL and the client.
      const posted = await runFolio([
        'billrun',
        'post',
        number,
        '--wait',
        '--interval-ms',
        '50',
        '--api-url',
        server.url,
        '--client-id',
        'demo-client',
        '--client-secret',
        'demo-secret',
      ]);
      assert.equal(posted.code, 0, posted.output);
      assert.equal(json(posted.output).Status, 'Posted');

      const cancel = await runFolio(['billrun', 'cancel', number], env);
      assert.equal(cancel.code, 1, cancel.output);
      assert.match(cancel.output, /folio billrun: PUT cancel bill run: HTTP 400/);

      // Usage and credential errors do not depend on the database: checked once.
      if (target.name !== 'sqlite') return;
      const bad = await runFolio(['billrun', 'create'], env);
      assert.equal(bad.code, 2);
      assert.match(bad.output, /create needs --target-date/);

      const wrongSecret = await runFolio(['billrun', 'get', number], {
        ...env,
        FOLIO_CLIENT_SECRET: 'nope',
      });
      assert.equal(wrongSecret.code, 1);
      assert.match(wrongSecret.output, /POST \/oauth\/token: HTTP 401/);
    });

    test('folio export pdf downloads the ZIPs, verifies them and leaves them on disk', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'folio-export-'));
      const unknown = 'e'.repeat(32);
      const idsFile = join(dir, 'ids.txt');
      writeFileSync(
        idsFile,
        `# three invoices and an unknown id\n${invoiceIds.join('\n')}\n${unknown}\n${invoiceIds[0]}\n`,
      );
      const out = join(dir, 'out');
      const r = await runFolio([
        'export',
        'pdf',
        '--ids-file',
        idsFile,
        '--out',
        out,
        '--file-name',
        'cli',
        '--generate-missing',
        '--interval-ms',
        '50',
        '--api-url',
        server.url,
      ]);
      assert.equal(r.code, 0, r.output);
      const summary = JSON.parse(r.output.slice(r.output.indexOf('{\n'))) as {
        verified: boolean;
        invalidIds: string[];
        exported: number;
        zips: { file: string; pdfs: number }[];
      };
      assert.equal(summary.verified, true);
      assert.deepEqual(summary.invalidIds, [unknown]);
      assert.equal(summary.exported, 2, 'the repeated id is exported once');
      // Plain progress lines, not a redrawn bar: the output is not a terminal.
      assert.match(r.output, /\njob Completed: step 5\/5 PostProcessing\n/);
      assert.doesNotMatch(r.output, /\r/);
      assert.deepEqual(readdirSync(out), ['cli_1.zip']);
      // Read back with an independent reader.
      const entries = await readZipBuffer(readFileSync(join(out, 'cli_1.zip')));
      assert.equal(entries.length, 3);
      assert.equal(entries[2]!.name, 'index.csv');
      for (const e of entries.slice(0, 2)) assert.equal(e.data.subarray(0, 5).toString(), '%PDF-');

      if (target.name !== 'sqlite') return;
      const missing = await runFolio(['export', 'pdf', '--ids-file', idsFile], {
        FOLIO_API_URL: server.url,
      });
      assert.equal(missing.code, 2);
      assert.match(missing.output, /export pdf needs --ids-file and --out/);
    });
  });
