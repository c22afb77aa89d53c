/**
 * `npm run bench [-- --quick] [-- CASE …]`: runs the bench cases of bench/cases.ts, stores each
 * result in bench/results/<yyyy-mm-dd>-<case>.json and regenerates bench/REPORT.md and the
 * README's Performance table from the latest stored result of every case.
 *
 * `--quick` is the CI smoke run (tiny sizes, no speed assertion): its results go to a temp dir
 * and never touch the stored results, the report or the README.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cases } from './cases.ts';
import type { BenchCase } from './lib/case.ts';
import { machineFacts } from './lib/machine.ts';
import {
  busyWarning,
  latestResults,
  renderReport,
  renderTable,
  updateReadmeTable,
  writeResult,
  type CaseResult,
} from './lib/results.ts';

const BENCH = import.meta.dirname;
const RESULTS = join(BENCH, 'results');
const README = resolve(BENCH, '..', 'README.md');

const USAGE = `Usage: npm run bench [-- --quick | --report] [-- CASE …]
Cases: ${cases.map((c) => c.name).join(', ')}`;

const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

/** REPORT.md and the README table from the latest stored result of every case. */
const writeReport = (order: readonly string[]): void => {
  const latest = latestResults(RESULTS);
  writeFileSync(join(BENCH, 'REPORT.md'), renderReport(latest, order));
  const warning = busyWarning(latest);
  const table = renderTable(latest, order) + (warning === undefined ? '' : `\n\n${warning}`);
  const updated = updateReadmeTable(README, table);
  log(`bench/REPORT.md regenerated${updated ? ', README Performance table updated' : ''}`);
};

const main = async (argv: string[]): Promise<number> => {
  const quick = argv.includes('--quick');
  // --report: regenerate REPORT.md and the README table from the stored results, run nothing.
  const reportOnly = argv.includes('--report');
  const unknownFlags = argv.filter((a) => a.startsWith('-') && a !== '--quick' && a !== '--report');
  const names = argv.filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !cases.some((c) => c.name === n));
  if (argv.includes('--help') || unknownFlags.length > 0 || unknown.length > 0) {
    if (unknown.length > 0) process.stderr.write(`Unknown case: ${unknown.join(', ')}\n`);
    if (unknownFlags.some((f) => f !== '--help'))
      process.stderr.write(`Unknown flag: ${unknownFlags.join(', ')}\n`);
    process.stderr.write(`${USAGE}\n`);
    return argv.includes('--help') && unknown.length === 0 && unknownFlags.length === 1 ? 0 : 2;
  }
  const order = cases.map((c) => c.name);
  if (reportOnly) {
    writeReport(order);
    return 0;
  }
  const selected: BenchCase[] =
    names.length === 0 ? [...cases] : cases.filter((c) => names.includes(c.name));
  const outDir = quick ? mkdtempSync(join(tmpdir(), 'folio-bench-quick-')) : RESULTS;
  const ran = new Map<string, CaseResult>();
  let failed = 0;
  for (const c of selected) {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const machine = machineFacts();
    log(`${c.name}: start${quick ? ' (quick)' : ''}`);
    try {
      const out = await c.run({ quick, runs: quick ? 1 : 3, log });
      const result: CaseResult = {
        case: c.name,
        title: c.title,
        startedAt,
        durationSec: (performance.now() - t0) / 1000,
        quick,
        machine,
        ...out,
      };
      ran.set(c.name, { ...result, quick: false });
      log(`${c.name}: done in ${result.durationSec.toFixed(1)} s → ${writeResult(outDir, result)}`);
    } catch (e) {
      failed++;
      log(`${c.name}: FAILED: ${(e as Error).stack ?? String(e)}`);
    }
  }
  process.stdout.write(`\n${renderTable(ran, order)}\n\n`);
  if (!quick && ran.size > 0) writeReport(order);
  else if (quick) log(`quick run: results in ${outDir}, report untouched`);
  return failed === 0 ? 0 : 1;
};

// Exit explicitly: a handle left open by a failed case (a peer that never started, a socket)
// must not keep the bench, and so CI, waiting forever.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
