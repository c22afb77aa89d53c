/**
 * Scale-out (issue 10 item 6): a bill run and a bulk-PDF export on PostgreSQL with 1 and then 2
 * `folio work` processes behind one `folio serve --no-worker`, so the report shows how throughput
 * grows with workers (aim: 2 workers ≥ 1.8× one).
 */
import pg from 'pg';
import type { BenchCase } from '../lib/case.ts';
import { freshDb, pgMissingReason } from '../lib/databases.ts';
import { measured, missing, type Measured, type ResultRow } from '../lib/results.ts';
import { getToken, request } from '../lib/seed.ts';
import { folioEnv } from '../lib/servers.ts';
import { startServer, startWorker, type RunningWorker } from '../../test/server.ts';
import { runSeed } from './seed.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Figures {
  invoicesPerSec: number;
  documentsPerSec: number;
}

/** Polls `path` every 100 ms until Completed (30 minutes at most); the seconds it took. */
const until = async (
  url: string,
  token: string,
  path: string,
  started: number,
): Promise<number> => {
  for (const deadline = Date.now() + 30 * 60_000; Date.now() < deadline;) {
    const r = await request(url, 'GET', path, { token });
    const status = String((r.body as { status?: unknown } | undefined)?.status);
    if (status === 'Completed') return (performance.now() - started) / 1000;
    if (status === 'Error') throw new Error(`${path} ended Error: ${r.text.slice(0, 300)}`);
    await sleep(100);
  }
  throw new Error(`${path} did not complete in 30 minutes`);
};

const oneRun = async (workers: number, accounts: number): Promise<Figures> => {
  const db = await freshDb('postgres');
  const env = folioEnv({
    FOLIO_TEST_DIR: db.dir,
    FOLIO_DB_URL: db.url,
    FOLIO_JOB_POLL_INTERVAL_MS: '100',
  });
  const running: RunningWorker[] = [];
  try {
    await runSeed(db, accounts);
    const api = await startServer(env, ['--no-worker']);
    running.push(api);
    for (let i = 0; i < workers; i++) running.push(await startWorker(env));
    const token = await getToken(api.url);
    const today = new Date().toISOString().slice(0, 10);
    let t0 = performance.now();
    const created = await request(api.url, 'POST', '/v1/bill-runs', {
      token,
      body: { batches: ['AllBatches'], targetDate: today },
    });
    const runId = (created.body as { id?: string } | undefined)?.id;
    if (runId === undefined) throw new Error(`POST /v1/bill-runs: ${created.text.slice(0, 200)}`);
    const billSeconds = await until(api.url, token, `/v1/bill-runs/${runId}`, t0);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const ids = (
      await client.query<{ id: string }>('select id from invoices where bill_run_id = $1', [runId])
    ).rows.map((r) => r.id);
    await client.end();
    if (ids.length !== accounts) throw new Error(`billed ${ids.length} of ${accounts} accounts`);
    t0 = performance.now();
    const job = await request(api.url, 'POST', '/v1/operations/bulk-pdf', {
      token,
      body: {
        documents: [{ docType: 'Invoice', objectIds: ids }],
        fileName: 'bench',
        indexFileFormat: 'CSV',
        generateMissingPDF: true,
      },
    });
    const jobId = (job.body as { jobId?: string } | undefined)?.jobId;
    if (jobId === undefined) throw new Error(`POST bulk-pdf: ${job.text.slice(0, 200)}`);
    const exportSeconds = await until(api.url, token, `/v1/operations/bulk-pdf/${jobId}`, t0);
    return {
      invoicesPerSec: Math.round(accounts / billSeconds),
      documentsPerSec: Math.round(accounts / exportSeconds),
    };
  } finally {
    await Promise.all(running.map((p) => p.stop()));
    await db.drop();
  }
};

export const scaleCase: BenchCase = {
  name: 'scale',
  title: 'Scale-out: 1 and 2 worker processes on PostgreSQL',
  run: async (ctx) => {
    const accounts = ctx.quick ? 100 : 10_000;
    const runs = ctx.quick ? 1 : ctx.runs;
    const n = accounts.toLocaleString('en-US');
    const rows: ResultRow[] = [];
    const why = pgMissingReason();
    for (const workers of [1, 2]) {
      let rate: Measured;
      let docs: Measured;
      if (why !== undefined) {
        rate = missing(why);
        docs = missing(why);
      } else {
        const figures: Figures[] = [];
        for (let i = 0; i < runs; i++) {
          const f = await oneRun(workers, accounts);
          ctx.log(
            `scale [${workers} worker(s)] run ${i + 1}: ${f.invoicesPerSec} invoices/s, ${f.documentsPerSec} documents/s`,
          );
          figures.push(f);
        }
        rate = measured(figures.map((f) => f.invoicesPerSec));
        docs = measured(figures.map((f) => f.documentsPerSec));
      }
      const w = workers === 1 ? '1 worker' : `${workers} workers`;
      rows.push(
        {
          id: `billrun.workers-${workers}`,
          label: `bill run over ${n} accounts, PostgreSQL, ${w}`,
          unit: 'invoices/s',
          better: 'higher',
          target: workers === 1 ? '—' : '≥ 1.8 × 1 worker',
          folio: rate,
        },
        {
          id: `bulk-pdf.workers-${workers}`,
          label: `bulk PDF over ${n} invoices (PDFs missing), PostgreSQL, ${w}`,
          unit: 'documents/s',
          better: 'higher',
          target: workers === 1 ? '—' : '≥ 1.8 × 1 worker',
          folio: docs,
        },
      );
    }
    return {
      method: [
        `Per run: a fresh PostgreSQL database seeded by a real \`folio seed --accounts ${accounts}\`, one \`folio serve --no-worker\` and 1 or 2 \`folio work\` processes (graphile-worker queue; default FOLIO_JOB_CONCURRENCY and FOLIO_PDF_WORKERS each), all on the same machine.`,
        "Bill run: POST /v1/bill-runs {batches: [AllBatches], targetDate: today}, polled every 100 ms until Completed; invoices/s = accounts ÷ seconds. Bulk PDF: POST /v1/operations/bulk-pdf over all the run's invoices with generateMissingPDF, polled until Completed; documents/s = invoices ÷ seconds.",
        "All processes share the machine's cores: on 2 cores a second worker adds job slots, not CPU.",
      ],
      rows,
    };
  },
};
