/**
 * Spawns a real `folio serve` process on 127.0.0.1 with a free port and a temporary data
 * directory, for end-to-end tests and the bench.
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

/** How long a server may take to print its address (generous: CI machines can be loaded). */
const START_TIMEOUT_MS = 60_000;

/** Starts `node src/main.ts serve` and resolves once it prints its address. */
export const startServer = async (
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<RunningServer> => {
  const dir = env.FOLIO_TEST_DIR ?? mkdtempSync(join(tmpdir(), 'folio-e2e-'));
  const child = spawn(process.execPath, [join(ROOT, 'src/main.ts'), 'serve', ...args], {
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
  const url = await new Promise<string>((res, rej) => {
    // A server that has not listened in time is killed, never left running: an orphaned child
    // keeps the parent's pipes open and the calling test or bench would never exit (seen in CI's
    // bench --quick with a machine loaded to 20).
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`server did not start in ${String(START_TIMEOUT_MS)} ms:\n${out}`));
    }, START_TIMEOUT_MS);
    const check = (): void => {
      const m = /Folio listening on (http:\/\/[^\s]+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        res(m[1]!);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${String(code)}:\n${out}`));
    });
  });
  return {
    url,
    dir,
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
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
