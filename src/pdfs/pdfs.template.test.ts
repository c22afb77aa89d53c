import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { deflateSync, crc32 } from 'node:zlib';
import { AppError } from '../platform/errors.ts';
import {
  defaultPdfSettings,
  formatMoney,
  formatPdfDate,
  renderPdf,
  toWinAnsi,
  type PdfDocument,
  type PdfSettings,
} from './pdfs.template.ts';

const noPdftotext =
  spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).error === undefined
    ? false
    : 'pdftotext is not installed (apt-get install poppler-utils; .ci/run installs it)';

/** The text pdftotext extracts, in reading order, whitespace collapsed. */
const textOf = (pdf: Buffer): string => {
  const r = spawnSync('pdftotext', ['-', '-'], { input: pdf, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.replace(/\s+/g, ' ');
};

const item = (i: number) => ({
  serviceStartDate: '2024-03-01',
  serviceEndDate: '2024-03-31',
  chargeName: `Seat Fee ${i}`,
  productName: 'Gold Plan',
  ratePlanName: 'Monthly Seats',
  subscriptionNumber: 'A-S00000007',
  quantity: '3',
  unitPrice: '19.99',
  amount: '59.97',
});

const invoice = (over: Partial<PdfDocument> = {}): PdfDocument => ({
  kind: 'Invoice',
  number: 'INV00000042',
  draft: false,
  documentDate: '2024-03-12',
  dueDate: '2024-04-11',
  paymentTerm: 'Net 30',
  accountNumber: 'A00000007',
  accountName: 'Acme Corporation',
  currency: 'USD',
  billTo: {
    name: 'Jane Doe',
    address1: '1 Main St',
    city: 'Springfield',
    state: 'IL',
    postalCode: '62701',
    country: 'United States',
    email: 'jane@acme.test',
  },
  soldTo: { name: 'John Roe', company: 'Acme Ops', city: 'Chicago', country: 'United States' },
  items: [item(1), item(2)],
  subtotal: '1234.5',
  tax: '98.76',
  total: '1333.26',
  applied: '333.26',
  balance: '1000',
  createdOn: '2024-03-12T11:45:24Z',
  ...over,
});

const settings: PdfSettings = {
  ...defaultPdfSettings,
  companyName: 'Northwind Billing Ltd',
  companyAddress: ['100 Market Street', 'San Francisco, CA 94105'],
  footerText: 'Questions? billing@northwind.test',
};

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('an invoice is a PDF whose text has every C6.2 field', { skip: noPdftotext }, async () => {
  const pdf = await renderPdf(invoice(), settings);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const text = textOf(pdf);
  for (const expected of [
    'Northwind Billing Ltd',
    '100 Market Street',
    'INVOICE',
    'INV00000042',
    'Invoice Date 03/12/2024',
    'Due Date 04/11/2024',
    'Payment Term Net 30',
    'A00000007',
    'Acme Corporation',
    'Jane Doe',
    'Springfield, IL 62701',
    'John Roe',
    'Acme Ops',
    'USD',
    'Seat Fee 1',
    'Gold Plan / Monthly Seats',
    'Subscription A-S00000007',
    '03/01/2024 - 03/31/2024',
    '$19.99',
    '$59.97',
    'Subtotal',
    '$1,234.50',
    '$98.76',
    '$1,333.26',
    'Payments Applied',
    '$333.26',
    'Balance Due',
    '$1,000.00',
    'Questions? billing@northwind.test',
    'Page 1 of 1',
  ]) {
    assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)} in: ${text}`);
  }
  assert.ok(!text.includes('DRAFT'));
});

test(
  'a long invoice flows onto more pages with "Page X of Y" and the table header repeated',
  { skip: noPdftotext },
  async () => {
    const items = Array.from({ length: 30 }, (_, i) => item(i + 1));
    const pdf = await renderPdf(invoice({ items }), settings);
    const text = textOf(pdf);
    const pages = [...text.matchAll(/Page (\d+) of (\d+)/g)].map((m) => `${m[1]}/${m[2]}`);
    assert.ok(pages.length >= 2, text);
    const total = pages.length;
    assert.deepEqual(
      pages,
      Array.from({ length: total }, (_, i) => `${i + 1}/${total}`),
    );
    assert.ok(text.includes('Page 1 of 2') || total > 2);
    assert.equal(text.match(/Description Service Period Qty Unit Price Amount/g)?.length, total);
    for (const i of [1, 15, 30]) assert.ok(text.includes(`Seat Fee ${i} `), `item ${i}`);
    assert.ok(text.includes('Balance Due'));
  },
);

test('a draft carries the DRAFT stamp', { skip: noPdftotext }, async () => {
  const text = textOf(await renderPdf(invoice({ draft: true }), settings));
  assert.ok(text.includes('DRAFT'), text);
});

test(
  'credit and debit memos print their title, referred invoice and reason code',
  { skip: noPdftotext },
  async () => {
    const cm = textOf(
      await renderPdf(
        invoice({
          kind: 'CreditMemo',
          number: 'CM00000003',
          referredInvoiceNumber: 'INV00000042',
          reasonCode: 'Correcting invoice error',
          dueDate: undefined,
        }),
        settings,
      ),
    );
    for (const s of [
      'CREDIT MEMO',
      'Credit Memo Number CM00000003',
      'Memo Date 03/12/2024',
      'Referred Invoice INV00000042',
      'Reason Code Correcting invoice error',
      'Credits Applied',
    ])
      assert.ok(cm.includes(s), `missing ${s} in ${cm}`);
    const dm = textOf(
      await renderPdf(
        invoice({ kind: 'DebitMemo', number: 'DM00000009', reasonCode: 'Charge Adjustment' }),
        settings,
      ),
    );
    for (const s of ['DEBIT MEMO', 'Debit Memo Number DM00000009', 'Reason Code Charge Adjustment'])
      assert.ok(dm.includes(s), `missing ${s} in ${dm}`);
  },
);

test('the same document and settings give the same bytes; a changed field changes them', async () => {
  const a = await renderPdf(invoice(), settings);
  const b = await renderPdf(invoice(), settings);
  assert.equal(sha(a), sha(b));
  const c = await renderPdf(invoice({ createdOn: '2024-03-12T11:45:25Z' }), settings);
  assert.notEqual(sha(a), sha(c));
  const d = await renderPdf(invoice({ total: '1333.27' }), settings);
  assert.notEqual(sha(a), sha(d));
  assert.equal(
    a.toString('latin1').match(/\(D:20240312114524Z\)/g)?.length,
    2,
    'CreationDate and ModDate',
  );
});

/** A valid 2×2 RGB PNG built by hand (signature, IHDR, IDAT, IEND). */
const tinyPng = (): Buffer => {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.from([0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 255, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};

test('a logo image is embedded, and the output stays byte-stable', async () => {
  const withLogo = { ...settings, logo: tinyPng() };
  const a = await renderPdf(invoice(), withLogo);
  const b = await renderPdf(invoice(), withLogo);
  assert.equal(sha(a), sha(b));
  assert.match(a.toString('latin1'), /\/Subtype \/Image/);
  assert.doesNotMatch(
    (await renderPdf(invoice(), settings)).toString('latin1'),
    /\/Subtype \/Image/,
  );
});

test('input the template cannot print is refused as invalid, naming the field', async () => {
  const cases: [Partial<PdfDocument>, Partial<PdfSettings>, string][] = [
    [{ total: '12,50' }, {}, 'Invalid amount'],
    [{ total: '1e5' }, {}, 'Invalid amount'],
    [{ documentDate: '03/12/2024' }, {}, 'Invalid date'],
    [{ currency: 'usd' }, {}, 'currency'],
    [{ items: Array.from({ length: 10_001 }, (_, i) => item(i)) }, {}, 'at most 10000 items'],
    [{ accountName: 'x'.repeat(501) }, {}, 'longer than 500'],
    [{ createdOn: 'yesterday' }, {}, 'createdOn'],
    [{}, { accentColor: 'blue' }, '#RRGGBB'],
    [{}, { logo: Buffer.from('GIF89a') }, 'PNG or JPEG'],
    [{}, { logo: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) }, 'logo cannot be read'],
  ];
  for (const [doc, set, message] of cases) {
    await assert.rejects(
      renderPdf(invoice(doc), { ...settings, ...set }),
      (e: unknown) => e instanceof AppError && e.kind === 'invalid' && e.message.includes(message),
      message,
    );
  }
});

test('money is formatted per currency, exactly, without floats', () => {
  assert.equal(formatMoney('1234.5', 'USD'), '$1,234.50');
  assert.equal(formatMoney('-0.5', 'EUR'), '-€0.50');
  assert.equal(formatMoney('1234.5', 'JPY'), '¥1,235');
  assert.equal(formatMoney('12345678901234567.89', 'USD'), '$12,345,678,901,234,567.89');
  assert.equal(formatMoney('1.005', 'USD'), '$1.01');
  assert.equal(formatMoney('10', 'KWD'), 'KWD\u00a010.000');
  // ₹ is not in Helvetica's WinAnsi encoding: the code is printed instead.
  assert.equal(formatMoney('10', 'INR'), 'INR\u00a010.00');
});

test('dates print as MM/dd/yyyy and text outside WinAnsi becomes ?', () => {
  assert.equal(formatPdfDate('2024-03-12'), '03/12/2024');
  assert.equal(toWinAnsi('Société Générale — 10 €'), 'Société Générale — 10 €');
  assert.equal(toWinAnsi('東京 Ltd\tx'), '?? Ltd x');
});
