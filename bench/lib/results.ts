/**
 * Bench results: what a case returns, the JSON file stored per case and day
 * (`bench/results/<yyyy-mm-dd>-<case>.json`), and the REPORT.md / README table built from the
 * latest stored file of each case. Every figure in the report comes from such a file.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineFacts } from './machine.ts';
import { summarize, type Figure } from './stats.ts';

/** A measure that was taken, or the reason it could not be (never silently dropped). */
export type Measured = { figure: Figure; note?: string } | { missing: string };

/** One line of the report: one measure of Folio, its target and its peer. */
export interface ResultRow {
  /** Stable id within the case, e.g. `get-bill-run.max`. */
  id: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** The target from DESIGN.md "Performance targets", or '—' when it sets none. */
  target: string;
  folio: Measured;
  peer?: { name: string; result: Measured };
}

/** What a case's `run` returns. */
export interface CaseOutput {
  /** How the case measured, one sentence each; copied into the report. */
  method: string[];
  rows: ResultRow[];
}

/** The stored result of one case run. */
export interface CaseResult extends CaseOutput {
  case: string;
  title: string;
  startedAt: string;
  durationSec: number;
  /** `--quick` runs are smoke runs: stored apart and never reported. */
  quick: boolean;
  machine: MachineFacts;
}

/** A taken measure from its samples. */
export const measured = (samples: readonly number[], note?: string): Measured =>
  note === undefined ? { figure: summarize(samples) } : { figure: summarize(samples), note };

/** A measure that could not be taken, with the reason. */
export const missing = (reason: string): Measured => ({ missing: reason });

export const isMeasured = (m: Measured): m is { figure: Figure; note?: string } => 'figure' in m;

/** Writes `<dir>/<yyyy-mm-dd>-<case>.json` and returns its path. */
export const writeResult = (dir: string, result: CaseResult): string => {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${result.startedAt.slice(0, 10)}-${result.case}.json`);
  writeFileSync(path, JSON.stringify(result, null, 2) + '\n');
  return path;
};

/** The newest non-quick result of each case found in `dir`. */
export const latestResults = (dir: string): Map<string, CaseResult> => {
  const latest = new Map<string, CaseResult>();
  if (!existsSync(dir)) return latest;
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const r = JSON.parse(readFileSync(join(dir, name), 'utf8')) as CaseResult;
    if (r.quick) continue;
    const seen = latest.get(r.case);
    if (seen === undefined || seen.startedAt < r.startedAt) latest.set(r.case, r);
  }
  return latest;
};

/** 12345.6 → "12,346"; 12.34 → "12.3"; 1.234 → "1.23". */
export const formatNumber = (n: number): string => {
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
};

const cell = (m: Measured, unit: string): string => {
  if (!isMeasured(m)) return `missing: ${m.missing}`;
  const f = m.figure;
  const spread =
    f.runs > 1 ? ` (${formatNumber(f.min)}–${formatNumber(f.max)}, ${f.runs} runs)` : ' (1 run)';
  return `**${formatNumber(f.median)} ${unit}**${spread}${m.note === undefined ? '' : `; ${m.note}`}`;
};

/**
 * Folio's advantage over the peer: Folio/peer when higher is better, peer/Folio when lower is
 * better, so above 1× always means Folio did better.
 */
export const advantage = (row: ResultRow): number | undefined => {
  if (row.peer === undefined || !isMeasured(row.folio) || !isMeasured(row.peer.result))
    return undefined;
  const f = row.folio.figure.median;
  const p = row.peer.result.figure.median;
  if (f <= 0 || p <= 0) return undefined;
  return row.better === 'higher' ? f / p : p / f;
};

const escape = (s: string): string => s.replace(/\|/g, '\\|');

/** The one results table, cases in the given order (others after, by name). */
export const renderTable = (results: Map<string, CaseResult>, order: readonly string[]): string => {
  const names = [
    ...order.filter((n) => results.has(n)),
    ...[...results.keys()].filter((n) => !order.includes(n)).sort(),
  ];
  const lines = [
    '| case | Folio (median, min–max) | target (DESIGN.md) | peer (median, min–max) | Folio advantage |',
    '|---|---|---|---|---|',
  ];
  for (const name of names) {
    const r = results.get(name)!;
    for (const row of r.rows) {
      const peer =
        row.peer === undefined ? '—' : `${row.peer.name}: ${cell(row.peer.result, row.unit)}`;
      const adv = advantage(row);
      lines.push(
        `| ${escape(`${r.title}: ${row.label}`)} | ${escape(cell(row.folio, row.unit))} | ${escape(row.target)} | ${escape(peer)} | ${adv === undefined ? '—' : `${formatNumber(adv)}×`} |`,
      );
    }
  }
  return lines.join('\n');
};

const machineLine = (r: CaseResult): string => {
  const m = r.machine;
  return `${m.cores} cores (${m.cpuModel}), ${formatNumber(m.memoryMiB / 1024)} GiB, ${m.os}, Node ${m.node}, commit ${m.gitCommit.slice(0, 12)}${m.gitDirty ? ' (uncommitted changes)' : ''}, load average ${m.loadAverage.join(' / ')} at start`;
};

/**
 * A warning when any result was measured while the machine was busy (1-minute load average
 * above its core count at the start of the case): other work then depresses every figure.
 */
export const busyWarning = (results: Map<string, CaseResult>): string | undefined => {
  const busy = [...results.values()].filter(
    (r) => (r.machine.loadAverage[0] ?? 0) > r.machine.cores,
  );
  if (busy.length === 0) return undefined;
  const what = busy
    .map((r) => `${r.case} (load ${r.machine.loadAverage[0]} on ${r.machine.cores} cores)`)
    .join(', ');
  return `**Warning: measured on a busy machine** — ${what}. Other processes competed for the CPU, so these figures understate both Folio and its peer; rerun on an idle machine before quoting them.`;
};

/** The whole bench/REPORT.md. */
export const renderReport = (
  results: Map<string, CaseResult>,
  order: readonly string[],
): string => {
  const names = [...results.keys()].sort(
    (a, b) => (order.indexOf(a) + 1 || 1e9) - (order.indexOf(b) + 1 || 1e9) || a.localeCompare(b),
  );
  const parts = [
    '# Folio bench report',
    '',
    'Generated by `npm run bench` from the latest file of each case in `bench/results/` (do not edit by hand).',
    'Each figure is the median of the runs after a warm-up, with the spread (min–max). "Folio advantage" is',
    'Folio/peer when higher is better and peer/Folio when lower is better: above 1× Folio did better.',
    'Peers run on the same machine in the same run as Folio.',
    '',
    ...(busyWarning(results) === undefined ? [] : [busyWarning(results)!, '']),
    renderTable(results, order),
    '',
    '## Method',
    '',
    '- Reproduce with `npm install && npm run bench` (all cases) or `npm run bench -- CASE` (one case); `npm run bench -- --quick` is a smoke run at tiny size whose results are not reported.',
    '- Servers run as separate processes on 127.0.0.1, started by the bench; the load generator (autocannon) runs in the bench process on the same machine, so it shares the cores with the server.',
  ];
  for (const name of names) {
    const r = results.get(name)!;
    parts.push(
      `- **${r.title}** (\`${name}\`, ${r.startedAt}, ${formatNumber(r.durationSec)} s; ${machineLine(r)}):`,
    );
    for (const m of r.method) parts.push(`  - ${m}`);
  }
  return parts.join('\n') + '\n';
};

const START = '<!-- bench:start (generated by npm run bench from bench/results) -->';
const END = '<!-- bench:end -->';

/**
 * Replaces the table between the bench markers of a README; returns false (and leaves the file
 * alone) when the markers are absent.
 */
export const updateReadmeTable = (readmePath: string, table: string): boolean => {
  const text = readFileSync(readmePath, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return false;
  writeFileSync(readmePath, `${text.slice(0, a + START.length)}\n${table}\n${text.slice(b)}`);
  return true;
};

export const README_MARKERS = { start: START, end: END } as const;
