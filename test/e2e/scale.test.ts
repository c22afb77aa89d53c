/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-explicit-any -- response bodies are read as untyped JSON and checked by the assertions */
/**
 * Scale-out end to end (issue 10 item 4): on one PostgreSQL database, 2 `folio serve --no-worker`
 * and 2 `folio work` processes; a bill run over 20,000 seeded accounts and a bulk-PDF job over
 * its invoices, with a worker SIGKILLed in the middle of each (the first is replaced, so the
 * bulk job starts on two workers too). The outcome must be exact: one invoice per billable
 * account, every document exactly once across the ZIPs, both jobs `Completed`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import {
  runFolio,
  startServer,
  startWorker,
  type RunningServer,
  type RunningWorker,
} from '../server.ts';
import { readZipBuffer } from '../zip-read.ts';

const PG_URL = process.env.FOLIO_TEST_PG_URL;
/** Issue 10: ≥ 20,000 accounts (FOLIO_TEST_SCALE_ACCOUNTS, a multiple of 1,000, to try it smaller). */
const ACCOUNTS = Number(process.env.FOLIO_TEST_SCALE_ACCOUNTS ?? '20000');
const say = (m: string): void => void process.stdout.write(`# scale: ${m}\n`);
/** Short, so a SIGKILLed worker's jobs are released within seconds (FOLIO_JOB_LEASE_SECONDS). */
const LEASE_SECONDS = 5;

/**
 * The one parameter that says where the processes keep files: a local directory all of them
 * share. Switch it to `s3://bucket/prefix` (with the S3 settings in `FILES_ENV`) to run the same
 * test on an S3-compatible server.
 */
const filesUrl = (dir: string): string => `file:${join(dir, 'files')}`;
const FILES_ENV: Record<string, string> = {};

const freePort = (): Promise<number> =>
  new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });

const admin = async (q: string): Promise<void> => {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
};

if (PG_URL === undefined || PG_URL === '') {
  test(
    'scale-out: 2 serve + 2 work processes on PostgreSQL',
    {
      skip: 'needs PostgreSQL: FOLIO_TEST_PG_URL is not set (.ci/run sets it)',
    },
    () => {},
  );
} else {
  const dbName = `folio_scale_e2e_${randomBytes(5).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'folio-scale-'));
  const dbUrl = (() => {
    const u = new URL(PG_URL);
    u.pathname = `/${dbName}`;
    return u.toString();
  })();
  const servers: RunningServer[] = [];
  const workers: RunningWorker[] = [];
  let env: Record<string, string> = {};
  let db: pg.Pool;

  before(async () => {
    await admin(`CREATE DATABASE ${dbName}`);
    db = new pg.Pool({ connectionString: dbUrl, max: 2 });
    const ports = [await freePort(), await freePort()];
    env = {
      FOLIO_DB_URL: dbUrl,
      FOLIO_FILES_URL: filesUrl(dir),
      ...FILES_ENV,
      // Every node signs download URLs for the address clients use (a load balancer in a real
      // deployment; here the first API process).
      FOLIO_PUBLIC_URL: `http://127.0.0.1:${ports[0]}`,
      FOLIO_JOB_LEASE_SECONDS: String(LEASE_SECONDS),
      FOLIO_JOB_POLL_INTERVAL_MS: '200',
      FOLIO_JOB_CONCURRENCY: '2',
      FOLIO_TEST_DIR: dir,
    };
    const migrated = await runFolio(['migrate'], env, dir);
    assert.equal(migrated.code, 0, migrated.output);
    const seeded = await runFolio(['seed', '--accounts', String(ACCOUNTS), '--json'], env, dir);
    assert.equal(seeded.code, 0, seeded.output);
    for (const port of ports)
      servers.push(await startServer({ ...env, FOLIO_PORT: String(port) }, ['--no-worker']));
    for (let i = 0; i < 2; i++) workers.push(await startWorker(env));
  });

  after(async () => {
    await Promise.all([...servers, ...workers].map((p) => p.stop('SIGKILL')));
    await db?.end();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  });

  const q = async <T>(text: string, values: unknown[] = []): Promise<T[]> =>
    (await db.query(text, values)).rows as T[];

  test(
    'a bill run and a bulk-PDF job survive a SIGKILLed worker, exactly once',
    { timeout: 600_000 },
    async () => {
      const [api1, api2] = servers as [RunningServer, RunningServer];
      const tokenOf = async (url: string): Promise<string> => {
        const res = await fetch(`${url}/oauth/token`, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: 'demo-client',
            client_secret: 'demo-secret',
          }),
        });
        assert.equal(res.status, 200);
        return ((await res.json()) as { access_token: string }).access_token;
      };
      // A token from one API process is accepted by the other: they share the database.
      const token = await tokenOf(api1.url);
      let turn = 0;
      const call = async (method: string, path: string, body?: unknown): Promise<any> => {
        const base = [api1, api2][turn++ % 2]!.url;
        const res = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const json: any = await res.json();
        assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(json)}`);
        assert.notEqual(json.success, false, `${method} ${path}: ${JSON.stringify(json)}`);
        return json;
      };
      /** Polls through both API processes until `done(body)`; kills a worker once `kill(body)`. */
      const poll = async (
        path: string,
        done: (b: any) => boolean,
        kill: (b: any) => Promise<boolean>,
      ): Promise<{ body: any; killed: boolean }> => {
        let killed = false;
        for (const deadline = Date.now() + 480_000; Date.now() < deadline;) {
          const body = await call('GET', path);
          if (done(body)) return { body, killed };
          if (!killed && (await kill(body))) {
            killed = true;
            const victim = workers.shift()!;
            assert.equal(await victim.stop('SIGKILL'), null, 'the worker died by SIGKILL');
          }
          await delay(250);
        }
        throw new Error(`${path} did not finish`);
      };

      say('processes up; bill run');
      const today = new Date().toISOString().slice(0, 10);
      const run = await call('POST', '/v1/bill-runs', {
        batches: ['AllBatches'],
        targetDate: today,
      });
      const billed = await poll(
        `/v1/bill-runs/${run.id}`,
        (b) => b.status === 'Completed' || b.status === 'Error',
        async () => {
          // Mid-run: some chunks committed, most still to do.
          const [c] = await q<{ n: string }>(
            'select count(*)::text as n from invoices where bill_run_id = $1',
            [run.id],
          );
          return Number(c!.n) >= ACCOUNTS / 10 && Number(c!.n) < ACCOUNTS / 2;
        },
      );
      assert.equal(billed.body.status, 'Completed', JSON.stringify(billed.body));
      assert.equal(billed.killed, true, 'a worker was killed while the bill run was processing');
      const [counts] = await q<{ invoices: string; accounts: string; all_accounts: string }>(
        `select count(*)::text as invoices, count(distinct account_id)::text as accounts,
         (select count(*)::text from accounts) as all_accounts
       from invoices where bill_run_id = $1`,
        [run.id],
      );
      // `folio seed` makes every account billable today: one invoice each, none twice.
      assert.equal(counts!.all_accounts, String(ACCOUNTS));
      assert.equal(counts!.invoices, String(ACCOUNTS));
      assert.equal(counts!.accounts, String(ACCOUNTS));
      const crud = await call('GET', `/v1/object/bill-run/${run.id}?fields=NumberOfInvoices`);
      assert.equal(crud.NumberOfInvoices, ACCOUNTS);

      say('bill run checked; bulk PDF');
      // The killed worker is replaced; the bulk job starts on two workers again.
      workers.push(await startWorker(env));
      const invoices = await q<{ id: string; number: string }>(
        'select id, number from invoices where bill_run_id = $1 order by number',
        [run.id],
      );
      const job = await call('POST', '/v1/operations/bulk-pdf', {
        documents: [{ docType: 'Invoice', objectIds: invoices.map((i) => i.id) }],
        fileName: 'scale',
        indexFileFormat: 'CSV',
        generateMissingPDF: true,
      });
      assert.deepEqual(job.invalidIds ?? [], []);
      const exported = await poll(
        `/v1/operations/bulk-pdf/${job.jobId}`,
        (b) => b.status === 'Completed' || b.status === 'Error',
        async () => {
          // Mid-generation: some PDFs rendered, most still missing.
          const [c] = await q<{ left: string }>(
            'select count(*)::text as left from bulk_pdf_documents where job_id = $1 and needs_pdf = 1',
            [job.jobId],
          );
          return Number(c!.left) > 0 && Number(c!.left) < ACCOUNTS * 0.9;
        },
      );
      assert.equal(exported.body.status, 'Completed', JSON.stringify(exported.body));
      assert.equal(exported.killed, true, 'a worker was killed while the bulk job was generating');
      say('bulk PDF completed; reading the ZIPs');
      const urls: string[] = exported.body.fileUrls;
      assert.equal(urls.length, ACCOUNTS / 1_000);

      // Every document exactly once across the ZIPs (entries are <number>_<account>_<date>.pdf).
      const seen = new Map<string, number>();
      for (const [i, url] of urls.entries()) {
        assert.ok(url.includes(`/scale_${i + 1}.zip?X-Amz-Algorithm=`), url);
        const res = await fetch(url);
        assert.equal(res.status, 200, url);
        const entries = await readZipBuffer(Buffer.from(await res.arrayBuffer()));
        assert.equal(entries.at(-1)?.name, 'index.csv');
        for (const e of entries.slice(0, -1)) {
          assert.equal(e.data.subarray(0, 5).toString(), '%PDF-', e.name);
          const number = e.name.split('_')[0]!;
          seen.set(number, (seen.get(number) ?? 0) + 1);
        }
      }
      assert.deepEqual(
        [...seen.entries()].filter(([, n]) => n !== 1),
        [],
        'no document twice',
      );
      assert.deepEqual([...seen.keys()].sort(), invoices.map((i) => i.number).sort());
      // No job is left behind in graphile-worker's queue (a finished job is deleted just after
      // its transaction commits, so allow a moment), but the bulk job's purge, due in 30 days.
      let left = '';
      for (let i = 0; i < 40 && left !== '0'; i++) {
        if (i > 0) await delay(250);
        const [row] = await q<{ n: string }>(
          "select count(*)::text as n from graphile_worker.jobs where task_identifier <> 'bulkpdf.purge'",
        );
        left = row!.n;
      }
      assert.equal(left, '0');
    },
  );
}
