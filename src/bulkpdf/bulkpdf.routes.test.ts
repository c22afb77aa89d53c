/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- response bodies are read as untyped JSON and checked by the assertions */
/** Bulk PDF → ZIP through HTTP (CONTRACT C5), on both databases. */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTestContext,
  forEachDb,
  seedTenant,
  tokenFor,
  type SeededTenant,
} from '../../test/harness.ts';
import { seedDocuments, type SeededDoc } from '../../test/bulkpdf-seed.ts';
import { hasUnzip, NO_UNZIP, readZipBuffer, unzipTest } from '../../test/zip-read.ts';
import type { Scope } from '../platform/scope.ts';
import { createBulkPdfJob, getBulkPdfJob, zipPart } from './bulkpdf.service.ts';
import { INDEX_COLUMNS } from './bulkpdf.index.ts';

const NEW = { 'zuora-version': '2024-05-20' };

forEachDb('bulk PDF export', (ctx) => {
  let t: SeededTenant;
  let token: string;
  let scope: Scope;
  let other: SeededTenant;
  let otherDocs: SeededDoc[];

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST',
      url: '/v1/operations/bulk-pdf',
      headers: { authorization: `Bearer ${token}`, ...NEW, ...headers },
      payload: payload as object,
    });
  const get = (jobId: string, tok = token) =>
    ctx.app.inject({
      method: 'GET',
      url: `/v1/operations/bulk-pdf/${jobId}`,
      headers: { authorization: `Bearer ${tok}`, ...NEW },
    });
  const download = async (url: string): Promise<Buffer> => {
    const u = new URL(url);
    const res = await ctx.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/zip');
    return res.rawPayload;
  };

  before(async () => {
    t = await seedTenant(ctx.deps, 'Bulk');
    token = await tokenFor(ctx.app, t);
    scope = { tenantId: t.tenantId, entityId: t.entityId };
    other = await seedTenant(ctx.deps, 'Other');
    otherDocs = await seedDocuments(
      ctx.deps,
      { tenantId: other.tenantId, entityId: other.entityId },
      1,
    );
  });

  const base = { fileName: 'exp', indexFileFormat: 'JSON' };

  test('missing required fields get cat22 and bad values cat20 with resource 590100', async () => {
    const cases: [unknown, string][] = [
      [{ fileName: 'a', indexFileFormat: 'JSON' }, '59010022'],
      [
        { documents: [{ docType: 'Invoice', objectIds: ['x'] }], indexFileFormat: 'JSON' },
        '59010022',
      ],
      [{ documents: [{ docType: 'Invoice', objectIds: ['x'] }], fileName: 'a' }, '59010022'],
      [{ ...base, documents: [{ objectIds: ['x'] }] }, '59010022'],
      [{ ...base, documents: [{ docType: 'Quote', objectIds: ['x'] }] }, '59010020'],
      [{ ...base, documents: [{ docType: 'Invoice', objectIds: [] }] }, '59010020'],
      [
        { ...base, indexFileFormat: 'XML', documents: [{ docType: 'Invoice', objectIds: ['x'] }] },
        '59010020',
      ],
      [
        { ...base, fileName: 'a/b', documents: [{ docType: 'Invoice', objectIds: ['x'] }] },
        '59010020',
      ],
      [
        { ...base, fileName: 'a*', documents: [{ docType: 'Invoice', objectIds: ['x'] }] },
        '59010020',
      ],
      [
        { ...base, fileName: '', documents: [{ docType: 'Invoice', objectIds: ['x'] }] },
        '59010020',
      ],
      [
        {
          ...base,
          fileName: 'x'.repeat(33),
          documents: [{ docType: 'Invoice', objectIds: ['x'] }],
        },
        '59010020',
      ],
      [
        { ...base, name: 'x'.repeat(33), documents: [{ docType: 'Invoice', objectIds: ['x'] }] },
        '59010020',
      ],
    ];
    for (const [payload, code] of cases) {
      const res = await post(payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      const body = res.json();
      assert.equal(body.success, false);
      assert.equal(body.reasons[0].code, code, `${JSON.stringify(payload)}: ${res.body}`);
    }
  });

  test('more than 50,000 ids, duplicates counted, get cat20; exactly 50,000 is accepted', async () => {
    const ids = Array.from({ length: 25_001 }, () => 'f'.repeat(32));
    const over = await post({
      ...base,
      documents: [
        { docType: 'Invoice', objectIds: ids },
        { docType: 'CreditMemo', objectIds: ids.slice(1) },
      ],
    });
    assert.equal(over.statusCode, 400);
    assert.equal(over.json().reasons[0].code, '59010020');
    const at = await post({
      ...base,
      documents: [
        { docType: 'Invoice', objectIds: ids.slice(1) },
        { docType: 'CreditMemo', objectIds: ids.slice(1) },
      ],
    });
    assert.equal(at.statusCode, 200, at.body);
    // Duplicate pairs are dropped keeping the first: one invalid id per docType.
    assert.deepEqual(at.json().invalidIds, ['f'.repeat(32), 'f'.repeat(32)]);
  });

  test('triage in request order; the ZIP holds the accepted PDFs in order, then the index', async () => {
    const inv = await seedDocuments(ctx.deps, scope, 3, { accountName: 'Order' });
    const cm = await seedDocuments(ctx.deps, scope, 1, { docType: 'CreditMemo' });
    const [noPdf] = await seedDocuments(ctx.deps, scope, 1, { state: 'none' });
    const [errPdf] = await seedDocuments(ctx.deps, scope, 1, { state: 'error' });
    const [archived] = await seedDocuments(ctx.deps, scope, 1, { state: 'archived' });
    const unknown = '0'.repeat(32);
    const res = await post({
      ...base,
      name: 'March',
      ignoreArchivedFiles: true,
      documents: [
        {
          docType: 'Invoice',
          objectIds: [
            inv[2]!.id,
            unknown,
            inv[0]!.id,
            inv[2]!.id,
            noPdf!.id,
            archived!.id,
            otherDocs[0]!.id,
            cm[0]!.id,
            inv[1]!.number,
            errPdf!.id,
          ],
        },
        { docType: 'CreditMemo', objectIds: [cm[0]!.id, inv[1]!.id] },
        { docType: 'Invoice', objectIds: [inv[1]!.id] },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), [
      'invalidIds',
      'jobId',
      'skippedDocuments',
      'success',
    ]);
    assert.match(body.jobId, /^[0-9a-f]{32}$/);
    assert.deepEqual(body.invalidIds, [
      unknown,
      noPdf!.id,
      otherDocs[0]!.id,
      cm[0]!.id,
      inv[1]!.number,
      errPdf!.id,
      inv[1]!.id,
    ]);
    assert.deepEqual(body.skippedDocuments, [{ docType: 'Invoice', objectIds: [archived!.id] }]);

    const before = await get(body.jobId);
    assert.equal(before.statusCode, 200);
    assert.deepEqual(before.json(), {
      jobId: body.jobId,
      jobName: 'March',
      status: 'Submitted',
      stepStatus: 'JobCreated',
      fileUrls: [],
      skippedDocuments: [{ docType: 'Invoice', objectIds: [archived!.id] }],
      createdOn: '2026-03-15 10:00:00',
      createdBy: t.clientId,
      success: true,
    });

    await ctx.deps.queue.runUntilIdle();
    const done = (await get(body.jobId)).json();
    assert.equal(done.status, 'Completed');
    assert.equal(done.stepStatus, 'PostProcessing');
    assert.equal(done.failedDocuments, undefined);
    assert.equal(done.fileUrls.length, 1);
    const url = new URL(done.fileUrls[0]);
    assert.equal(url.pathname, `/files/bulk-pdf-generation/${body.jobId}/exp_1.zip`);
    assert.equal(url.searchParams.get('X-Amz-Expires'), '86400');
    assert.equal(url.searchParams.get('X-Amz-SignedHeaders'), 'host');

    const zip = await download(done.fileUrls[0]);
    if (hasUnzip()) assert.ok(unzipTest(zip).ok, unzipTest(zip).output);
    else process.stdout.write(`# unzip -t skipped: ${NO_UNZIP}\n`);
    const entries = await readZipBuffer(zip);
    const expected = [inv[2]!, inv[0]!, cm[0]!, inv[1]!];
    // Request order: documents[] then objectIds; inv[1] comes last, from the third list.
    assert.deepEqual(
      entries.map((e) => e.name),
      [...expected.map((d) => d.pdfName), 'index.json'],
    );
    for (const [i, d] of expected.entries()) assert.ok(entries[i]!.data.equals(d.pdf!), d.pdfName);
    assert.deepEqual(JSON.parse(entries[4]!.data.toString('utf8')), {
      _metadata: expected.map((d) => ({
        accountNumber: d.accountNumber,
        documentType: d.docType,
        documentNumber: d.number,
        documentCreatedOn: d.createdAt.replace(/\.\d{3}Z$/, 'Z'),
        pdfFileName: d.pdfName,
        pdfFileCreatedOn: d.pdfCreatedAt!.replace(/\.\d{3}Z$/, 'Z'),
      })),
    });
    assert.match(expected[0]!.pdfName, /^INV\d{8}_A\d{8}_03122026\.pdf$/);
  });

  test('parts of at most part size, named _1.._N, each with a CSV index (RFC 4180, CRLF)', async () => {
    const docs = await seedDocuments(ctx.deps, scope, 5);
    const { jobId } = await createBulkPdfJob(
      ctx.deps,
      scope,
      {
        documents: [{ docType: 'Invoice', objectIds: docs.map((d) => d.id) }],
        fileName: 'parts',
        indexFileFormat: 'CSV',
      },
      'tester',
      { partSize: 2 },
    );
    await ctx.deps.queue.runUntilIdle();
    const job = await getBulkPdfJob(ctx.deps, scope, jobId);
    assert.equal(job.status, 'Completed');
    assert.deepEqual(
      job.fileUrls.map((u) => new URL(u).pathname.split('/').pop()),
      ['parts_1.zip', 'parts_2.zip', 'parts_3.zip'],
    );
    const sizes = [2, 2, 1];
    let at = 0;
    for (const [n, u] of job.fileUrls.entries()) {
      const entries = await readZipBuffer(await download(u));
      const of = docs.slice(at, at + sizes[n]!);
      at += sizes[n]!;
      assert.deepEqual(
        entries.map((e) => e.name),
        [...of.map((d) => d.pdfName), 'index.csv'],
      );
      const csv = entries.at(-1)!.data.toString('utf8');
      const lines = of.map(
        (d) =>
          `${d.accountNumber},Invoice,${d.number},${d.createdAt.replace(/\.\d{3}Z$/, 'Z')},${d.pdfName},${d.pdfCreatedAt!.replace(/\.\d{3}Z$/, 'Z')}\r\n`,
      );
      assert.equal(csv, `${INDEX_COLUMNS.join(',')}\r\n${lines.join('')}`);
    }
  });

  test('persistIndexFile=false leaves the index out', async () => {
    const docs = await seedDocuments(ctx.deps, scope, 2);
    const res = await post({
      ...base,
      fileName: 'noindex',
      persistIndexFile: false,
      documents: [{ docType: 'Invoice', objectIds: docs.map((d) => d.id) }],
    });
    await ctx.deps.queue.runUntilIdle();
    const job = (await get(res.json().jobId)).json();
    const entries = await readZipBuffer(await download(job.fileUrls[0]));
    assert.deepEqual(
      entries.map((e) => e.name),
      docs.map((d) => d.pdfName),
    );
  });

  test('an archived PDF with ignoreArchivedFiles=false ends the job in Error with no ZIP', async () => {
    const [ok] = await seedDocuments(ctx.deps, scope, 1);
    const [archived] = await seedDocuments(ctx.deps, scope, 1, { state: 'archived' });
    const res = await post({
      ...base,
      fileName: 'arch',
      documents: [{ docType: 'Invoice', objectIds: [ok!.id, archived!.id] }],
    });
    assert.deepEqual(res.json().invalidIds, []);
    assert.equal(res.json().skippedDocuments, undefined);
    await ctx.deps.queue.runUntilIdle();
    const job = (await get(res.json().jobId)).json();
    assert.equal(job.status, 'Error');
    assert.deepEqual(job.fileUrls, []);
    assert.deepEqual(job.failedDocuments, [{ docType: 'Invoice', objectIds: [archived!.id] }]);
    assert.match(job.message, /archived/);
    const stored = [];
    for await (const f of ctx.deps.files.list(`bulk-pdf-generation/${res.json().jobId}/`))
      stored.push(f);
    assert.deepEqual(stored, []);
  });

  test('nothing accepted: the job still completes with fileUrls []', async () => {
    const res = await post({
      ...base,
      documents: [{ docType: 'DebitMemo', objectIds: ['1'.repeat(32)] }],
    });
    assert.deepEqual(res.json().invalidIds, ['1'.repeat(32)]);
    await ctx.deps.queue.runUntilIdle();
    const job = (await get(res.json().jobId)).json();
    assert.equal(job.status, 'Completed');
    assert.equal(job.stepStatus, 'PostProcessing');
    assert.deepEqual(job.fileUrls, []);
  });

  test('generateMissingPDF renders missing PDFs; the ZIP holds the stored PDF byte for byte', async () => {
    const [missing] = await seedDocuments(ctx.deps, scope, 1, {
      state: 'none',
      docType: 'DebitMemo',
    });
    const res = await post({
      ...base,
      fileName: 'gen',
      generateMissingPDF: true,
      documents: [{ docType: 'DebitMemo', objectIds: [missing!.id] }],
    });
    assert.deepEqual(res.json().invalidIds, []);
    await ctx.deps.queue.runUntilIdle();
    const job = (await get(res.json().jobId)).json();
    assert.equal(job.status, 'Completed', JSON.stringify(job));
    const entries = await readZipBuffer(await download(job.fileUrls[0]));
    assert.equal(entries[0]!.name, missing!.pdfName);
    assert.equal(entries[0]!.data.subarray(0, 5).toString(), '%PDF-');
    const row = await ctx.deps.db.db
      .selectFrom('document_files')
      .selectAll()
      .where('document_id', '=', missing!.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.generation_status, 'Generated');
    const stored = Buffer.concat(await (await ctx.deps.files.get(row.storage_key!)).toArray());
    assert.ok(entries[0]!.data.equals(stored));
  });

  test('a replayed Idempotency-Key returns the same job and creates no second one', async () => {
    const docs = await seedDocuments(ctx.deps, scope, 1);
    const payload = { ...base, documents: [{ docType: 'Invoice', objectIds: [docs[0]!.id] }] };
    const a = await post(payload, { 'idempotency-key': 'bulk-1' });
    const b = await post(payload, { 'idempotency-key': 'bulk-1' });
    assert.equal(a.statusCode, 200);
    assert.equal(b.body, a.body);
    const rows = await ctx.deps.db.db
      .selectFrom('bulk_pdf_jobs')
      .select('id')
      .where('id', '=', a.json().jobId)
      .execute();
    assert.equal(rows.length, 1);
    const count = await ctx.deps.db.db
      .selectFrom('bulk_pdf_jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', t.tenantId)
      .where('file_name', '=', 'exp')
      .where('created_at', '=', '2026-03-15T10:00:00.000Z')
      .executeTakeFirstOrThrow();
    const again = await post(payload, { 'idempotency-key': 'bulk-1' });
    assert.equal(again.json().jobId, a.json().jobId);
    const count2 = await ctx.deps.db.db
      .selectFrom('bulk_pdf_jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', t.tenantId)
      .where('file_name', '=', 'exp')
      .where('created_at', '=', '2026-03-15T10:00:00.000Z')
      .executeTakeFirstOrThrow();
    assert.equal(Number(count2.n), Number(count.n));
  });

  test("an unknown job, or another tenant's, is cat40 50000040", async () => {
    const docs = await seedDocuments(ctx.deps, scope, 1);
    const mine = (
      await post({ ...base, documents: [{ docType: 'Invoice', objectIds: [docs[0]!.id] }] })
    ).json().jobId;
    const otherToken = await tokenFor(ctx.app, other);
    for (const res of [await get('9'.repeat(32)), await get(mine, otherToken)]) {
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().success, false);
      assert.equal(res.json().reasons[0].code, '50000040');
    }
  });
});

describe('bulk PDF export of 1,001 documents [sqlite]', () => {
  test('1,001 documents give exactly two ZIPs, of 1,000 and of 1', async () => {
    const ctx = await createTestContext({ name: 'sqlite' });
    try {
      const t = await seedTenant(ctx.deps, 'Big');
      const scope = { tenantId: t.tenantId, entityId: t.entityId };
      const docs = await seedDocuments(ctx.deps, scope, 1001);
      const { jobId, invalidIds } = await createBulkPdfJob(
        ctx.deps,
        scope,
        {
          documents: [{ docType: 'Invoice', objectIds: docs.map((d) => d.id) }],
          fileName: 'big',
          indexFileFormat: 'JSON',
        },
        'tester',
      );
      assert.deepEqual(invalidIds, []);
      await ctx.deps.queue.runUntilIdle();
      const job = await getBulkPdfJob(ctx.deps, scope, jobId);
      assert.equal(job.status, 'Completed');
      assert.equal(job.fileUrls.length, 2);
      const counts = [];
      for (const n of [1, 2]) {
        const z = await readZipBuffer(
          Buffer.concat(
            await (await ctx.deps.files.get(`bulk-pdf-generation/${jobId}/big_${n}.zip`)).toArray(),
          ),
        );
        counts.push(z.length - 1);
        assert.equal(z.at(-1)!.name, 'index.json');
        assert.equal(
          (JSON.parse(z.at(-1)!.data.toString()) as { _metadata: unknown[] })._metadata.length,
          z.length - 1,
        );
      }
      assert.deepEqual(counts, [1000, 1]);
      // A retried part rewrites the same key and counts nothing twice.
      await zipPart(ctx.deps, { jobId, ...scope, part: 2 }, new AbortController().signal);
      const again = await getBulkPdfJob(ctx.deps, scope, jobId);
      assert.deepEqual(again.fileUrls, job.fileUrls);
      const keys = [];
      for await (const f of ctx.deps.files.list(`bulk-pdf-generation/${jobId}/`)) keys.push(f.key);
      assert.deepEqual(keys, [
        `bulk-pdf-generation/${jobId}/big_1.zip`,
        `bulk-pdf-generation/${jobId}/big_2.zip`,
      ]);
    } finally {
      await ctx.close();
    }
  });
});
