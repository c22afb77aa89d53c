/**
 * `folio seed` throughput (issue 7 item 5: 100,000 accounts with subscriptions in under 60 s on
 * SQLite): accounts/s of a real `folio seed --accounts N` process on a fresh database, peak RSS.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { BenchCase } from '../lib/case.ts';
import { freshDb, pgMissingReason, type BenchDb } from '../lib/databases.ts';
import { watchPeakRss } from '../lib/proc.ts';
import { measured, missing, type Measured, type ResultRow } from '../lib/results.ts';
import { folioEnv, ROOT } from '../lib/servers.ts';

export interface SeedRun {
  accounts: number;
  seconds: number;
  peakRssMiB: number;
}

/** Runs `folio seed --accounts N --json` into `db`; rejects with its output on failure. */
export const runSeed = async (db: BenchDb, accounts: number): Promise<SeedRun> => {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'src/main.ts'), 'seed', '--accounts', String(accounts), '--json'],
    {
      cwd: db.dir,
      env: {
        PATH: process.env.PATH ?? '',
        ...folioEnv({ FOLIO_DB_URL: db.url, FOLIO_FILES_URL: `file:${join(db.dir, 'files')}` }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const peak = watchPeakRss(child.pid!);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', () => undefined);
  const code = await new Promise<number | null>((res) => child.on('exit', res));
  const peakRssMiB = peak.stop();
  if (code !== 0) throw new Error(`folio seed exited ${String(code)}: ${out.slice(0, 300)}`);
  const summary = JSON.parse(out.trim().split('\n').at(-1)!) as {
    accounts: number;
    seconds: number;
  };
  return { accounts: summary.accounts, seconds: summary.seconds, peakRssMiB };
};

const measure = async (
  kind: 'sqlite' | 'postgres',
  accounts: number,
  runs: number,
  log: (m: string) => void,
): Promise<{ rate: Measured; rss: Measured }> => {
  const why = kind === 'postgres' ? pgMissingReason() : undefined;
  if (why !== undefined) return { rate: missing(why), rss: missing(why) };
  const rates: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const db = await freshDb(kind);
    try {
      const r = await runSeed(db, accounts);
      log(`seed [${kind}] run ${i + 1}: ${accounts} accounts in ${r.seconds} s`);
      rates.push(Math.round(r.accounts / r.seconds));
      rss.push(Math.round(r.peakRssMiB));
    } finally {
      await db.drop();
    }
  }
  return { rate: measured(rates), rss: measured(rss) };
};

export const seedCase: BenchCase = {
  name: 'seed',
  title: 'Bulk loading (folio seed)',
  run: async (ctx) => {
    const accounts = ctx.quick ? 200 : 100_000;
    const runs = ctx.quick ? 1 : ctx.runs;
    const rows: ResultRow[] = [];
    for (const kind of ['sqlite', 'postgres'] as const) {
      ctx.log(`seed: ${runs} × ${accounts} accounts on ${kind}`);
      const m = await measure(kind, accounts, runs, ctx.log);
      rows.push(
        {
          id: `${kind}.rate`,
          label: `folio seed --accounts ${accounts.toLocaleString('en-US')}, ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
          unit: 'accounts/s',
          better: 'higher',
          // Issue 7 item 5 (not a DESIGN.md target): 100,000 accounts in < 60 s on SQLite.
          target: kind === 'sqlite' ? '≥ 1,667 accounts/s (100,000 in < 60 s)' : '—',
          folio: m.rate,
        },
        {
          id: `${kind}.rss`,
          label: `folio seed peak RSS, ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
          unit: 'MiB',
          better: 'lower',
          target: '—',
          folio: m.rss,
        },
      );
    }
    return {
      method: [
        `A real \`folio seed --accounts ${accounts} --json\` process on a fresh database per run (SQLite file in a temp dir; PostgreSQL: a new database on FOLIO_BENCH_PG_URL); accounts/s = accounts ÷ the seconds the command reports (catalog + accounts + contacts + subscriptions + charges, transactions of 1,000 accounts, migrations excluded).`,
        'Peak RSS: the highest VmRSS of the process sampled every 50 ms.',
      ],
      rows,
    };
  },
};
