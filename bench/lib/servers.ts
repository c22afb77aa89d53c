/**
 * Spawning the processes a bench measures: a real `folio serve` (through test/server.ts, the
 * same launcher the end-to-end tests use) and peers such as Prism, each on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { startServer, type RunningServer } from '../../test/server.ts';
import { writeTrimmedSpec, type KeptOperation } from './openapi-trim.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * The OAuth client every API bench uses, for Folio (as its demo client) and Prism alike. Zuora's
 * spec requires a 36-character `client_id` (createToken in zuora-openapi-subset.yaml), which
 * Prism enforces, so the pair is the one of Zuora's own curl sample in that operation.
 */
export const BENCH_CLIENT = {
  clientId: 'b64e42ba-7e1a-4bc6-9146-5e1b420306b5',
  clientSecret: 'dOFENLWU193EEoEsWjPZrcjLKVr5OrN1HC9Kqg',
} as const;

/**
 * Limits raised for load cases: CONTRACT C1.11's defaults (50,000 requests/min, concurrency
 * 40) would turn a max-throughput run into 429s. Every value is the configuration maximum.
 */
export const RAISED_LIMITS: Record<string, string> = {
  FOLIO_RATE_LIMIT_PER_MINUTE: '1000000000',
  FOLIO_RATE_LIMIT_PER_HOUR: '10000000000',
  FOLIO_RATE_LIMIT_PER_DAY: '100000000000',
  FOLIO_CONCURRENCY_LIMIT: '100000',
  FOLIO_CONCURRENCY_LIMIT_HIGH_VOLUME: '100000',
};

/** A server process under measurement: its base URL, pid and a way to stop it. */
export interface BenchServer {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (closed again before returning; a tiny race is accepted). */
export const freePort = async (): Promise<number> =>
  new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => res(port));
    });
  });

/** Environment of a benched Folio: bench client as demo client, raised limits, warn logs. */
export const folioEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  FOLIO_DEMO_CLIENT_ID: BENCH_CLIENT.clientId,
  FOLIO_DEMO_CLIENT_SECRET: BENCH_CLIENT.clientSecret,
  FOLIO_LOG_LEVEL: 'warn',
  ...RAISED_LIMITS,
  ...extra,
});

const asBench = (name: string, s: RunningServer): BenchServer => ({
  name,
  url: s.url,
  pid: s.child.pid!,
  stop: async () => {
    await s.stop();
    rmSync(s.dir, { recursive: true, force: true });
  },
});

/** Starts `folio serve` (SQLite in a fresh temp dir) and resolves once it listens. */
export const startFolio = async (extra: Record<string, string> = {}): Promise<BenchServer> =>
  asBench('Folio', await startServer(folioEnv(extra)));

/**
 * Starts Folio without waiting: the process is spawned before this returns (startServer spawns
 * synchronously), so cold-start timing can begin at the call. `ready` resolves once it listens.
 */
export const spawnFolio = (
  port: number,
  extra: Record<string, string> = {},
): { ready: Promise<BenchServer> } => ({
  ready: startServer(folioEnv({ FOLIO_PORT: String(port), ...extra })).then((s) =>
    asBench('Folio', s),
  ),
});

const PRISM_PKG = resolve(ROOT, 'node_modules/@stoplight/prism-cli');

/** Version of the installed Prism CLI, or undefined when it is not installed. */
export const prismVersion = (): string | undefined => {
  try {
    return (
      JSON.parse(readFileSync(resolve(PRISM_PKG, 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return undefined;
  }
};

/** Zuora's OpenAPI subset (copied from the spec; see its README for the source). */
export const ZUORA_SPEC = resolve(ROOT, 'test/fixtures/zuora-openapi/zuora-openapi-subset.yaml');

/** The operations benched against Prism; Prism is given only these (bench/lib/openapi-trim.ts). */
export const PRISM_OPERATIONS: readonly KeptOperation[] = [
  { path: '/oauth/token', method: 'post' },
  { path: '/v1/bill-runs/{billRunId}', method: 'get' },
  { path: '/v1/accounts/{account-key}', method: 'get' },
];

let trimmed: string | undefined;
/** The Zuora subset trimmed to PRISM_OPERATIONS, generated once per bench process. */
export const prismSpec = (): string => (trimmed ??= writeTrimmedSpec(ZUORA_SPEC, PRISM_OPERATIONS));

const waitExit = (child: ChildProcess): Promise<void> =>
  new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) res();
    else child.once('exit', () => res());
  });

/**
 * Spawns Prism in mock mode (static examples, request validation on, logs at `warn` like the
 * benched Folio) on the given port. Returns at once; `ready` resolves when Prism says it listens
 * and rejects with Prism's own output when it cannot start.
 */
export const spawnPrism = (port: number, spec = prismSpec()): { ready: Promise<BenchServer> } => {
  const child = spawn(
    process.execPath,
    [
      resolve(PRISM_PKG, 'dist/index.js'),
      'mock',
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-v',
      'warn',
      spec,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  // Keep only the tail: a long load run must not grow the bench's own memory.
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-16_384);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await waitExit(child);
  };
  const ready = new Promise<BenchServer>((res, rej) => {
    const timer = setTimeout(() => {
      void stop();
      rej(new Error(`Prism did not start within 120 s: ${out.slice(-500)}`));
    }, 120_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      rej(new Error(`Prism could not be spawned: ${e.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`Prism exited with ${String(code)}: ${out.slice(-500).trim()}`));
    });
    // At `-v warn` Prism prints nothing on start, so readiness is probed over HTTP.
    const probe = (): void => {
      fetch(`http://127.0.0.1:${port}/`)
        .then(() => {
          clearTimeout(timer);
          res({
            name: `Prism ${prismVersion() ?? ''}`.trim(),
            url: `http://127.0.0.1:${port}`,
            pid: child.pid!,
            stop,
          });
        })
        .catch(() => {
          if (child.exitCode === null) setTimeout(probe, 25);
        });
    };
    probe();
  });
  return { ready };
};

/** Starts Prism and resolves once it answers HTTP. */
export const startPrism = async (): Promise<BenchServer> => spawnPrism(await freePort()).ready;
