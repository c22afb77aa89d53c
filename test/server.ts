/**
 * Spawns real `folio serve` processes on 127.0.0.1 with a free port and a temporary data
 * directory, and `folio work` processes beside them, for end-to-end tests and the bench.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface RunningServer {
  url: string;
  dir: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const ROOT = resolve(import.meta.dirname, '..');

/** How long a process may take to start (generous: CI machines can be loaded). */
const START_TIMEOUT_MS = 60_000;

/**
 * Spawns `node src/main.ts <command> …args` and resolves with its first match of `ready` in
 * stdout (within 60 s), or rejects with its output when it exits first.
 */
const spawnFolio = async (
  command: 'serve' | 'work',
  ready: RegExp,
  env: Record<string, string>,
  args: string[],
): Promise<{ match: string; dir: string } & Omit<RunningServer, 'url' | 'dir'>> => {
  const dir = env.FOLIO_TEST_DIR ?? mkdtempSync(join(tmpdir(), 'folio-e2e-'));
  const child = spawn(process.execPath, [join(ROOT, 'src/main.ts'), command, ...args], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      FOLIO_PORT: '0',
      FOLIO_LOG_LEVEL: 'warn',
      FOLIO_DB_URL: `sqlite:${join(dir, 'folio.db')}`,
      FOLIO_FILES_URL: `file:${join(dir, 'files')}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const match = await new Promise<string>((res, rej) => {
    // A process that has not started in time is killed, never left running: an orphaned child
    // keeps the parent's pipes open and the calling test or bench would never exit (seen in CI's
    // bench --quick with a machine loaded to 20). Generous: several processes may start at once.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`folio ${command} did not start in ${String(START_TIMEOUT_MS)} ms:\n${out}`));
    }, START_TIMEOUT_MS);
    const check = (): void => {
      const m = ready.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        res(m[1] ?? m[0]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`folio ${command} exited with ${String(code)}:\n${out}`));
    });
  });
  return {
    match,
    dir,
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
};

/** Starts `node src/main.ts serve` and resolves once it prints its address. */
export const startServer = async (
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<RunningServer> => {
  const { match, ...rest } = await spawnFolio(
    'serve',
    /Folio listening on (http:\/\/[^\s]+)/,
    env,
    args,
  );
  return { url: match, ...rest };
};

export type RunningWorker = Omit<RunningServer, 'url'>;

/** Starts `node src/main.ts work` (a job runner without HTTP) and resolves once it runs. */
export const startWorker = async (
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<RunningWorker> => {
  const { match: _ready, ...rest } = await spawnFolio(
    'work',
    /Folio worker running[^\n]*\n/,
    env,
    args,
  );
  return rest;
};

/** Runs `node src/main.ts …args` to completion; returns its exit code and output. */
export const runFolio = async (
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Promise<{ code: number | null; output: string }> => {
  const child = spawn(process.execPath, [join(ROOT, 'src/main.ts'), ...args], {
    cwd: cwd ?? mkdtempSync(join(tmpdir(), 'folio-cli-')),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((res) => child.on('exit', res));
  return { code, output };
};
