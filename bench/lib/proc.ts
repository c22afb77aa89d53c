/**
 * Process memory from /proc (Linux): VmRSS (resident now) and VmHWM (peak resident), in MiB.
 * For a server that forks helpers, `treeRss` sums the RSS of the process and its descendants.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface Rss {
  rssMiB: number;
  hwmMiB: number;
}

const kb = (status: string, field: string): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (m === null) throw new Error(`${field} missing from /proc status`);
  return Number(m[1]);
};

/** RSS and peak RSS of one process; throws when /proc has no such process. */
export const sampleRss = (pid: number): Rss => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssMiB: kb(status, 'VmRSS') / 1024, hwmMiB: kb(status, 'VmHWM') / 1024 };
};

const parentOf = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; ppid is the second field after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
};

/** The pid and every live descendant of it. */
export const processTree = (pid: number): number[] => {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(Number(name));
    if (ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
};

/**
 * Summed RSS and summed peak RSS of a process tree. Sums over-count pages shared between
 * processes, as research/stack-bench.md notes for Chromium; for one process it is exact.
 */
export const treeRss = (pid: number): Rss & { processes: number } => {
  let rssMiB = 0;
  let hwmMiB = 0;
  let processes = 0;
  for (const p of processTree(pid)) {
    try {
      const r = sampleRss(p);
      rssMiB += r.rssMiB;
      hwmMiB += r.hwmMiB;
      processes++;
    } catch {
      // A descendant may exit between listing and reading; it then holds no memory.
    }
  }
  return { rssMiB, hwmMiB, processes };
};

/** Samples a process tree's RSS every `everyMs` until stopped; returns the highest sum seen. */
export const watchPeakRss = (pid: number, everyMs = 50): { stop(): number } => {
  let peak = 0;
  const tick = (): void => {
    try {
      peak = Math.max(peak, treeRss(pid).rssMiB);
    } catch {
      // The process exited; the peak so far stands.
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      tick();
      return peak;
    },
  };
};
