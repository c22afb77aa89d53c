/**
 * The web console in a real browser: Debian's Chromium driven by playwright-core against a real
 * `folio serve` with seeded accounts. Admin: sign in, create a bill run and watch it complete,
 * post it, open an invoice PDF, export the run's invoices and download the ZIP; a tenant client:
 * read-only views. A screenshot of each main page is left in test-artifacts/console/ (gitignored).
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
