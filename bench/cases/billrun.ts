/**
 * Bill-run throughput (issue 9 item 6; DESIGN.md "Performance targets": ≥ 2,000 invoices/s
 * embedded, aiming at 10,000): N accounts seeded with `folio seed` (one subscription each), then
 * one `POST /v1/bill-runs` against a real `folio serve`, polled with `GET /v1/bill-runs/{id}`
 * until `Completed`; invoices/s, peak RSS, and the latency of those polls while the run writes.
 */
import type { BenchCase } from '../lib/case.ts';
import { freshDb, pgMissingReason } from '../lib/databases.ts';
import { watchPeakRss } from '../lib/proc.ts';
import { measured, missing, type Measured, type ResultRow } from '../lib/results.ts';
import { getToken, request } from '../lib/seed.ts';
import { startFolio } from '../lib/servers.ts';
import { runSeed } from './seed.ts';

interface RunFigures {
  invoicesPerSec: number;
  peakRssMiB: number;
  pollP99Ms: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const p99 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] ?? 0;
};

const oneRun = async (kind: 'sqlite' | 'postgres', accounts: number): Promise<RunFigures> => {
  const db = await freshDb(kind);
  try {
    await runSeed(db, accounts);
    const server = await startFolio({ FOLIO_TEST_DIR: db.dir, FOLIO_DB_URL: db.url });
    try {
      const token = await getToken(server.url);
      const peak = watchPeakRss(server.pid);
      const today = new Date().toISOString().slice(0, 10);
      const started = performance.now();
      const created = await request(server.url, 'POST', '/v1/bill-runs', {
        token,
        body: { batches: ['AllBatches'], targetDate: today },
      });
      const id = (created.body as { id?: string } | undefined)?.id;
      if (created.status !== 200 || id === undefined)
        throw new Error(`POST /v1/bill-runs gave ${created.status}: ${created.text.slice(0, 200)}`);
      const latencies: number[] = [];
      let status = '';
      // Bounded: a run that does not finish in 30 minutes fails the case.
      for (const deadline = Date.now() + 30 * 60_000; Date.now() < deadline;) {
        const t0 = performance.now();
        const r = await request(server.url, 'GET', `/v1/bill-runs/${id}`, { token });
        latencies.push(performance.now() - t0);
        status = String((r.body as { status?: unknown } | undefined)?.status);
        if (status === 'Completed' || status === 'Error') break;
        await sleep(100);
      }
      const seconds = (performance.now() - started) / 1000;
      const peakRssMiB = peak.stop();
      if (status !== 'Completed') throw new Error(`bill run ended ${status}`);
      const crud = await request(
        server.url,
        'GET',
        `/v1/object/bill-run/${id}?fields=NumberOfInvoices,ErrorMessage`,
        { token },
      );
      const invoices = (crud.body as { NumberOfInvoices?: number }).NumberOfInvoices ?? 0;
      if (invoices !== accounts)
        throw new Error(`billed ${invoices} of ${accounts} accounts: ${crud.text.slice(0, 200)}`);
      return {
        invoicesPerSec: Math.round(invoices / seconds),
        peakRssMiB: Math.round(peakRssMiB),
        pollP99Ms: Math.round(p99(latencies) * 10) / 10,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
  }
};

const measure = async (
  kind: 'sqlite' | 'postgres',
  accounts: number,
  runs: number,
  log: (m: string) => void,
): Promise<{ rate: Measured; rss: Measured; poll: Measured }> => {
  const why = kind === 'postgres' ? pgMissingReason() : undefined;
  if (why !== undefined) return { rate: missing(why), rss: missing(why), poll: missing(why) };
  const figures: RunFigures[] = [];
  for (let i = 0; i < runs; i++) {
    const f = await oneRun(kind, accounts);
    log(`billrun [${kind}] run ${i + 1}: ${f.invoicesPerSec} invoices/s, ${f.peakRssMiB} MiB`);
    figures.push(f);
  }
  return {
    rate: measured(figures.map((f) => f.invoicesPerSec)),
    rss: measured(figures.map((f) => f.peakRssMiB)),
    poll: measured(figures.map((f) => f.pollP99Ms)),
  };
};

export const billRunCase: BenchCase = {
  name: 'billrun',
  title: 'Bill runs',
  run: async (ctx) => {
    const accounts = ctx.quick ? 100 : 20_000;
    const runs = ctx.quick ? 1 : ctx.runs;
    const n = accounts.toLocaleString('en-US');
    const rows: ResultRow[] = [];
    for (const kind of ['sqlite', 'postgres'] as const) {
      const db = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      ctx.log(`billrun: ${runs} × ${accounts} accounts on ${kind}`);
      const m = await measure(kind, accounts, runs, ctx.log);
      rows.push(
        {
          id: `${kind}.rate`,
          label: `bill run over ${n} accounts, ${db}`,
          unit: 'invoices/s',
          better: 'higher',
          target: kind === 'sqlite' ? '≥ 2,000 invoices/s (aiming at 10,000)' : '—',
          folio: m.rate,
        },
        {
          id: `${kind}.rss`,
          label: `bill run over ${n} accounts, ${db}: server peak RSS`,
          unit: 'MiB',
          better: 'lower',
          target: '—',
          folio: m.rss,
        },
        {
          id: `${kind}.poll-p99`,
          label: `GET /v1/bill-runs/{billRunId} p99 while the run writes, ${db}`,
          unit: 'ms',
          better: 'lower',
          target: '—',
          folio: m.poll,
        },
      );
    }
    return {
      method: [
        `Per run: a fresh database seeded by a real \`folio seed --accounts ${accounts}\` (one subscription of one or two recurring charges per account, all billable today), then a real \`folio serve\` on it (default FOLIO_JOB_CONCURRENCY, FOLIO_BILL_RUN_CHUNK_SIZE), one POST /v1/bill-runs {batches: [AllBatches], targetDate: today} over HTTP, polled with GET /v1/bill-runs/{id} every 100 ms until Completed.`,
        'invoices/s = NumberOfInvoices ÷ seconds from the POST to the first poll that saw Completed (so up to 100 ms plus one job-poll interval of overhead; no autoPost, so no PDFs). Peak RSS: the server process tree sampled every 50 ms during the run. Poll p99: over the polls of the run.',
      ],
      rows,
    };
  },
};
