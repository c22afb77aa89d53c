/**
 * The web console in a real browser: Debian's Chromium driven by playwright-core against a real
 * `folio serve` with seeded accounts. Admin: sign in, create a bill run and watch it complete,
 * post it, open an invoice PDF, export the run's invoices and download the ZIP; a tenant client:
 * read-only views; the admin again on the emulator-control pages (test clock, seed, a fault seen
 * in the request log, a bill run forced to Error in manual lifecycle, snapshot/reset/restore).
 * A screenshot of each main page is left in test-artifacts/console/ (gitignored).
 * Without /usr/bin/chromium the test is skipped with that reason (.ci/run installs it).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServer, runFolio, type RunningServer } from '../server.ts';
import { readZipBuffer } from '../zip-read.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts/console');
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is absent (apt-get install chromium; .ci/run installs it)`;

// CI installs Chromium (.ci/run), so there the browser test must run rather than skip.
test(
  'CI has Chromium for the console tests',
  { skip: process.env.CI === 'true' ? false : 'not in CI' },
  () => {
    assert.equal(skip, false, `${CHROMIUM} is missing in CI`);
  },
);

let server: RunningServer | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;

before(async () => {
  if (skip !== false) return;
  const dir = mkdtempSync(join(tmpdir(), 'folio-console-'));
  const db = {
    FOLIO_DB_URL: `sqlite:${join(dir, 'folio.db')}`,
    FOLIO_FILES_URL: `file:${join(dir, 'files')}`,
  };
  const seeded = await runFolio(['seed', '--accounts', '12', '--json'], db, dir);
  assert.equal(seeded.code, 0, seeded.output);
  server = await startServer({ ...db, FOLIO_TEST_DIR: dir, FOLIO_JOB_POLL_INTERVAL_MS: '100' });
  mkdirSync(ARTIFACTS, { recursive: true });
  profile = mkdtempSync(join(tmpdir(), 'folio-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
});

after(async () => {
  await context?.close();
  await server?.stop();
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
});

/** Form controls on screen that have no accessible name (no <label>, aria-label or aria-labelledby). */
const UNLABELLED = `[...document.querySelectorAll('input, select, textarea')]
  .filter((el) => el.type !== 'hidden' && el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map((el) => el.outerHTML)`;

const shot = async (page: Page, name: string): Promise<void> => {
  assert.deepEqual(await page.evaluate<string[]>(UNLABELLED), [], `unlabelled controls on ${name}`);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
};

const downloadBytes = async (page: Page, click: () => Promise<void>) => {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
};

test(
  'admin: sign in, bill run to Completed, post, invoice PDF, bulk export ZIP download',
  { skip, timeout: 120_000 },
  async () => {
    const page = await context!.newPage();
    page.setDefaultTimeout(20_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await page.goto(`${server!.url}/console`);
    await page.waitForURL(/#\/signin$/);
    await shot(page, '01-signin');
    // Keyboard only: type the token and press Enter.
    await page.getByLabel('Admin token').fill('demo-admin');
    await page.getByLabel('Admin token').press('Enter');
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
    await page.getByText('Demo · tenant 1').waitFor();
    await shot(page, '02-tenants');
    await page.getByLabel('New tenant name').fill('Console E2E');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByRole('heading', { name: /^Console E2E · tenant \d+$/ }).waitFor();
    await page.getByRole('button', { name: 'Delete tenant Console E2E' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete tenant' }).click();
    await page.getByRole('heading', { name: /^Console E2E/ }).waitFor({ state: 'detached' });

    await page.getByRole('navigation').getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    assert.equal(await page.locator('main tbody tr').count(), 12);
    await page.getByLabel('Account number, id or name').fill('A00000003');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForFunction("document.querySelectorAll('main tbody tr').length === 1");
    await shot(page, '03-accounts');
    await page.getByRole('link', { name: 'A00000003' }).click();
    await page.getByRole('heading', { name: 'Account A00000003' }).waitFor();
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor();
    assert.equal(await page.locator('main table').first().locator('tbody tr').count(), 1);
    await shot(page, '04-account');
    await page.locator('main table').first().locator('tbody a').first().click();
    await page.getByRole('heading', { name: /^Subscription / }).waitFor();
    await shot(page, '05-subscription');

    await page.getByRole('navigation').getByRole('link', { name: 'Bill runs' }).click();
    await page.getByRole('button', { name: 'Create bill run' }).click();
    await page.getByRole('heading', { name: /^Bill run BR-/ }).waitFor();
    const summary = page.locator('#run-summary');
    await summary.getByText('Completed').waitFor({ timeout: 40_000 });
    const invoices = Number(await summary.locator('dt:text-is("Invoices") + dd').textContent());
    assert.ok(invoices > 0, `the run made invoices (${invoices})`);
    await page.getByRole('table', { name: 'Documents of the bill run' }).waitFor();
    assert.equal(await page.locator('main table').first().locator('tbody tr').count(), invoices);
    await shot(page, '06-bill-run-completed');

    await page.getByRole('button', { name: 'Post' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Post' }).click();
    await summary.getByText('Posted').waitFor({ timeout: 40_000 });
    await page
      .getByRole('table', { name: 'Documents of the bill run' })
      .getByText('Posted')
      .first()
      .waitFor();
    await shot(page, '07-bill-run-posted');
    const runUrl = page.url();

    await page.getByRole('navigation').getByRole('link', { name: 'Bill runs' }).click();
    await page.getByRole('table', { name: 'Bill runs' }).getByText('Posted').waitFor();
    await shot(page, '08-bill-runs');

    await page.goto(runUrl);
    await page
      .getByRole('table', { name: 'Documents of the bill run' })
      .locator('tbody a')
      .first()
      .click();
    await page.getByRole('heading', { name: /^Invoice INV/ }).waitFor();
    // Posting enqueues the PDF; reload until the generated version is listed.
    const frame = page.locator('iframe.pdf');
    for (let i = 0; i < 40 && (await frame.count()) === 0; i++) {
      await page.waitForTimeout(250);
      await page.reload();
      await page.getByRole('heading', { name: /^Invoice INV/ }).waitFor();
    }
    const src = await frame.getAttribute('src');
    assert.match(src ?? '', /^blob:/);
    // The download link points at the same blob as the preview.
    assert.equal(await page.locator('#pdf-download').getAttribute('href'), src);
    const pdf = await downloadBytes(page, () => page.locator('#pdf-download').click());
    assert.match(pdf.name, /^INV\d+\.pdf$/);
    assert.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');
    // Give Chromium's PDF viewer a moment to paint the preview for the screenshot (nothing is asserted on it).
    await page.waitForTimeout(1000);
    await shot(page, '09-invoice');

    await page.goto(runUrl);
    await page.getByRole('button', { name: 'Export these invoices as PDF ZIPs' }).click();
    await page.getByRole('heading', { name: /^Bulk PDF job / }).waitFor();
    await page.locator('#zip-links a').first().waitFor({ timeout: 40_000 });
    await shot(page, '10-bulk-pdf-job');
    const zip = await downloadBytes(page, () => page.locator('#zip-links a').first().click());
    assert.match(zip.name, /\.zip$/);
    const entries = await readZipBuffer(zip.bytes);
    const pdfs = entries.filter((e) => e.name.endsWith('.pdf'));
    assert.equal(pdfs.length, invoices);
    for (const e of pdfs) assert.equal(e.data.subarray(0, 5).toString(), '%PDF-');

    await page.getByRole('navigation').getByRole('link', { name: 'Bulk PDF jobs' }).click();
    await page.getByRole('table', { name: 'Bulk PDF jobs' }).getByText('Completed').waitFor();
    await shot(page, '11-bulk-pdf-jobs');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('navigation').getByRole('link', { name: 'Bill runs' }).click();
    await page.getByRole('table', { name: 'Bill runs' }).waitFor();
    await shot(page, '12-bill-runs-phone');
    // At phone width nothing but the tables (which scroll inside their box) is wider than the screen.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(overflow <= 390, `page width ${overflow}px at 390px`);
    assert.deepEqual(pageErrors, []);
    await page.close();
  },
);

test('tenant client: read-only views of its own tenant', { skip, timeout: 60_000 }, async () => {
  const page = await context!.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${server!.url}/console#/signin`);
  await page.getByLabel('Client id').fill('demo-client');
  await page.getByLabel('Client secret').fill('wrong-secret');
  await page.getByRole('button', { name: 'Sign in as tenant' }).click();
  await page.getByRole('alert').getByText('Bad client credentials').waitFor();
  await page.getByLabel('Client secret').fill('demo-secret');
  await page.getByRole('button', { name: 'Sign in as tenant' }).click();
  await page.getByRole('heading', { name: 'Bill runs' }).waitFor();
  await page.getByRole('table', { name: 'Bill runs' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Create bill run' }).count(), 0);
  assert.equal(
    await page.getByRole('navigation').getByRole('link', { name: 'Tenants' }).count(),
    0,
  );
  await page.getByRole('table', { name: 'Bill runs' }).locator('tbody a').first().click();
  await page.getByRole('heading', { name: /^Bill run BR-/ }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Post' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Delete' }).count(), 0);
  await shot(page, '13-tenant-bill-run');
  await page.goto(`${server!.url}/console#/accounts`);
  await page.getByLabel('Account number or id').fill('A00000001');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Account A00000001' }).waitFor();
  await shot(page, '14-tenant-account');
  await page.close();
});

test(
  'admin: emulator controls — clock, seed, faults in the request log, job lifecycle, snapshots and reset',
  { skip, timeout: 90_000 },
  async () => {
    const page = await context!.newPage();
    page.setDefaultTimeout(20_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const nav = (name: string) =>
      page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
    const confirm = (name: string) =>
      page.getByRole('dialog').getByRole('button', { name }).click();

    await page.goto(`${server!.url}/console#/signin`);
    await page.getByLabel('Admin token').fill('demo-admin');
    await page.getByLabel('Admin token').press('Enter');
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();

    // Test clock: freeze, advance by a duration and to a date, reset.
    await nav('Test clock');
    await page.getByRole('heading', { name: 'Test clock' }).waitFor();
    await page.locator('#clock-mode:text-is("real")').waitFor();
    await page.getByLabel('Mode').selectOption('frozen');
    await page.getByLabel('At (date or date-time; empty: now)').fill('2027-01-01T00:00:00Z');
    await page.getByRole('button', { name: 'Set clock' }).click();
    await page.locator('#clock-mode:text-is("frozen")').waitFor();
    await page.locator('#clock-now:text-is("2027-01-01 00:00:00Z")').waitFor();
    await page.getByLabel('Advance by (ISO duration)').fill('P1D');
    await page.getByRole('button', { name: 'Advance' }).click();
    await page.locator('#clock-now:text-is("2027-01-02 00:00:00Z")').waitFor();
    await page.getByLabel('Advance by (ISO duration)').fill('');
    await page.getByLabel('or to (date or date-time)').fill('2027-03-01');
    await page.getByRole('button', { name: 'Advance' }).click();
    await page.locator('#clock-now:text-is("2027-03-01 00:00:00Z")').waitFor();
    await shot(page, '15-emulator-clock');
    await page.getByRole('button', { name: 'Reset to real time' }).click();
    await page.locator('#clock-mode:text-is("real")').waitFor();

    // Seed: set, then clear.
    await nav('Seed');
    await page.getByLabel('Seed', { exact: true }).fill('console-e2e');
    await page.getByRole('button', { name: 'Set seed' }).click();
    await page.locator('#seed-view').getByText('console-e2e').waitFor();
    await shot(page, '16-emulator-seed');
    await page.getByRole('button', { name: 'Clear seed' }).click();
    await page.locator('#seed-view').getByText('none (random ids)').waitFor();

    // An empty request log first (the tests before made calls of their own).
    await nav('Request log');
    await page.getByRole('button', { name: 'Clear log' }).click();
    await page.getByText('No request yet.').waitFor();

    // Faults: a one-shot 503 on GET /v1/accounts/*, then a call the rule answers.
    await nav('Faults');
    await page.getByText('No fault rule.').waitFor();
    await page.getByLabel('Method').selectOption('GET');
    await page.getByLabel('Path pattern').fill('/v1/accounts/*');
    await page.getByLabel('Answer').selectOption('503');
    await page.getByLabel('Times').fill('1');
    await page.getByRole('button', { name: 'Add fault' }).click();
    const rules = page.getByRole('table', { name: 'Fault rules' });
    await rules.getByRole('cell', { name: '/v1/accounts/*', exact: true }).waitFor();
    await shot(page, '17-emulator-faults');
    const statuses = await page.evaluate<number[]>(`(async () => {
      const t = await (await fetch('/oauth/token', { method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret' })).json();
      const get = () => fetch('/v1/accounts/A00000001', { headers: { Authorization: 'Bearer ' + t.access_token } });
      return [(await get()).status, (await get()).status];
    })()`);
    assert.deepEqual(statuses, [503, 200], 'the rule answers once, then lets calls through');

    // Request log: both calls, the faulted one marked; then clear it.
    await nav('Request log');
    const log = page.getByRole('table', { name: 'Requests' });
    await log.locator('tbody tr', { hasText: '503' }).getByText('fault').waitFor();
    assert.equal(await log.locator('tbody tr', { hasText: '/v1/accounts/A00000001' }).count(), 2);
    await shot(page, '18-emulator-requests');
    await page.getByRole('button', { name: 'Clear log' }).click();
    await page.getByText('No request yet.').waitFor();
    // Auto-refresh: a call made now shows up without touching the page.
    await page.evaluate(`fetch('/oauth/token', { method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret' })`);
    await log.getByText('/oauth/token').waitFor({ timeout: 10_000 });

    await nav('Faults');
    await rules.waitFor();
    await page.getByRole('button', { name: 'Clear all faults' }).click();
    await confirm('Clear faults');
    await page.getByText('No fault rule.').waitFor();

    // Lifecycle: manual mode, a bill run waits at Pending; force Error with a reason, then advance.
    await nav('Lifecycle');
    await page.getByLabel('Tenant mode').selectOption('manual');
    await page.getByRole('button', { name: 'Set mode' }).click();
    await page.locator('#lifecycle-mode:text-is("manual")').waitFor();
    await nav('Bill runs');
    await page.getByRole('button', { name: 'Create bill run' }).click();
    await page.getByRole('heading', { name: /^Bill run BR-/ }).waitFor();
    const runId = decodeURIComponent(/#\/bill-runs\/([^?]+)/.exec(page.url())?.[1] ?? '');
    assert.match(runId, /^[0-9a-f]{32}$/);
    await page.goto(`${server!.url}/console#/emulator/lifecycle`);
    await page.getByLabel('Bill run or bulk PDF job id').fill(runId);
    await page.getByLabel('Bill run or bulk PDF job id').press('Enter');
    const status = page.locator('#job-status');
    await status.getByText('Pending').waitFor();
    await page.getByLabel('Error reason').fill('Console outage');
    await page.getByRole('button', { name: 'Force Error' }).click();
    await page.getByText('Error at Processing: Console outage').waitFor();
    await shot(page, '19-emulator-lifecycle');
    await page.getByRole('button', { name: 'Advance one step' }).click();
    await status.getByText('Error').waitFor();
    await page.getByLabel('Tenant mode').selectOption('real');
    await page.getByRole('button', { name: 'Set mode' }).click();
    await page.locator('#lifecycle-mode:text-is("real")').waitFor();

    // Snapshots: save, reset the tenant (confirmed), restore (confirmed), delete.
    await nav('Snapshots');
    await page.getByText('No snapshot yet.').waitFor();
    await page.getByLabel('Snapshot name').fill('console-e2e');
    await page.getByRole('button', { name: 'Save snapshot' }).click();
    const snaps = page.getByRole('table', { name: 'Snapshots' });
    await snaps.getByRole('cell', { name: 'console-e2e', exact: true }).waitFor();
    const saved = Number(await snaps.locator('tbody tr td').nth(2).textContent());
    assert.ok(saved > 0, `the snapshot holds rows (${saved})`);
    await shot(page, '20-emulator-snapshots');
    await page.getByRole('button', { name: 'Reset tenant' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Keep it' }).click();
    assert.equal(await page.getByRole('status').textContent(), '', 'cancelled: nothing reset');
    await page.getByRole('button', { name: 'Reset tenant' }).click();
    await confirm('Reset tenant');
    await page
      .getByRole('status')
      .getByText(/^Tenant reset: \d+ rows deleted\.$/)
      .waitFor();
    await page.getByRole('button', { name: 'Restore console-e2e' }).click();
    await confirm('Restore');
    await page
      .getByRole('status')
      .getByText(`Restored console-e2e: ${saved} rows`, { exact: false })
      .waitFor();
    await page.getByRole('button', { name: 'Delete console-e2e' }).click();
    await confirm('Delete snapshot');
    await page.getByText('No snapshot yet.').waitFor();

    // The restored tenant still has its accounts.
    await nav('Accounts');
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    assert.equal(await page.locator('main tbody tr').count(), 12);

    await page.setViewportSize({ width: 390, height: 844 });
    await nav('Faults');
    await page.getByRole('button', { name: 'Add fault' }).waitFor();
    await shot(page, '21-emulator-faults-phone');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(overflow <= 390, `page width ${overflow}px at 390px`);
    assert.deepEqual(pageErrors, []);
    await page.close();
  },
);
