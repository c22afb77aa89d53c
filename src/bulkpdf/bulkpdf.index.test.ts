import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import yauzl from 'yauzl';
import { buildIndexCsv, buildIndexFile, buildIndexJson, type IndexEntry } from './bulkpdf.index.ts';
import { createZipWriter } from '../platform/zip/zip.ts';
import {
  createPdfPool,
  defaultPdfSettings,
  pdfFileName,
  type PdfDocument,
} from '../pdfs/pdfs.service.ts';

const entry = (over: Partial<IndexEntry> = {}): IndexEntry => ({
  accountNumber: 'A00000001',
  documentType: 'Invoice',
  documentNumber: 'INV00000001',
  documentCreatedOn: new Date('2024-03-12T11:45:24.123Z'),
  pdfFileName: 'INV00000001_A00000001_03122024.pdf',
  pdfFileCreatedOn: new Date('2024-03-14T08:32:05Z'),
  ...over,
});

test("index.json has C5.6's exact shape, keys in order, dates without milliseconds", () => {
  const json = buildIndexJson([
    entry(),
    entry({ documentType: 'CreditMemo', documentNumber: 'CM00000001' }),
  ]).toString();
  assert.equal(
    json,
    '{"_metadata":[' +
      '{"accountNumber":"A00000001","documentType":"Invoice","documentNumber":"INV00000001","documentCreatedOn":"2024-03-12T11:45:24Z","pdfFileName":"INV00000001_A00000001_03122024.pdf","pdfFileCreatedOn":"2024-03-14T08:32:05Z"},' +
      '{"accountNumber":"A00000001","documentType":"CreditMemo","documentNumber":"CM00000001","documentCreatedOn":"2024-03-12T11:45:24Z","pdfFileName":"INV00000001_A00000001_03122024.pdf","pdfFileCreatedOn":"2024-03-14T08:32:05Z"}]}',
  );
  assert.equal(buildIndexJson([]).toString(), '{"_metadata":[]}');
});

test('index.csv is RFC 4180 with the header row, CRLF endings and quoting', () => {
  const csv = buildIndexCsv([entry(), entry({ accountNumber: 'A,"1"\n' })]).toString();
  assert.equal(
    csv,
    'accountNumber,documentType,documentNumber,documentCreatedOn,pdfFileName,pdfFileCreatedOn\r\n' +
      'A00000001,Invoice,INV00000001,2024-03-12T11:45:24Z,INV00000001_A00000001_03122024.pdf,2024-03-14T08:32:05Z\r\n' +
      '"A,""1""\n",Invoice,INV00000001,2024-03-12T11:45:24Z,INV00000001_A00000001_03122024.pdf,2024-03-14T08:32:05Z\r\n',
  );
  assert.equal(buildIndexFile('CSV', []).name, 'index.csv');
  assert.equal(buildIndexFile('JSON', []).name, 'index.json');
});

const readZip = (file: string): Promise<{ name: string; data: Buffer }[]> =>
  new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out: { name: string; data: Buffer }[] = [];
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.on('entry', (e: yauzl.Entry) =>
        zip.openReadStream(e, (err2, rs) => {
          if (err2) return reject(err2);
          const chunks: Buffer[] = [];
          rs.on('data', (c: Buffer) => chunks.push(c));
          rs.on('end', () => {
            out.push({ name: e.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        }),
      );
      zip.readEntry();
    });
  });

test('PDFs rendered on the pool, zipped with their index: order, names and bytes survive', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'folio-bulk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pool = createPdfPool(2);
  t.after(() => pool.close());
  const docs: PdfDocument[] = Array.from({ length: 7 }, (_, i) => ({
    kind: i % 3 === 2 ? 'CreditMemo' : 'Invoice',
    number: i % 3 === 2 ? `CM0000000${i}` : `INV0000000${i}`,
    draft: false,
    documentDate: `2024-03-1${i}`,
    accountNumber: `A0000000${i % 2}`,
    accountName: 'Acme',
    currency: 'USD',
    billTo: { name: 'Jane' },
    soldTo: { name: 'Jane' },
    items: [],
    subtotal: '0',
    tax: '0',
    total: `${i}`,
    applied: '0',
    balance: `${i}`,
    createdOn: `2024-03-1${i}T10:00:00Z`,
  }));
  const pdfs = await Promise.all(
    docs.map((d) => pool.run({ document: d, settings: defaultPdfSettings })),
  );
  const file = join(dir, 'export_1.zip');
  const zip = createZipWriter(createWriteStream(file));
  const index: IndexEntry[] = [];
  for (const [i, d] of docs.entries()) {
    const name = pdfFileName(d);
    await zip.addBuffer(name, pdfs[i]!, { mtime: new Date(d.createdOn) });
    index.push({
      accountNumber: d.accountNumber,
      documentType: d.kind,
      documentNumber: d.number,
      documentCreatedOn: new Date(d.createdOn),
      pdfFileName: name,
      pdfFileCreatedOn: new Date(d.createdOn),
    });
  }
  const idx = buildIndexFile('JSON', index);
  await zip.addBuffer(idx.name, idx.data);
  await zip.finish();

  const read = await readZip(file);
  assert.deepEqual(
    read.map((r) => r.name),
    [...docs.map((d) => pdfFileName(d)), 'index.json'],
  );
  read.slice(0, -1).forEach((r, i) => assert.ok(r.data.equals(pdfs[i]!), r.name));
  const meta = (
    JSON.parse(read.at(-1)!.data.toString()) as { _metadata: { pdfFileName: string }[] }
  )._metadata;
  assert.deepEqual(
    meta.map((m) => m.pdfFileName),
    read.slice(0, -1).map((r) => r.name),
  );
  assert.equal(readFileSync(file).subarray(0, 4).readUInt32LE(0), 0x04034b50);
  const unzip = spawnSync('unzip', ['-tq', file], { encoding: 'utf8' });
  if (unzip.error !== undefined) t.diagnostic('unzip -t skipped: unzip is not installed');
  else assert.equal(unzip.status, 0, unzip.stdout + unzip.stderr);
});
