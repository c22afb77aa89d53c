import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  createPdfPool,
  defaultPdfSettings,
  pdfFileName,
  renderPdf,
  type PdfDocument,
} from './pdfs.service.ts';
import { AppError } from '../platform/errors.ts';

const doc = (n: number): PdfDocument => ({
  kind: 'Invoice',
  number: `INV${String(n).padStart(8, '0')}`,
  draft: false,
  documentDate: '2024-03-12',
  accountNumber: 'A00000001',
  accountName: 'Acme',
  currency: 'EUR',
  billTo: { name: 'Jane Doe' },
  soldTo: { name: 'Jane Doe' },
  items: [
    {
      serviceStartDate: '2024-03-01',
      chargeName: 'Fee',
      quantity: '1',
      unitPrice: `${n}.00`,
      amount: `${n}.00`,
    },
  ],
  subtotal: `${n}`,
  tax: '0',
  total: `${n}`,
  applied: '0',
  balance: `${n}`,
  createdOn: '2024-03-12T00:00:00Z',
});
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('the PDF pool renders on 2 workers the same bytes as rendering in-process', async () => {
  const pool = createPdfPool(2);
  try {
    const docs = Array.from({ length: 12 }, (_, i) => doc(i + 1));
    const pooled = await Promise.all(
      docs.map((d) => pool.run({ document: d, settings: defaultPdfSettings })),
    );
    for (const [i, d] of docs.entries()) {
      const direct = await renderPdf(d, defaultPdfSettings);
      assert.equal(sha(pooled[i]!), sha(direct), `document ${i + 1}`);
    }
    assert.equal(new Set(pooled.map(sha)).size, 12, 'every document differs');
    const logo = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
    await assert.rejects(
      pool.run({ document: doc(1), settings: { ...defaultPdfSettings, logo } }),
      (e: unknown) => e instanceof AppError && e.kind === 'invalid' && e.field === 'logo',
    );
  } finally {
    await pool.close();
  }
});

test('PDF file names follow C5.6: <Number>_<AccountNumber>_<MMddyyyy>.pdf', () => {
  assert.equal(
    pdfFileName({ number: 'INV00000001', accountNumber: 'A00000001', documentDate: '2024-03-12' }),
    'INV00000001_A00000001_03122024.pdf',
  );
  assert.equal(
    pdfFileName({
      number: 'CM00000002',
      accountNumber: 'A/B:C*D?"<>|\\x\u0001',
      documentDate: '2023-12-31',
    }),
    'CM00000002_A_B_C_D______x__12312023.pdf',
  );
  assert.throws(
    () => pdfFileName({ number: 'X', accountNumber: 'A', documentDate: '12/31/2023' }),
    (e: unknown) => e instanceof AppError && e.kind === 'invalid',
  );
});
