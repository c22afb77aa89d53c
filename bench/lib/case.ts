/** The contract of a bench case: a file in bench/cases/, listed in bench/cases.ts. */
import type { CaseOutput } from './results.ts';

/** What the runner hands a case. */
export interface BenchContext {
  /** Smoke run at tiny size (CI): every code path, no meaningful figures. */
  quick: boolean;
  /** Measured repetitions per measure, after a warm-up (1 when quick). */
  runs: number;
  /** Progress line on stderr. */
  log(message: string): void;
}

/** A bench case. `run` starts and stops everything it spawns, also when it fails. */
export interface BenchCase {
  /** Name used on the command line and in result file names, e.g. `api`. */
  name: string;
  /** Title shown in the report, e.g. `API latency and throughput`. */
  title: string;
  run(ctx: BenchContext): Promise<CaseOutput>;
}
