/**
 * `npm run soak` (issue 11, docs/reliability.md): a bounded load test on 127.0.0.1 — a real
 * `folio serve` under mixed traffic from autocannon (tokens, reads, bill runs, bulk PDF jobs) at
 * fixed rates the machine holds, for `--duration` seconds (default 300). It fails (exit 1) on any
 * 5xx, any error line in the server's log, or RSS growth after warm-up beyond the bound below.
 *
 *   npm run soak                          5 minutes on SQLite
 *   npm run soak -- --duration 30         the CI form
 *   npm run soak -- --db-url postgres://… on PostgreSQL (an empty database or schema)
 *   --read-rate N                         reads per second (default 150)
 */
import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import autocannon from 'autocannon';
import { startServer } from '../test/server.ts';
import { folioEnv } from './lib/servers.ts';
import { getToken, request, seedMany, tokenForm } from './lib/seed.ts';
import { sampleRss } from './lib/proc.ts';

/** RSS may grow at most this much between the end of warm-up and the end of the run. */
const RSS_GROWTH_BOUND_MIB = 64;
const ACCOUNTS = 40;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '300' },
    'read-rate': { type: 'string', default: '150' },
    'db-url': { type: 'string' },
  },
});
const duration = Number(values.duration);
const readRate = Number(values['read-rate']);
if (!Number.isInteger(duration) || duration < 10) throw new Error('--duration: seconds, >= 10');
// Warm-up: a third of the run, at most a minute; RSS is compared from its end to the end.
const warmup = Math.min(60, Math.floor(duration / 3));

const server = await startServer(
  folioEnv({
    FOLIO_JOB_POLL_INTERVAL_MS: '100',
    FOLIO_PDF_WORKERS: '1',
    ...(values['db-url'] === undefined ? {} : { FOLIO_DB_URL: values['db-url'] }),
  }),
);
const pid = server.child.pid!;
const base = server.url;
const fail = (why: string): never => {
  throw new Error(why);
};

try {
  const token = await getToken(base);
  const auth = { authorization: `Bearer ${token}`, 'zuora-version': '2024-05-20' };
  const post = async (path: string, body: unknown) => {
    const r = await request(base, 'POST', path, { token, body, headers: auth });
    if (r.status !== 200) fail(`seeding ${path}: ${r.status} ${r.text.slice(0, 200)}`);
    return r.body as Record<string, string>;
  };
  const product = await post('/v1/object/product', {
    Name: 'Soak',
    EffectiveStartDate: '2020-01-01',
    EffectiveEndDate: '2099-12-31',
  });
  const plan = await post('/v1/object/product-rate-plan', { Name: 'M', ProductId: product.Id });
  await post('/v1/object/product-rate-plan-charge', {
    Name: 'Fee',
    ProductRatePlanId: plan.Id,
    ChargeType: 'Recurring',
    ChargeModel: 'Flat Fee Pricing',
    BillingPeriod: 'Month',
    BillCycleType: 'DefaultFromCustomer',
    TriggerEvent: 'ContractEffective',
    UseDiscountSpecificAccountingCode: false,
    ProductRatePlanChargeTierData: { ProductRatePlanChargeTier: [{ Currency: 'USD', Price: 30 }] },
  });
  const accounts = await seedMany(ACCOUNTS, 4, (i) =>
    post('/v1/accounts', {
      name: `Soak ${i}`,
      currency: 'USD',
      billCycleDay: 1,
      billToContact: { firstName: 'Ada', lastName: 'Lovelace' },
      subscription: {
        contractEffectiveDate: '2026-01-01',
        termType: 'EVERGREEN',
        subscribeToRatePlans: [{ productRatePlanId: plan.Id }],
      },
      runBilling: true,
      targetDate: '2026-01-01',
    }),
  );
  const firstRun = await post('/v1/bill-runs', {
    batches: ['AllBatches'],
    targetDate: '2026-02-28',
  });

  let n = 0;
  const reads = accounts.flatMap((a) => [
    `/v1/accounts/${a.accountId}`,
    `/v1/invoices/${a.invoiceId}`,
    `/v1/invoices/${a.invoiceId}/files`,
    `/v1/billing-documents?accountId=${a.accountId}`,
  ]);
  reads.push(`/v1/bill-runs/${firstRun.id}`, '/object-query/billing-runs?pageSize=10');
  const load = (o: {
    name: string;
    rate: number;
    connections: number;
    method: 'GET' | 'POST';
    next: () => { path: string; body?: string; headers?: Record<string, string> };
  }) =>
    autocannon({
      url: base,
      connections: o.connections,
      overallRate: o.rate,
      duration,
      requests: [
        {
          method: o.method,
          setupRequest: (req) => {
            const r = o.next();
            return {
              ...req,
              path: r.path,
              headers: { ...auth, ...(r.headers ?? {}) },
              ...(r.body === undefined ? {} : { body: r.body }),
            };
          },
        },
      ],
    }).then((result) => ({ name: o.name, result }));

  const rss: { t: number; mib: number }[] = [];
  const started = Date.now();
  const sampler = setInterval(() => {
    rss.push({ t: (Date.now() - started) / 1000, mib: sampleRss(pid).rssMiB });
  }, 1000);
  const runs = await Promise.all([
    load({
      name: 'reads',
      rate: readRate,
      connections: 8,
      method: 'GET',
      next: () => ({ path: reads[n++ % reads.length]! }),
    }),
    load({
      name: 'token',
      rate: 5,
      connections: 1,
      method: 'POST',
      next: () => ({
        path: '/oauth/token',
        body: tokenForm().toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: '' },
      }),
    }),
    load({
      name: 'bill runs',
      rate: 1,
      connections: 1,
      method: 'POST',
      next: () => ({
        path: '/v1/bill-runs',
        body: JSON.stringify({
          billRunFilters: [
            { accountId: accounts[n++ % accounts.length]!.accountId, filterType: 'Account' },
          ],
          targetDate: '2026-03-31',
        }),
        headers: { 'content-type': 'application/json' },
      }),
    }),
    load({
      name: 'bulk PDF jobs',
      rate: 1,
      connections: 1,
      method: 'POST',
      next: () => {
        const a = accounts[n++ % accounts.length]!;
        return {
          path: '/v1/operations/bulk-pdf',
          body: JSON.stringify({
            documents: [{ docType: 'Invoice', objectIds: [a.invoiceId] }],
            fileName: 'soak',
            indexFileFormat: 'CSV',
            generateMissingPDF: true,
          }),
          headers: { 'content-type': 'application/json' },
        };
      },
    }),
  ]);
  clearInterval(sampler);

  const atWarmup = rss.find((s) => s.t >= warmup) ?? rss[0]!;
  const last = rss[rss.length - 1]!;
  const peak = Math.max(...rss.map((s) => s.mib));
  let total = 0;
  let fivexx = 0;
  let non2xx = 0;
  const lines: string[] = [];
  for (const { name, result } of runs) {
    const codes = result.statusCodeStats as unknown as Record<string, { count: number }>;
    const five = Object.entries(codes)
      .filter(([c]) => Number(c) >= 500)
      .reduce((s, [, v]) => s + v.count, 0);
    const done = result['2xx'] + result.non2xx;
    total += done;
    fivexx += five;
    non2xx += result.non2xx;
    lines.push(
      `  ${name.padEnd(14)} ${(done / duration).toFixed(1).padStart(7)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  non-2xx ${result.non2xx} (${JSON.stringify(Object.fromEntries(Object.entries(codes).map(([c, v]) => [c, v.count])))})  errors ${result.errors}  timeouts ${result.timeouts}`,
    );
  }
  const log = server.output();
  const errorLines = log
    .split('\n')
    .filter((l) => /"level":(50|60)/.test(l) || /^\s*(Error|TypeError|RangeError)\b/.test(l));
  const growth = last.mib - atWarmup.mib;
  process.stdout.write(
    `soak: ${duration} s on ${values['db-url'] === undefined ? 'SQLite' : 'PostgreSQL'}, ${total} requests (${(total / duration).toFixed(1)} req/s), ${non2xx} non-2xx, ${fivexx} 5xx\n` +
      `${lines.join('\n')}\n` +
      `  RSS: ${atWarmup.mib.toFixed(1)} MiB after ${warmup} s warm-up, ${last.mib.toFixed(1)} MiB at the end (peak ${peak.toFixed(1)} MiB; growth ${growth.toFixed(1)} MiB, bound ${RSS_GROWTH_BOUND_MIB} MiB)\n` +
      `  server log: ${errorLines.length} error lines\n`,
  );
  const problems = [
    ...(fivexx > 0 ? [`${fivexx} responses were 5xx`] : []),
    ...(errorLines.length > 0
      ? [`error lines in the log:\n${errorLines.slice(0, 10).join('\n')}`]
      : []),
    ...(growth > RSS_GROWTH_BOUND_MIB ? [`RSS grew ${growth.toFixed(1)} MiB after warm-up`] : []),
    ...runs
      .filter(({ result }) => result.errors > 0 || result.timeouts > 0)
      .map(
        ({ name, result }) =>
          `${name}: ${result.errors} connection errors, ${result.timeouts} timeouts`,
      ),
  ];
  if (problems.length > 0) fail(`soak failed:\n${problems.join('\n')}`);
  process.stdout.write('soak: passed\n');
} finally {
  await server.stop();
  rmSync(server.dir, { recursive: true, force: true });
}
