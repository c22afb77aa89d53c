import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDb, createTestContext, dbTargets } from '../../test/harness.ts';
import { SIGNING_SECRET_SETTING } from '../deps.ts';

const PDF = Buffer.from('%PDF-1.7\n' + 'x'.repeat(991)); // 1,000 bytes
const KEY = 'bulk-pdf-generation/0a1b2c/Invoices_1.zip';
const ZIP = Buffer.from('PK\u0003\u0004' + '0123456789'.repeat(10)); // 104 bytes

const expectDenied = (
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  message: string,
) => {
  assert.equal(res.statusCode, 403);
  assert.match(String(res.headers['content-type']), /^application\/xml/);
  assert.match(
    res.body,
    new RegExp(`^<\\?xml[^>]*\\?>\\n<Error><Code>AccessDenied</Code><Message>${message}</Message>`),
  );
  assert.ok(!res.body.includes('PK'), 'no file bytes in a refusal');
};

/** Path + query of a signed URL, as a client would send them. */
const pathOf = (url: string): string => {
  const u = new URL(url);
  return u.pathname + u.search;
};

forEachDb(
  'GET /files/… (presigned downloads)',
  (ctx) => {
    let url: string;
    test('setup: store a ZIP and sign its URL', async () => {
      await ctx.deps.files.put(KEY, ZIP, { contentType: 'application/zip' });
      url = await ctx.deps.files.signedUrl(KEY, { tenantId: 'f'.repeat(32) });
    });

    test('the URL has S3 presigned form: publicUrl + /files/<key> and the X-Amz query', () => {
      const u = new URL(url);
      assert.equal(u.origin, 'http://files.example.test');
      assert.equal(u.pathname, `/files/${KEY}`);
      assert.equal(u.searchParams.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');
      assert.equal(u.searchParams.get('X-Amz-Date'), '20260315T100000Z');
      assert.equal(u.searchParams.get('X-Amz-Expires'), '86400');
      assert.equal(u.searchParams.get('X-Amz-SignedHeaders'), 'host');
      assert.equal(
        u.searchParams.get('X-Amz-Credential'),
        `${'f'.repeat(32)}/20260315/folio/s3/aws4_request`,
      );
      assert.match(u.searchParams.get('X-Amz-Signature') ?? '', /^[0-9a-f]{64}$/);
    });

    test('a valid URL downloads without authorization, with type, length and disposition', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: pathOf(url) });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/zip');
      assert.equal(res.headers['content-length'], String(ZIP.length));
      assert.equal(res.headers['content-disposition'], 'attachment; filename="Invoices_1.zip"');
      assert.equal(res.headers['accept-ranges'], 'bytes');
      assert.deepEqual(res.rawPayload, ZIP);
    });

    test('HEAD answers the same headers and no body', async () => {
      const res = await ctx.app.inject({ method: 'HEAD', url: pathOf(url) });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-length'], String(ZIP.length));
      assert.equal(res.rawPayload.length, 0);
    });

    test('Range gives 206 with Content-Range and exactly those bytes', async () => {
      const cases: [string, number, number][] = [
        ['bytes=0-3', 0, 3],
        ['bytes=100-', 100, 103],
        ['bytes=-4', 100, 103],
        ['bytes=50-9999', 50, 103],
      ];
      for (const [range, start, end] of cases) {
        const res = await ctx.app.inject({ method: 'GET', url: pathOf(url), headers: { range } });
        assert.equal(res.statusCode, 206, range);
        assert.equal(res.headers['content-range'], `bytes ${start}-${end}/${ZIP.length}`);
        assert.equal(res.headers['content-length'], String(end - start + 1));
        assert.deepEqual(res.rawPayload, ZIP.subarray(start, end + 1), range);
      }
    });

    test('an unsatisfiable Range gives 416 with bytes */size and no bytes', async () => {
      for (const range of ['bytes=104-', 'bytes=200-300', 'bytes=-0']) {
        const res = await ctx.app.inject({ method: 'GET', url: pathOf(url), headers: { range } });
        assert.equal(res.statusCode, 416, range);
        assert.equal(res.headers['content-range'], `bytes */${ZIP.length}`);
        assert.match(res.body, /<Code>InvalidRange<\/Code>/);
      }
    });

    test('changing any query parameter or adding one gives 403 signature mismatch', async () => {
      const u = new URL(url);
      const changes: [string, string][] = [
        ['X-Amz-Algorithm', 'AWS4-HMAC-SHA1'],
        ['X-Amz-Credential', `${'e'.repeat(32)}/20260315/folio/s3/aws4_request`],
        ['X-Amz-Date', '20260315T100001Z'],
        ['X-Amz-Expires', '86401'],
        ['X-Amz-SignedHeaders', 'host;range'],
        ['X-Amz-Signature', 'a'.repeat(64)],
      ];
      for (const [name, value] of changes) {
        const v = new URL(u);
        v.searchParams.set(name, value);
        const res = await ctx.app.inject({ method: 'GET', url: v.pathname + v.search });
        expectDenied(res, 'Request signature does not match');
      }
      for (const extra of ['&response-content-type=text/html', '&X-Amz-Expires=5']) {
        const res = await ctx.app.inject({ method: 'GET', url: pathOf(url) + extra });
        expectDenied(res, 'Request signature does not match');
      }
      const without = new URL(u);
      without.searchParams.delete('X-Amz-Signature');
      expectDenied(
        await ctx.app.inject({ method: 'GET', url: without.pathname + without.search }),
        'Request signature does not match',
      );
    });

    test('changing the path — even to another stored object — gives 403 signature mismatch', async () => {
      await ctx.deps.files.put('bulk-pdf-generation/0a1b2c/Invoices_2.zip', ZIP, {
        contentType: 'application/zip',
      });
      const u = new URL(url);
      for (const path of [
        u.pathname.replace('_1.zip', '_2.zip'),
        u.pathname.replace('/files/', '/files/x/'),
        `${u.pathname}/`,
      ]) {
        const res = await ctx.app.inject({ method: 'GET', url: path + u.search });
        expectDenied(res, 'Request signature does not match');
      }
    });

    test('past its expiry on the clock the URL gives 403 Request has expired', async () => {
      ctx.clock.advance(86_399_000);
      assert.equal((await ctx.app.inject({ method: 'GET', url: pathOf(url) })).statusCode, 200);
      ctx.clock.advance(1_000);
      expectDenied(
        await ctx.app.inject({ method: 'GET', url: pathOf(url) }),
        'Request has expired',
      );
      const ranged = await ctx.app.inject({
        method: 'GET',
        url: pathOf(url),
        headers: { range: 'bytes=0-1' },
      });
      expectDenied(ranged, 'Request has expired');
    });

    test('a URL to a deleted object gives 403 and no bytes', async () => {
      const fresh = await ctx.deps.files.signedUrl(KEY, { expiresIn: 60 });
      assert.equal((await ctx.app.inject({ method: 'GET', url: pathOf(fresh) })).statusCode, 200);
      assert.equal(await ctx.deps.files.delete(KEY), true);
      expectDenied(await ctx.app.inject({ method: 'GET', url: pathOf(fresh) }), 'Access Denied');
    });

    test('a non-ASCII file name is downloadable and named with filename*', async () => {
      await ctx.deps.files.put('exports/Rechnungen "März".pdf', PDF, {
        contentType: 'application/pdf',
      });
      const u = await ctx.deps.files.signedUrl('exports/Rechnungen "März".pdf');
      const res = await ctx.app.inject({ method: 'GET', url: pathOf(u) });
      assert.equal(res.statusCode, 200);
      assert.equal(
        res.headers['content-disposition'],
        `attachment; filename="Rechnungen _M_rz_.pdf"; filename*=UTF-8''Rechnungen%20%22M%C3%A4rz%22.pdf`,
      );
      assert.deepEqual(res.rawPayload, PDF);
    });

    test('the generated signing secret is kept in the database and shared by every node', async () => {
      const row = await ctx.deps.db.db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', SIGNING_SECRET_SETTING)
        .executeTakeFirst();
      assert.match(row?.value ?? '', /^[0-9a-f]{64}$/);
    });
  },
  { config: { publicUrl: 'http://files.example.test' } },
);

// A second node on the same SQLite file stands for "every node of a deployment".
test('a URL signed by one node verifies on another that shares the database', async () => {
  const target = dbTargets()[0]!;
  const a = await createTestContext(target, { config: { filesUrl: 'memory:' } });
  try {
    const b = await createTestContext(target, {
      config: { dbUrl: a.deps.config.dbUrl, filesUrl: 'memory:' },
    });
    try {
      await b.deps.files.put('k/x.bin', Buffer.from('abc'), {
        contentType: 'application/octet-stream',
      });
      const url = await a.deps.urls.sign('k/x.bin');
      const res = await b.app.inject({ method: 'GET', url: pathOf(url) });
      assert.equal(res.statusCode, 200);
      assert.equal(res.body, 'abc');
    } finally {
      await b.close();
    }
  } finally {
    await a.close();
  }
});

forEachDb(
  'GET /files/… with a configured signing secret',
  (ctx) => {
    test('a configured secret is used and nothing is written to settings', async () => {
      await ctx.deps.files.put('a.txt', Buffer.from('hi'), { contentType: 'text/plain' });
      const url = await ctx.deps.files.signedUrl('a.txt');
      const res = await ctx.app.inject({ method: 'GET', url: pathOf(url) });
      assert.equal(res.statusCode, 200);
      assert.equal(res.body, 'hi');
      const rows = await ctx.deps.db.db.selectFrom('settings').selectAll().execute();
      assert.equal(
        rows.find((r) => r.key === SIGNING_SECRET_SETTING),
        undefined,
      );
    });
  },
  { config: { signingSecret: 'configured-signing-secret-0123456789', filesUrl: 'memory:' } },
);
