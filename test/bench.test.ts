/** The bench harness's own logic (statistics, report, spec trimming, /proc sampling); no timing. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { median, summarize } from '../bench/lib/stats.ts';
import {
  advantage,
  busyWarning,
  formatNumber,
  latestResults,
  measured,
  missing,
  renderTable,
  updateReadmeTable,
  writeResult,
  README_MARKERS,
  type CaseResult,
  type ResultRow,
} from '../bench/lib/results.ts';
import { trimOpenApi } from '../bench/lib/openapi-trim.ts';
import { sampleRss, treeRss } from '../bench/lib/proc.ts';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'folio-bench-test-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('median takes the middle value, or the mean of the two middle ones', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), /empty/);
  assert.deepEqual(summarize([3, 9, 1]), {
    median: 3,
    min: 1,
    max: 9,
    runs: 3,
    samples: [3, 9, 1],
  });
});

const row = (over: Partial<ResultRow>): ResultRow => ({
  id: 'x.max',
  label: 'GET /x, max throughput',
  unit: 'req/s',
  better: 'higher',
  target: '≥ 10,000 req/s',
  folio: measured([2000, 1800, 2200]),
  peer: { name: 'Prism 5', result: measured([100, 120, 90]) },
  ...over,
});

test('advantage is above 1 when Folio does better, whichever direction is better', () => {
  assert.equal(advantage(row({})), 20);
  assert.equal(
    advantage(
      row({ better: 'lower', folio: measured([2]), peer: { name: 'P', result: measured([10]) } }),
    ),
    5,
  );
  assert.equal(advantage(row({ folio: missing('route not implemented yet') })), undefined);
  assert.equal(advantage(row({ peer: undefined })), undefined);
});

const result = (over: Partial<CaseResult>): CaseResult => ({
  case: 'api',
  title: 'API',
  startedAt: '2026-01-02T03:04:05.000Z',
  durationSec: 1,
  quick: false,
  machine: {
    cores: 2,
    cpuModel: 'cpu',
    memoryMiB: 1024,
    os: 'linux',
    node: 'v24',
    gitCommit: 'abc',
    gitDirty: false,
    loadAverage: [0, 0, 0],
  },
  method: ['m'],
  rows: [row({})],
  ...over,
});

test('the table shows median, spread, target, peer, advantage, and missing reasons', () => {
  const table = renderTable(
    new Map([
      [
        'api',
        result({ rows: [row({}), row({ id: 'y', folio: missing('route not implemented yet') })] }),
      ],
    ]),
    ['api'],
  );
  const lines = table.split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[2]!, /\*\*2,000 req\/s\*\* \(1,800–2,200, 3 runs\)/);
  assert.match(lines[2]!, /≥ 10,000 req\/s/);
  assert.match(lines[2]!, /Prism 5: \*\*100 req\/s\*\* \(90–120, 3 runs\)/);
  assert.match(lines[2]!, /\| 20× \|$/);
  assert.match(lines[3]!, /missing: route not implemented yet/);
  assert.match(lines[3]!, /\| — \|$/);
  assert.equal(formatNumber(1.234), '1.23');
  assert.equal(formatNumber(12.34), '12.3');
});

test('latest results skip quick runs and keep the newest run of each case', () => {
  const dir = tempDir();
  writeResult(dir, result({ startedAt: '2026-01-01T00:00:00.000Z', title: 'old' }));
  writeResult(dir, result({ startedAt: '2026-01-03T00:00:00.000Z', title: 'new' }));
  writeResult(dir, result({ startedAt: '2026-01-04T00:00:00.000Z', title: 'quick', quick: true }));
  const latest = latestResults(dir);
  assert.equal(latest.size, 1);
  assert.equal(latest.get('api')?.title, 'new');
});

test('the README table is replaced only between the bench markers', () => {
  const dir = tempDir();
  const readme = join(dir, 'README.md');
  writeFileSync(
    readme,
    `# T\n\n${README_MARKERS.start}\nold table\n${README_MARKERS.end}\n\nafter\n`,
  );
  assert.equal(updateReadmeTable(readme, '| new |'), true);
  assert.equal(
    readFileSync(readme, 'utf8'),
    `# T\n\n${README_MARKERS.start}\n| new |\n${README_MARKERS.end}\n\nafter\n`,
  );
  writeFileSync(readme, 'no markers\n');
  assert.equal(updateReadmeTable(readme, '| new |'), false);
  assert.equal(readFileSync(readme, 'utf8'), 'no markers\n');
});

test("trimming Zuora's spec keeps the chosen operations and every component they reach", () => {
  const spec = resolve(import.meta.dirname, 'fixtures/zuora-openapi/zuora-openapi-subset.yaml');
  const doc = parse(readFileSync(spec, 'utf8')) as Record<string, never>;
  const out = trimOpenApi(doc, [
    { path: '/oauth/token', method: 'post' },
    { path: '/v1/bill-runs/{billRunId}', method: 'get' },
  ]);
  const paths = out.paths as unknown as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(paths).sort(), ['/oauth/token', '/v1/bill-runs/{billRunId}']);
  assert.deepEqual(Object.keys(paths['/v1/bill-runs/{billRunId}']!), ['get']);
  const components = out.components as unknown as Record<string, Record<string, unknown>>;
  assert.ok(components.schemas?.GetBillRunResponseType !== undefined);
  assert.equal(components.schemas?.GETAccountType, undefined);
  // Every reference in the trimmed document resolves inside it.
  const refs = [...JSON.stringify(out).matchAll(/"\$ref":"#\/components\/([^/"]+)\/([^"]+)"/g)];
  assert.ok(refs.length > 0);
  for (const [, kind, name] of refs)
    assert.ok(components[kind!]?.[name!] !== undefined, `${kind}/${name}`);
  assert.throws(
    () => trimOpenApi(doc, [{ path: '/v1/nope', method: 'get' }]),
    /not in the document/,
  );
});

test(
  'RSS is read from /proc for a process and its tree',
  { skip: process.platform !== 'linux' && 'needs /proc (Linux)' },
  () => {
    const own = sampleRss(process.pid);
    assert.ok(own.rssMiB > 1 && own.hwmMiB >= own.rssMiB, JSON.stringify(own));
    const tree = treeRss(process.pid);
    assert.ok(tree.processes >= 1 && tree.rssMiB >= own.rssMiB * 0.5, JSON.stringify(tree));
    assert.throws(() => sampleRss(2 ** 30));
  },
);

test('a result measured on a busy machine is flagged, an idle one is not', () => {
  const idle = result({});
  assert.equal(busyWarning(new Map([['api', idle]])), undefined);
  const busy = result({ machine: { ...idle.machine, loadAverage: [7.5, 3, 1] } });
  assert.match(
    busyWarning(new Map([['api', busy]])) ?? '',
    /busy machine.*api \(load 7\.5 on 2 cores\)/,
  );
});
