/**
 * API latency and throughput (issue 6; DESIGN.md "Performance targets"): each operation at a
 * fixed 1,000 req/s (p50, p99) and at max (req/s), against a real `folio serve` and against
 * Prism mocking Zuora's OpenAPI for the same operation, interleaved run by run.
 */
import type { BenchCase, BenchContext } from '../lib/case.ts';
import { runLoad, type LoadResult, type LoadTarget } from '../lib/load.ts';
import { measured, missing, type Measured, type ResultRow } from '../lib/results.ts';
import { getToken, request, tokenForm } from '../lib/seed.ts';
import { startFolio, startPrism, type BenchServer } from '../lib/servers.ts';

type Prepared = LoadTarget | { missing: string };

/** An operation the case can load: how to seed and address it on Folio and on the peer. */
export interface ApiOperation {
  id: string;
  label: string;
  /** DESIGN.md targets for the p99 at 1,000 req/s and for max throughput ('—' when none). */
  targets: { p99: string; max: string };
  prepare(server: BenchServer, kind: 'folio' | 'peer'): Promise<Prepared>;
}

const notImplemented = (what: string, status: number, text: string): { missing: string } => ({
  missing: `route not implemented yet (${what}: HTTP ${status} ${text.slice(0, 60)})`,
});

/** Probes the prepared request once: anything but a 2xx makes the sub-case missing. */
const probe = async (
  server: BenchServer,
  t: LoadTarget,
  what: string,
  kind: 'folio' | 'peer',
): Promise<Prepared> => {
  const path = new URL(t.url).pathname;
  const res = await fetch(t.url, {
    method: t.method,
    headers: t.headers ?? {},
    ...(t.body === undefined ? {} : { body: t.body }),
  });
  const text = await res.text();
  if (res.status >= 200 && res.status < 300) return t;
  if (kind === 'folio' && (res.status === 404 || res.status === 401 || res.status === 405))
    return notImplemented(`${t.method} ${path}`, res.status, text);
  return {
    missing: `${what} on ${server.name} answered HTTP ${res.status}: ${text.slice(0, 120)}`,
  };
};

/** `POST /oauth/token` with the bench client. */
export const tokenOperation: ApiOperation = {
  id: 'oauth-token',
  label: 'POST /oauth/token',
  targets: { p99: '—', max: '—' },
  prepare: async (server, kind) =>
    probe(
      server,
      {
        url: `${server.url}/oauth/token`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: tokenForm().toString(),
      },
      'POST /oauth/token',
      kind,
    ),
};

/**
 * A GET of one seeded object. On Folio the object is created through the API first (a 404 or
 * 401 there means the route is not built yet, reported as missing, never faked); Prism is a
 * stateless mock, so any key works and it needs only a bearer token to be present.
 */
const getOperation = (o: {
  id: string;
  label: string;
  targets: { p99: string; max: string };
  create: { path: string; body: unknown; key: (body: unknown) => unknown };
  path: (key: string) => string;
}): ApiOperation => ({
  id: o.id,
  label: o.label,
  targets: o.targets,
  prepare: async (server, kind) => {
    const headers: Record<string, string> = {};
    let key = 'bench0000000000000000000000000001';
    if (kind === 'peer') headers.authorization = 'Bearer bench-token';
    else {
      const token = await getToken(server.url);
      headers.authorization = `Bearer ${token}`;
      const res = await request(server.url, 'POST', o.create.path, { token, body: o.create.body });
      if (res.status === 404 || res.status === 401 || res.status === 405)
        return notImplemented(`POST ${o.create.path}`, res.status, res.text);
      const k = o.create.key(res.body);
      if (res.status !== 200 || typeof k !== 'string')
        return {
          missing: `seeding through POST ${o.create.path} failed: HTTP ${res.status} ${res.text.slice(0, 120)}`,
        };
      key = k;
    }
    return probe(
      server,
      { url: `${server.url}${o.path(encodeURIComponent(key))}`, method: 'GET', headers },
      o.label,
      kind,
    );
  },
});

/** `GET /v1/bill-runs/{billRunId}`: the DESIGN.md API target (≥ 10,000 req/s, p99 < 5 ms). */
export const getBillRunOperation = getOperation({
  id: 'get-bill-run',
  label: 'GET /v1/bill-runs/{billRunId}',
  targets: { p99: '< 5 ms', max: '≥ 10,000 req/s and ≥ 10× Prism' },
  // CONTRACT C3.2.1: an ad hoc run needs `targetDate` and `batches` (or filters).
  create: {
    path: '/v1/bill-runs',
    body: { batches: ['AllBatches'], targetDate: '2026-03-31' },
    key: (b) => (b as { id?: unknown } | undefined)?.id,
  },
  path: (k) => `/v1/bill-runs/${k}`,
});

/** `GET /v1/accounts/{account-key}`, seeded with the minimal account of CONTRACT "Accounts". */
export const getAccountOperation = getOperation({
  id: 'get-account',
  label: 'GET /v1/accounts/{account-key}',
  targets: { p99: '—', max: '—' },
  create: {
    path: '/v1/accounts',
    body: {
      name: 'Bench account',
      currency: 'USD',
      billToContact: { firstName: 'Bench', lastName: 'User' },
    },
    key: (b) => (b as { accountNumber?: unknown } | undefined)?.accountNumber,
  },
  path: (k) => `/v1/accounts/${k}`,
});

/** Sizes of the load runs: full runs and the `--quick` smoke run. */
const sizes = (quick: boolean) =>
  quick
    ? { warmupSec: 0, durationSec: 0.5, fixedRate: 200, fixedConnections: 5, maxConnections: 10 }
    : { warmupSec: 3, durationSec: 5, fixedRate: 1000, fixedConnections: 10, maxConnections: 20 };

/** Turns the runs of one measure into a figure, or missing when responses were not 2xx. */
const judge = (
  runs: LoadResult[],
  pick: (r: LoadResult) => number,
  fixedRate?: number,
): Measured => {
  for (const [i, r] of runs.entries()) {
    const bad = r.non2xx + r.errors;
    if (r.requests === 0) return missing(`run ${i + 1} got no response`);
    if (bad > r.requests * 0.01)
      return missing(
        `run ${i + 1}: ${r.non2xx} non-2xx responses and ${r.errors} errors of ${r.requests}`,
      );
  }
  const notes: string[] = [];
  const bad = runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
  if (bad > 0) notes.push(`${bad} non-2xx/errors`);
  if (fixedRate !== undefined) {
    const low = Math.min(...runs.map((r) => r.reqPerSec));
    if (low < fixedRate * 0.9) notes.push(`achieved only ${Math.round(low)} req/s`);
  }
  return measured(runs.map(pick), notes.length === 0 ? undefined : notes.join(', '));
};

interface Side {
  server?: BenchServer;
  failure?: string;
}

const start = async (make: () => Promise<BenchServer>): Promise<Side> => {
  try {
    return { server: await make() };
  } catch (e) {
    return { failure: `could not start: ${(e as Error).message.split('\n')[0]!.slice(0, 200)}` };
  }
};

/** The API case over the given operations (the operation is the case's parameter). */
export const apiCase = (operations: readonly ApiOperation[]): BenchCase => ({
  name: 'api',
  title: 'API',
  run: async (ctx: BenchContext) => {
    const s = sizes(ctx.quick);
    // Started together (start-up is not measured here) so they are both up sooner.
    const [folio, prism] = await Promise.all([
      start(() => startFolio()),
      start(() => startPrism()),
    ]);
    const rows: ResultRow[] = [];
    try {
      for (const op of operations) {
        const prep = async (side: Side, kind: 'folio' | 'peer'): Promise<Prepared> =>
          side.server === undefined ? { missing: side.failure! } : op.prepare(side.server, kind);
        const targets = { folio: await prep(folio, 'folio'), peer: await prep(prism, 'peer') };
        const fixed: Record<'folio' | 'peer', LoadResult[]> = { folio: [], peer: [] };
        const max: Record<'folio' | 'peer', LoadResult[]> = { folio: [], peer: [] };
        for (const side of ['folio', 'peer'] as const) {
          const t = targets[side];
          if ('missing' in t || s.warmupSec === 0) continue;
          ctx.log(`${op.id} ${side}: warm-up`);
          await runLoad(t, { durationSec: s.warmupSec, connections: s.maxConnections });
        }
        // Interleaved (Folio, peer, Folio, …) so drift of the machine hits both alike.
        for (let i = 0; i < ctx.runs; i++) {
          for (const side of ['folio', 'peer'] as const) {
            const t = targets[side];
            if ('missing' in t) continue;
            ctx.log(`${op.id} ${side}: run ${i + 1}/${ctx.runs}`);
            fixed[side].push(
              await runLoad(t, {
                durationSec: s.durationSec,
                connections: s.fixedConnections,
                rate: s.fixedRate,
              }),
            );
            max[side].push(
              await runLoad(t, { durationSec: s.durationSec, connections: s.maxConnections }),
            );
          }
        }
        const result = (side: 'folio' | 'peer', which: 'p50' | 'p99' | 'max'): Measured => {
          const t = targets[side];
          if ('missing' in t) return missing(t.missing);
          if (which === 'max') return judge(max[side], (r) => r.reqPerSec);
          return judge(fixed[side], (r) => (which === 'p50' ? r.p50Ms : r.p99Ms), s.fixedRate);
        };
        const peerName = prism.server?.name ?? 'Prism';
        const rate = s.fixedRate.toLocaleString('en-US');
        for (const which of ['p50', 'p99', 'max'] as const) {
          rows.push({
            id: `${op.id}.${which}`,
            label:
              which === 'max'
                ? `${op.label}, max throughput (${s.maxConnections} connections)`
                : `${op.label}, ${which} latency at ${rate} req/s`,
            unit: which === 'max' ? 'req/s' : 'ms',
            better: which === 'max' ? 'higher' : 'lower',
            target: which === 'p50' ? '—' : op.targets[which],
            folio: result('folio', which),
            peer: { name: peerName, result: result('peer', which) },
          });
        }
      }
    } finally {
      await folio.server?.stop();
      await prism.server?.stop();
    }
    return {
      method: [
        `autocannon in the bench process; per operation a ${s.warmupSec} s warm-up at max, then ${ctx.runs} interleaved runs of ${s.durationSec} s each at a fixed ${s.fixedRate} req/s (${s.fixedConnections} connections; p50/p99 in whole ms, HdrHistogram) and at max (${s.maxConnections} connections, pipelining 1).`,
        'Folio: `folio serve` on SQLite in a fresh temp dir, logs at warn, **rate and concurrency limits raised** to their configuration maximum for the run (FOLIO_RATE_LIMIT_PER_MINUTE/_PER_HOUR/_PER_DAY, FOLIO_CONCURRENCY_LIMIT/_HIGH_VOLUME), since CONTRACT C1.11 defaults would answer 429.',
        "GETs read one object seeded through Folio's own API with a bearer token from POST /oauth/token; an operation whose route Folio does not have yet is reported missing, not faked.",
        `Peer: Prism (@stoplight/prism-cli) \`mock\` (static examples, request validation on, logs at warn) serving test/fixtures/zuora-openapi/zuora-openapi-subset.yaml trimmed at bench time to the benched operations and what they reference (bench/lib/openapi-trim.ts; the whole subset takes Prism many seconds to load); it keeps no state, so GETs use any key with a dummy bearer token. Both get the same /oauth/token body (Zuora's sample 36-character client_id, which the spec requires).`,
        'A measure with more than 1 % non-2xx responses or connection errors in any run is reported missing with the counts.',
      ],
      rows,
    };
  },
});
