/**
 * Bad input on every route (issue 11, docs/reliability.md): fast-check builds requests from the
 * routes' own schemas (the OpenAPI document Fastify makes of them, so a new route is fuzzed
 * without touching this file) and mutates them — wrong types, missing and extra fields, huge
 * strings, deep JSON, invalid UTF-8, numbers out of range, impossible dates, odd headers,
 * malformed and oversized gzip, wrong content types. The property, for every case: never a 5xx,
 * a refusal has its surface's error body (CONTRACT C1–C2), and a refusal changes nothing (row
 * counts and a checksum of every table are the same before and after).
 *
 * Seeded: FOLIO_FUZZ_SEED replays a run, FOLIO_FUZZ_RUNS sets the cases per route.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { forEachDb, seedTenant, tokenFor } from './harness.ts';
import { startServer } from './server.ts';
import { assertErrorShape, listOperations, type Operation } from './fuzz-routes.ts';

const RUNS = Number(process.env.FOLIO_FUZZ_RUNS ?? '20');
const SEED = Number(process.env.FOLIO_FUZZ_SEED ?? String(Date.now() % 2_147_483_647));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = Record<string, unknown>;

/** A value of the schema's shape (enough of JSON Schema for TypeBox's output). */
const valueOf = (s: Schema | undefined, depth = 0): fc.Arbitrary<Json> => {
  if (s === undefined || depth > 6) return fc.constant(null);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as Json[]));
  if ('const' in s) return fc.constant(s.const as Json);
  const alts = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (alts !== undefined && alts.length > 0)
    return fc.oneof(...alts.map((a) => valueOf(a, depth + 1)));
  const type = Array.isArray(s.type) ? (s.type[0] as string) : (s.type as string | undefined);
  switch (type ?? 'object') {
    case 'string': {
      if (s.format === 'date') return fc.constantFrom('2026-03-01', '2026-02-28', '2025-12-31');
      if (s.format === 'date-time') return fc.constant('2026-03-01T00:00:00Z');
      const max = Math.min(Number(s.maxLength ?? 40), 40);
      const min = Math.min(Number(s.minLength ?? 0), max);
      return fc.string({ minLength: min, maxLength: max });
    }
    case 'integer':
      return fc.integer({
        min: Number(s.minimum ?? -1000),
        max: Number(s.maximum ?? 1000),
      });
    case 'number':
      return fc.double({
        min: Number(s.minimum ?? -1e6),
        max: Number(s.maximum ?? 1e6),
        noNaN: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueOf(s.items as Schema | undefined, depth + 1), { maxLength: 3 });
    case 'object':
    default: {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set((s.required ?? []) as string[]);
      const rec: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, v] of Object.entries(props)) rec[k] = valueOf(v, depth + 1);
      return fc.record(rec, {
        requiredKeys: Object.keys(props).filter((k) => required.has(k)),
      }) as fc.Arbitrary<Json>;
    }
  }
};

const deep = (n: number): Json => {
  let v: Json = 1;
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

/** Values that are wrong almost anywhere. */
const hostile: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    -1,
    0,
    1e308,
    -1e308,
    2 ** 53 + 1,
    1.5,
    '',
    '2026-02-30',
    '2026-13-01',
    '0000-00-00',
    '9999-12-31T25:61:61Z',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '\uD800',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    "' OR 1=1 --",
    '{"a":1}',
    'NaN',
    '-0',
    '1e400',
    [],
    {},
    { $ref: '#' },
    { __proto__: { polluted: 1 } } as unknown as Json,
    { constructor: { prototype: { polluted: 1 } } },
  ),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.constant('x'.repeat(100_000)),
  fc.constant(deep(64)),
);

interface Req {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  label: string;
}

const fillPath = (op: Operation, params: Record<string, string>): string =>
  op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));

/** A request for `op`, then one mutation of it; `label` names the mutation (for the report). */
const requestOf = (op: Operation, auth: Record<string, string>): fc.Arbitrary<Req> => {
  const pathParams = fc.record(
    Object.fromEntries(
      op.pathParams.map((p) => [
        p,
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom('..', '%2e%2e', 'a/b', '0', '-1', 'A00000001', 'x'.repeat(600)),
          fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }),
        ),
      ]),
    ),
  );
  const query = fc.dictionary(
    fc.constantFrom(...op.queryParams, 'page', 'pageSize', 'fields', 'zzz'),
    fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('-1', '0', '41', '1e9', '[]', '%ff')),
    { maxKeys: 3 },
  );
  const body = op.body === undefined ? fc.constant(undefined) : valueOf(op.body);
  const mutation = fc.constantFrom(
    'valid',
    'wrong-type',
    'missing-field',
    'extra-field',
    'hostile-field',
    'huge-string',
    'deep-json',
    'invalid-utf8',
    'not-json',
    'bad-gzip',
    'gzip-bomb',
    'content-type',
    'odd-headers',
  );
  return fc
    .tuple(pathParams, query, body, mutation, hostile, fc.string({ minLength: 1, maxLength: 12 }))
    .map(([pp, q, b, m, bad, key]): Req => {
      const qs = new URLSearchParams(q).toString();
      const url = fillPath(op, pp) + (qs === '' ? '' : `?${qs}`);
      const headers: Record<string, string> = { ...auth };
      let value: Json | undefined = b === undefined ? undefined : structuredClone(b);
      const obj =
        value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
      const keys = obj === undefined ? [] : Object.keys(obj);
      const pick = keys[key.length % Math.max(1, keys.length)];
      let raw: string | Buffer | undefined;
      switch (m) {
        case 'wrong-type':
          if (obj !== undefined && pick !== undefined)
            obj[pick] = typeof obj[pick] === 'string' ? 12345 : 'not-a-number';
          else value = 'string-instead-of-object';
          break;
        case 'missing-field':
          if (obj !== undefined && pick !== undefined) delete obj[pick];
          break;
        case 'extra-field':
          if (obj !== undefined) obj[`zz${key}`] = bad;
          break;
        case 'hostile-field':
          if (obj !== undefined && pick !== undefined) obj[pick] = bad;
          else value = bad;
          break;
        case 'huge-string':
          if (obj !== undefined && pick !== undefined) obj[pick] = 'é'.repeat(200_000);
          else value = 'x'.repeat(200_000);
          break;
        case 'deep-json':
          raw = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
          break;
        case 'invalid-utf8':
          raw = Buffer.concat([
            Buffer.from('{"name":"'),
            Buffer.from([0xc3, 0x28, 0xff]),
            Buffer.from('"}'),
          ]);
          break;
        case 'not-json':
          raw = `{"a":${key}`;
          break;
        case 'bad-gzip':
          headers['content-encoding'] = 'gzip';
          raw = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5]);
          break;
        case 'gzip-bomb':
          headers['content-encoding'] = 'gzip';
          raw = gzipSync(Buffer.from(`{"a":"${'0'.repeat(11 * 1024 * 1024)}"}`));
          break;
        case 'content-type':
          headers['content-type'] = [
            'text/plain',
            'application/xml',
            'multipart/form-data; boundary=x',
            'application/json; charset=latin1',
            'image/png',
          ][key.length % 5]!;
          raw = JSON.stringify(value ?? {});
          break;
        case 'odd-headers': {
          const odd: [string, string][] = [
            ['zuora-version', ['2026-02-30', 'abc', '1.0', '9999-99-99', ''][key.length % 5]!],
            ['zuora-entity-ids', ['not-a-uuid', 'a,b', 'x'.repeat(300)][key.length % 3]!],
            ['zuora-track-id', 'bad:track;"'],
            ['idempotency-key', 'k'.repeat(300)],
            ['accept-encoding', 'br;q=2, *;q=-1'],
            ['authorization', `Bearer ${'A'.repeat(5000)}`],
          ];
          const [h, v] = odd[key.length % odd.length]!;
          headers[h] = v;
          break;
        }
        case 'valid':
          break;
      }
      const method = op.method.toUpperCase();
      if (raw === undefined && value !== undefined && method !== 'GET' && method !== 'DELETE')
        raw = JSON.stringify(value);
      if (raw !== undefined && headers['content-type'] === undefined)
        headers['content-type'] =
          op.path === '/oauth/token' ? 'application/x-www-form-urlencoded' : 'application/json';
      return {
        method,
        url,
        headers,
        ...(raw === undefined ? {} : { payload: raw }),
        label: m,
      };
    });
};

/** Row counts and a digest of every table's rows: what a refused request must not change. */
const snapshot = async (db: Kysely<never>, dialect: string): Promise<string> => {
  const tables =
    dialect === 'postgres'
      ? (
          await sql<{
            t: string;
          }>`select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`.execute(
            db,
          )
        ).rows
      : (
          await sql<{
            t: string;
          }>`select name as t from sqlite_master where type = 'table' and name not like 'sqlite_%' order by 1`.execute(
            db,
          )
        ).rows;
  // Request bookkeeping that every request may touch is not state a refusal could change.
  const names = tables
    .map((r) => r.t)
    .filter((t) => t !== 'rate_limits' && t !== 'rate_limit_windows');
  if (dialect === 'postgres') {
    // One round trip: each table's row count and an md5 of its rows in a fixed order.
    const q = names
      .map(
        (t) =>
          `select '${t}' as t, count(*)::text as n, coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as d from ${t} x`,
      )
      .join(' union all ');
    const rows = (await sql.raw(q).execute(db)).rows as { t: string; n: string; d: string }[];
    return createHash('sha256')
      .update(rows.map((r) => `${r.t}:${r.n}:${r.d}`).join('\n'))
      .digest('hex');
  }
  const h = createHash('sha256');
  for (const t of names) {
    const rows = (await sql.raw(`select * from ${t}`).execute(db)).rows as object[];
    const lines = rows.map((r) => JSON.stringify(r)).sort();
    h.update(`${t}:${rows.length}:${lines.join('\n')}\n`);
  }
  return h.digest('hex');
};

forEachDb('bad input on every route', (ctx) => {
  // Its own time limit: ~1,000 cases with a database digest around each refusal.
  test(
    `never a 5xx, always the surface's error body, no change on refusal (${RUNS} cases per route)`,
    { timeout: 1_200_000 },
    async () => {
      const { deps, app } = ctx;
      const t = await seedTenant(deps, 'Fuzz');
      const token = await tokenFor(app, t);
      const ops = listOperations(app);
      assert.ok(ops.length >= 40, `found ${ops.length} operations`);
      const db = deps.db.db as unknown as Kysely<never>;
      let cases = 0;
      let state: string | undefined;
      const seen: Record<string, number> = {};
      process.stdout.write(
        `# fuzz seed [${ctx.target.name}]: ${SEED} (replay: FOLIO_FUZZ_SEED=${SEED})\n`,
      );
      for (const op of ops) {
        const auth: Record<string, string> = op.path.startsWith('/folio/')
          ? { authorization: 'Bearer demo-admin' }
          : op.path.startsWith('/oauth/')
            ? {}
            : { authorization: `Bearer ${token}` };
        await fc.assert(
          fc.asyncProperty(requestOf(op, auth), async (req) => {
            // The state before this case: the digest after the previous one (taken once per case).
            const before = state ?? (state = await snapshot(db, deps.db.dialect));
            const res = await app.inject({
              method: req.method as 'GET',
              url: req.url,
              headers: req.headers,
              ...(req.payload === undefined ? {} : { payload: req.payload }),
            });
            cases++;
            seen[req.label] = (seen[req.label] ?? 0) + 1;
            const where = `${req.method} ${req.url.slice(0, 200)} [${req.label}] → ${res.statusCode} ${res.body.slice(0, 300)}`;
            assert.ok(res.statusCode < 500, where);
            const refused = res.statusCode >= 400 || /"success":false/.test(res.body);
            if (refused) {
              assertErrorShape(op.path, res.statusCode, res.body, where);
              assert.equal(await snapshot(db, deps.db.dialect), before, `state changed: ${where}`);
            } else state = undefined;
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        );
      }
      process.stdout.write(
        `# fuzz [${ctx.target.name}]: ${cases} cases over ${ops.length} operations; by mutation ${JSON.stringify(seen)}\n`,
      );
    },
  );
});

test('bad input over real HTTP: malformed framing gets a Zuora-shaped 4xx, never a 5xx', async () => {
  const server = await startServer();
  try {
    const { url } = server;
    const tokenRes = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'demo-client',
        client_secret: 'demo-secret',
      }),
    });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const v = { 'zuora-version': '2024-05-20' };
    const cases: { name: string; init: RequestInit; path: string }[] = [
      {
        name: 'invalid UTF-8 body',
        path: '/v1/bill-runs',
        init: {
          method: 'POST',
          headers: { ...v, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
        },
      },
      {
        name: 'corrupt gzip',
        path: '/v1/bill-runs',
        init: {
          method: 'POST',
          headers: {
            ...v,
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-encoding': 'gzip',
          },
          body: Buffer.from([0x1f, 0x8b, 0x08, 0, 9, 9, 9]),
        },
      },
      {
        name: 'gzip bomb',
        path: '/v1/bill-runs',
        init: {
          method: 'POST',
          headers: {
            ...v,
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-encoding': 'gzip',
          },
          body: gzipSync(Buffer.from(`{"a":"${'0'.repeat(12 * 1024 * 1024)}"}`)),
        },
      },
      {
        name: 'deep JSON',
        path: '/v1/accounts',
        init: {
          method: 'POST',
          headers: { ...v, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`,
        },
      },
      {
        name: 'XML body',
        path: '/v1/accounts',
        init: {
          method: 'POST',
          headers: { ...v, authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
          body: '<a/>',
        },
      },
      {
        name: 'token as JSON',
        path: '/oauth/token',
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"grant_type":"client_credentials"}',
        },
      },
    ];
    for (const c of cases) {
      const res = await fetch(`${url}${c.path}`, c.init);
      const body = await res.text();
      const where = `${c.name}: ${res.status} ${body.slice(0, 200)}`;
      assert.ok(res.status >= 400 && res.status < 500, where);
      assertErrorShape(c.path, res.status, body, where);
    }
  } finally {
    await server.stop();
  }
  assert.ok(!/unhandled error|"level":50/.test(server.output()), server.output());
});
