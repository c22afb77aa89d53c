/** Facts about the machine and checkout a result was measured on, stored with every result. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { resolve } from 'node:path';

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryMiB: number;
  os: string;
  node: string;
  gitCommit: string;
  /** True when the working tree had uncommitted changes while measuring. */
  gitDirty: boolean;
  /** 1, 5 and 15 minute load averages when the case started: other work skews figures. */
  loadAverage: number[];
}

const ROOT = resolve(import.meta.dirname, '..', '..');

const git = (args: string[]): string | undefined => {
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
};

/** Reads cores, CPU model, memory, OS, Node version and the git commit (`unknown` outside git). */
export const machineFacts = (): MachineFacts => {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    os: `${platform()} ${release()}`,
    node: process.version,
    gitCommit: git(['rev-parse', 'HEAD']) ?? 'unknown',
    gitDirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
};
