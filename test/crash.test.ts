/**
 * Crash safety harness (issue 11, docs/reliability.md): a real `folio serve` process runs bill
 * runs and bulk PDF → ZIP jobs and is SIGKILLed at seeded random moments, then restarted, again
 * and again, until at least KILLS kills have landed while a job of each type was in progress.
 * Then: every run and job `Completed`, exactly one invoice per billable account per run, invoice
 * numbers unique and gap-free, every document exactly once in its job's ZIPs, and no file in the
 * store that no row refers to (nor any temp file left behind).
 *
 * The seed is printed; `FOLIO_CRASH_SEED=<n> npm test -- test/crash.test.ts` replays the same
 * kill delays (the machine's speed still moves where they land in the jobs).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { forEachDb, seedTenant, tokenFor, type SeededTenant } from './harness.ts';
import { startServer, type RunningServer } from './server.ts';
import { seedDocuments, type SeededDoc } from './bulkpdf-seed.ts';
import { readZipBuffer } from './zip-read.ts';
import { createAccounts } from '../src/accounts/accounts.service.ts';
import { createSubscription } from '../src/subscriptions/subscriptions.service.ts';
import { systemClock } from '../src/platform/clock.ts';

/** Kill points required per job type and database. */
const KILLS = Number(process.env.FOLIO_CRASH_KILLS ?? '20');
// Enough that a bill run outlasts a kill delay: a faster engine finished 120 accounts before
// most kills landed, so bill-run kill points came rarely and the harness ran for many minutes.
const ACCOUNTS = 400;
const CHUNK = 10;
/** Per bulk job: documents whose PDF the job must render first, and ones that have a PDF. */
const DOCS_TO_RENDER = 6;
const DOCS_RENDERED = 10;
/** Upper bound of the random delay between the first claim and the SIGKILL. */
const MAX_DELAY_MS = 300;
/** Kills a single queued job may suffer before it is let finish (its attempts are capped at 25). */
const KILLS_PER_JOB = 5;
const baseSeed = Number(process.env.FOLIO_CRASH_SEED ?? String(Date.now() % 1_000_000_007));

/** mulberry32: a small seeded PRNG, so a printed seed replays the same kill delays. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const freePort = (): Promise<number> =>
  new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });

/** Every file under `dir`, as paths relative to it. */
const filesUnder = (dir: string, rel = ''): string[] => {
  let names: string[];
  try {
    names = readdirSync(join(dir, rel));
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const r = rel === '' ? n : `${rel}/${n}`;
    return statSync(join(dir, r)).isDirectory() ? filesUnder(dir, r) : [r];
  });
};

forEachDb(
  'crash safety: folio serve SIGKILLed at random points',
  (ctx) => {
    let seed = baseSeed;
    let env: Record<string, string> = {};
    let filesDir = '';
    before(async () => {
      seed = baseSeed + (ctx.target.name === 'postgres' ? 1 : 0);
      const db = ctx.deps.db.db;
      let dbUrl = ctx.deps.config.dbUrl;
      if (ctx.deps.db.dialect === 'postgres') {
        const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!
          .s;
        // node-postgres passes `options` to the server: the child works in this test's schema.
        dbUrl += `${dbUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      }
      filesDir = ctx.deps.config.filesUrl.replace(/^file:/, '');
      env = {
        FOLIO_DB_URL: dbUrl,
        FOLIO_FILES_URL: ctx.deps.config.filesUrl,
        FOLIO_PORT: String(await freePort()),
        FOLIO_DEMO: 'off',
        FOLIO_JOB_POLL_INTERVAL_MS: '20',
        FOLIO_PDF_WORKERS: '1',
        FOLIO_BILL_RUN_CHUNK_SIZE: String(CHUNK),
        // The harness finds the jobs a process holds in the embedded runner's `jobs` table, so it
        // pins that runner on PostgreSQL too; graphile-worker's recovery from a SIGKILLed worker is
        // tested by test/e2e/scale.test.ts and its adapter's own tests.
        FOLIO_JOB_RUNNER: 'embedded',
      };
    });

    // Its own time limit (a hang guard): dozens of cold starts take minutes on a loaded machine.
    test(
      `bill runs and bulk PDF jobs survive >= ${KILLS} kills each, nothing lost or doubled`,
      { timeout: 1_200_000 },
      async () => {
        process.stdout.write(
          `# crash seed [${ctx.target.name}]: ${seed} (replay: FOLIO_CRASH_SEED=${baseSeed})\n`,
        );
        const random = seededRandom(seed);
        const { deps, app } = ctx;
        const t: SeededTenant = await seedTenant(deps, 'Crash');
        const scope = { tenantId: t.tenantId, entityId: t.entityId };
        const token = await tokenFor(app, t);
        const post = async (url: string, payload: object) => {
          const r = await app.inject({
            method: 'POST',
            url,
            headers: { authorization: `Bearer ${token}` },
            payload,
          });
          assert.equal(r.statusCode, 200, r.body);
          return r.json() as Record<string, string>;
        };
        const product = await post('/v1/object/product', {
          Name: 'Gold',
          EffectiveStartDate: '2020-01-01',
          EffectiveEndDate: '2099-12-31',
        });
        const plan = await post('/v1/object/product-rate-plan', {
          Name: 'M',
          ProductId: product.Id,
        });
        await post('/v1/object/product-rate-plan-charge', {
          Name: 'Fee',
          ProductRatePlanId: plan.Id,
          ChargeType: 'Recurring',
          ChargeModel: 'Flat Fee Pricing',
          BillingPeriod: 'Month',
          BillCycleType: 'DefaultFromCustomer',
          TriggerEvent: 'ContractEffective',
          UseDiscountSpecificAccountingCode: false,
          ProductRatePlanChargeTierData: {
            ProductRatePlanChargeTier: [{ Currency: 'USD', Price: 30 }],
          },
        });
        await deps.db.db.transaction().execute(async (tx) => {
          const accounts = await createAccounts(
            deps,
            tx,
            scope,
            Array.from({ length: ACCOUNTS }, (_, i) => ({
              name: `C${i}`,
              currency: 'USD',
              billCycleDay: 1,
              billToContact: { firstName: 'A', lastName: 'B' },
            })),
          );
          for (const a of accounts)
            await createSubscription(deps, tx, scope, a, {
              contractEffectiveDate: '2026-01-01',
              termType: 'EVERGREEN',
              subscribeToRatePlans: [{ productRatePlanId: plan.Id }],
            });
        });

        const billRuns: string[] = [];
        const bulkJobs: { id: string; docs: SeededDoc[] }[] = [];
        const newBillRun = async () => {
          // Month n+1 of 2026, so every run bills each account one more period.
          const m = billRuns.length + 1;
          const end = new Date(Date.UTC(2026, m, 0)).toISOString().slice(0, 10);
          const run = await post('/v1/bill-runs', { batches: ['AllBatches'], targetDate: end });
          billRuns.push(run.id!);
        };
        const newBulkJob = async () => {
          const docs = [
            ...(await seedDocuments(deps, scope, DOCS_TO_RENDER, {
              state: 'none',
              accountName: `Bulk${bulkJobs.length}`,
            })),
            ...(await seedDocuments(deps, scope, DOCS_RENDERED, {
              accountName: `Bulk${bulkJobs.length}b`,
            })),
          ];
          const job = await post('/v1/operations/bulk-pdf', {
            documents: [{ docType: 'Invoice', objectIds: docs.map((d) => d.id) }],
            fileName: `crash${bulkJobs.length}`,
            indexFileFormat: 'CSV',
            generateMissingPDF: true,
          });
          bulkJobs.push({ id: job.jobId!, docs });
        };
        const billRunStates = async () =>
          billRuns.length === 0
            ? []
            : deps.db.read
                .selectFrom('bill_runs')
                .select(['id', 'status', 'accounts_processed'])
                .where('id', 'in', billRuns)
                .execute();
        const bulkStates = async () =>
          bulkJobs.length === 0
            ? []
            : deps.db.read
                .selectFrom('bulk_pdf_jobs')
                .select(['id', 'status', 'step_status', 'parts_done'])
                .where(
                  'id',
                  'in',
                  bulkJobs.map((j) => j.id),
                )
                .execute();
        const billDone = (s: string) => s === 'Completed' || s === 'Error';
        const bulkDone = (s: string) => s === 'Completed' || s === 'Error';

        const killPoints = { billRun: [] as string[], bulkPdf: [] as string[] };
        let kills = 0;
        /** Kills suffered by each queued job (by id). */
        const hits = new Map<string, number>();
        let server: RunningServer | undefined;
        try {
          while (killPoints.billRun.length < KILLS || killPoints.bulkPdf.length < KILLS) {
            // A kill point needs a job of the type in flight: top up with a new one when all are done.
            if (
              killPoints.billRun.length < KILLS &&
              (await billRunStates()).every((r) => billDone(r.status))
            )
              await newBillRun();
            if (
              killPoints.bulkPdf.length < KILLS &&
              (await bulkStates()).every((j) => bulkDone(j.status))
            )
              await newBulkJob();
            server = await startServer(env);
            // The kill lands a random time after this process has claimed a job: a kill point is a
            // SIGKILL of a process holding a job of that type (locked_by names the pid).
            const held = () =>
              deps.db.read
                .selectFrom('jobs')
                .select(['id', 'task_id'])
                .where('locked_by', 'like', `%:${String(server!.child.pid)}:%`)
                .execute();
            const since = performance.now();
            let holding = await held();
            while (holding.length === 0) {
              if (server.child.exitCode !== null) assert.fail(`server exited:\n${server.output()}`);
              // A hang guard, not a timing assertion: queued work must be claimed by a live runner.
              if (performance.now() - since > 60_000)
                assert.fail(
                  `no job claimed: ${JSON.stringify(await deps.db.read.selectFrom('jobs').selectAll().execute())}`,
                );
              await delay(5);
              holding = await held();
            }
            // Each kill costs the jobs it hits an attempt (25 in all): a job already hit KILLS_PER_JOB
            // times is left to finish in this life, so that every job ends and kill points keep
            // moving through the jobs' steps instead of hitting one slow step forever.
            const hot = holding
              .filter((j) => (hits.get(j.id) ?? 0) >= KILLS_PER_JOB)
              .map((j) => j.id);
            while (hot.length > 0 && (await held()).some((j) => hot.includes(j.id))) await delay(5);
            const wait = Math.floor(random() * MAX_DELAY_MS);
            await delay(wait);
            const [tasks, runs, jobs] = await Promise.all([held(), billRunStates(), bulkStates()]);
            await server.stop('SIGKILL');
            assert.equal(server.child.signalCode, 'SIGKILL', server.output());
            kills++;
            for (const j of tasks) hits.set(j.id, (hits.get(j.id) ?? 0) + 1);
            const run = runs.find((r) => !billDone(r.status));
            if (run !== undefined && tasks.some((j) => j.task_id.startsWith('billruns.')))
              killPoints.billRun.push(
                `${run.accounts_processed}/${ACCOUNTS + 2 * bulkJobs.length}`,
              );
            const job = jobs.find((j) => !bulkDone(j.status));
            if (job !== undefined && tasks.some((j) => j.task_id.startsWith('bulkpdf.')))
              killPoints.bulkPdf.push(job.step_status);
          }
        } finally {
          // A failed assertion must not leave a server running (it would keep the test file alive).
          if (server !== undefined && server.child.exitCode === null) await server.stop('SIGKILL');
        }
        process.stdout.write(
          `# crash [${ctx.target.name}]: ${kills} SIGKILLs; bill-run kill points ${killPoints.billRun.length}: ${killPoints.billRun.join(', ')}\n` +
            `# crash [${ctx.target.name}]: bulk-PDF kill points ${killPoints.bulkPdf.length}: ${killPoints.bulkPdf.join(', ')}\n`,
        );

        // A last, undisturbed start finishes whatever is left; it stays up for the downloads.
        server = await startServer(env);
        try {
          for (;;) {
            const [runs, jobs] = await Promise.all([billRunStates(), bulkStates()]);
            if (runs.every((r) => billDone(r.status)) && jobs.every((j) => bulkDone(j.status)))
              break;
            if (server.child.exitCode !== null) assert.fail(`server exited:\n${server.output()}`);
            await delay(50);
          }
          for (const r of await billRunStates())
            assert.equal(r.status, 'Completed', `bill run ${r.id}`);

          const invoices = await deps.db.read
            .selectFrom('invoices')
            .select(['account_id', 'number', 'bill_run_id'])
            .where('tenant_id', '=', t.tenantId)
            .where('entity_id', '=', t.entityId)
            .execute();
          for (const id of billRuns) {
            const mine = invoices.filter((i) => i.bill_run_id === id);
            assert.equal(mine.length, ACCOUNTS, `invoices of bill run ${id}`);
            assert.equal(new Set(mine.map((i) => i.account_id)).size, ACCOUNTS, 'one per account');
          }
          const numbers = invoices
            .map((i) => Number(i.number.replace(/^INV/, '')))
            .sort((a, b) => a - b);
          assert.equal(new Set(numbers).size, numbers.length, 'invoice numbers unique');
          assert.deepEqual(
            numbers,
            Array.from({ length: numbers.length }, (_, i) => numbers[0]! + i),
            'invoice numbers gap-free',
          );

          for (const job of bulkJobs) {
            const row = await deps.db.read
              .selectFrom('bulk_pdf_jobs')
              .select(['status', 'message', 'file_urls'])
              .where('id', '=', job.id)
              .executeTakeFirstOrThrow();
            assert.equal(row.status, 'Completed', `bulk job ${job.id}: ${row.message ?? ''}`);
            const names: string[] = [];
            for (const url of JSON.parse(row.file_urls) as string[]) {
              const res = await fetch(url);
              assert.equal(res.status, 200, url);
              const entries = await readZipBuffer(Buffer.from(await res.arrayBuffer()));
              for (const e of entries) if (e.name.endsWith('.pdf')) names.push(e.name);
            }
            assert.deepEqual(
              names.sort(),
              job.docs.map((d) => d.pdfName).sort(),
              `every document of ${job.id} exactly once in its ZIPs`,
            );
          }
        } finally {
          await server.stop(server.child.exitCode === null ? 'SIGTERM' : 'SIGKILL');
        }

        const referenced = new Set<string>();
        for (const r of await deps.db.read
          .selectFrom('document_files')
          .select('storage_key')
          .where('storage_key', 'is not', null)
          .execute())
          referenced.add(r.storage_key!);
        for (const r of await deps.db.read
          .selectFrom('bulk_pdf_parts')
          .select('storage_key')
          .execute())
          referenced.add(r.storage_key);
        const orphans = filesUnder(join(filesDir, 'objects')).filter((k) => !referenced.has(k));
        assert.deepEqual(orphans, [], 'no object without a row');
        assert.deepEqual(filesUnder(join(filesDir, 'tmp')), [], 'no temp file left behind');
      },
    );
  },
  // The real clock, as the server processes have: jobs this process schedules (the bulk job's
  // purge 30 days on) must not be due at once in the servers, as they were by a test clock in
  // the past (the purge then deleted the jobs under test and the harness spun).
  { config: { jobRunner: 'embedded' }, overrides: { clock: systemClock() } },
);
