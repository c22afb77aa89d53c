/**
 * Cold start (DESIGN.md target: < 1 s to first response): process spawn → first answer on
 * `GET /healthz` and → first 200 on `POST /oauth/token`, for Folio on a fresh SQLite database
 * (migrations and demo tenant included) and for Prism loading Zuora's OpenAPI subset.
 */
import type { BenchCase } from '../lib/case.ts';
import { measured, missing, type Measured, type ResultRow } from '../lib/results.ts';
import { tokenForm } from '../lib/seed.ts';
import {
  freePort,
  prismVersion,
  spawnFolio,
  spawnPrism,
  type BenchServer,
} from '../lib/servers.ts';

interface StartTimes {
  firstMs: number;
  firstStatus: number;
  tokenMs: number;
}

const LIMIT_MS = 120_000;

/** Polls `make` every 5 ms until it resolves; rejects after LIMIT_MS or when `dead()` says so. */
const until = async <T>(
  t0: number,
  dead: () => string | undefined,
  make: () => Promise<T | undefined>,
): Promise<T> => {
  for (;;) {
    const reason = dead();
    if (reason !== undefined) throw new Error(reason);
    if (performance.now() - t0 > LIMIT_MS) throw new Error(`no answer within ${LIMIT_MS / 1000} s`);
    try {
      const v = await make();
      if (v !== undefined) return v;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** Spawns one server and times its first answers; always stops it. */
const timeStart = async (
  spawnIt: (port: number) => { ready: Promise<BenchServer> },
): Promise<StartTimes> => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const { ready } = spawnIt(port);
  let failure: string | undefined;
  ready.catch((e: unknown) => {
    failure = (e as Error).message.split('\n')[0]!.slice(0, 200);
  });
  try {
    const first = await until(
      t0,
      () => failure,
      async () => {
        const res = await fetch(`${base}/healthz`);
        await res.arrayBuffer();
        return { ms: performance.now() - t0, status: res.status };
      },
    );
    const tokenMs = await until(
      t0,
      () => failure,
      async () => {
        const res = await fetch(`${base}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: tokenForm().toString(),
        });
        await res.arrayBuffer();
        return res.status === 200 ? performance.now() - t0 : undefined;
      },
    );
    return { firstMs: first.ms, firstStatus: first.status, tokenMs };
  } finally {
    const s = await ready.catch(() => undefined);
    await s?.stop();
  }
};

const summarise = (
  times: StartTimes[],
  error: string | undefined,
): { first: Measured; token: Measured } => {
  if (error !== undefined) return { first: missing(error), token: missing(error) };
  const statuses = [...new Set(times.map((t) => t.firstStatus))];
  const all200 = statuses.length === 1 && statuses[0] === 200;
  const first = measured(
    times.map((t) => t.firstMs),
    all200
      ? undefined
      : `no /healthz yet (HTTP ${statuses.join('/')}): time to the first response of any kind`,
  );
  return { first, token: measured(times.map((t) => t.tokenMs)) };
};

const measure = async (
  runs: number,
  spawnIt: (port: number) => { ready: Promise<BenchServer> },
): Promise<{ first: Measured; token: Measured }> => {
  const times: StartTimes[] = [];
  try {
    for (let i = 0; i < runs; i++) times.push(await timeStart(spawnIt));
    return summarise(times, undefined);
  } catch (e) {
    return summarise([], `could not start: ${(e as Error).message}`);
  }
};

export const coldStartCase: BenchCase = {
  name: 'cold-start',
  title: 'Cold start',
  run: async (ctx) => {
    // One unmeasured start of each warms the OS file cache, as any second start would be.
    const runs = ctx.quick ? 1 : 5;
    if (!ctx.quick) {
      await measure(1, (p) => spawnFolio(p));
      await measure(1, (p) => spawnPrism(p));
    }
    ctx.log(`cold-start: ${runs} starts of Folio and of Prism`);
    const folio = await measure(runs, (p) => spawnFolio(p));
    const peer = await measure(runs, (p) => spawnPrism(p));
    const peerName = `Prism ${prismVersion() ?? '(not installed)'}`;
    const rows: ResultRow[] = [
      {
        id: 'first-response',
        label: 'spawn → first response on GET /healthz',
        unit: 'ms',
        better: 'lower',
        target: '< 1,000 ms',
        folio: folio.first,
        peer: { name: peerName, result: peer.first },
      },
      {
        id: 'first-token',
        label: 'spawn → first 200 on POST /oauth/token',
        unit: 'ms',
        better: 'lower',
        target: '< 1,000 ms',
        folio: folio.token,
        peer: { name: peerName, result: peer.token },
      },
    ];
    return {
      method: [
        `${runs} starts each (after one unmeasured start of each to warm the file cache); the clock starts just before spawn and polls every 5 ms over a new connection.`,
        'Folio: `node src/main.ts serve` on a fresh SQLite database each time, so migrations and the demo tenant are part of the time. Prism: `prism mock` loading the Zuora OpenAPI subset trimmed to the three benched operations (its start with the whole 366 KB subset is much slower, so this favours Prism).',
        'Where /healthz does not answer 200 (not built yet), the figure is the first response of any kind, as its note says.',
      ],
      rows,
    };
  },
};
