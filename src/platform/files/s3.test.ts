/**
 * The S3 FileStore against a real S3-compatible server (s3rver, started here): the shared
 * FileStore contract, multipart streaming, prefix isolation, and presigned URLs that plain curl
 * downloads and that S3 itself refuses once expired.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { manualClock } from '../clock.ts';
import { parseS3Url, s3FileStore, type S3FileStore } from './s3.ts';
import { fileStoreContract, read } from '../../../test/file-store-contract.ts';
import { startS3Server, type S3TestServer } from '../../../test/s3-server.ts';

const run = promisify(execFile);
let s3: S3TestServer;
const stores: S3FileStore[] = [];
// S3 (and s3rver) judge expiry by their own wall clock, so URLs are signed near real time.
const clock = manualClock(new Date());

before(async () => {
  s3 = await startS3Server();
});
after(async () => {
  for (const s of stores) s.close();
  await s3.stop();
});

const open = (url = 's3://folio-test/tenant-files', partSize?: number): S3FileStore => {
  const store = s3FileStore({
    url,
    ...s3.settings,
    expirySeconds: 86_400,
    clock,
    ...(partSize === undefined ? {} : { partSize }),
  });
  stores.push(store);
  return store;
};

// C5.7 allows "S3 pre-signed" URLs: AWS SDK v3 adds `X-Amz-Content-Sha256=UNSIGNED-PAYLOAD` and
// `x-id=GetObject` to the six parameters, and both are signed, so they stay.
fileStoreContract(
  's3 (s3rver)',
  () => open(),
  () => s3.endpoint,
  ['X-Amz-Content-Sha256', 'x-id'],
);

/** `n` bytes of a repeatable pattern, streamed in 64 KiB chunks. */
const patterned = (n: number, failAfter?: number): Readable =>
  Readable.from(
    (function* () {
      for (let at = 0; at < n; at += 65_536) {
        if (failAfter !== undefined && at >= failAfter) throw new Error('source failed');
        const c = Buffer.alloc(Math.min(65_536, n - at));
        for (let i = 0; i < c.length; i++) c[i] = (at + i) % 251;
        yield c;
      }
    })(),
  );
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('S3 FileStore specifics', () => {
  test('a stream larger than a part is uploaded in parts and reads back byte for byte', async () => {
    const files = open();
    const n = 12 * 1024 * 1024 + 123;
    const info = await files.put('big/stream.zip', patterned(n), {
      contentType: 'application/zip',
    });
    assert.deepEqual(info, { key: 'big/stream.zip', size: n, contentType: 'application/zip' });
    const expected = await buffer(patterned(n));
    const got = await buffer(await files.get('big/stream.zip'));
    assert.equal(sha(got), sha(expected));
    // s3rver reports a completed multipart upload as `ObjectCreated:Post`, a single PUT as `:Put`.
    assert.deepEqual(
      s3.events.filter((e) => e.key === 'tenant-files/big/stream.zip').map((e) => e.name),
      ['ObjectCreated:Post'],
    );
  });

  test('a multipart upload whose source fails after some parts leaves no object', async () => {
    const files = open();
    await assert.rejects(
      files.put('big/broken.zip', patterned(20 * 1024 * 1024, 11 * 1024 * 1024), {
        contentType: 'application/zip',
      }),
      /source failed/,
    );
    assert.equal(await files.head('big/broken.zip'), undefined);
  });

  test('stores on different prefixes of one bucket never see each other', async () => {
    const a = open('s3://folio-test/a');
    const b = open('s3://folio-test/a-b/c');
    const root = open('s3://folio-test');
    await a.put('k.txt', Buffer.from('A'), { contentType: 'text/plain' });
    await b.put('k.txt', Buffer.from('B'), { contentType: 'text/plain' });
    assert.equal(await read(a.get('k.txt')), 'A');
    assert.equal(await read(b.get('k.txt')), 'B');
    const keysOf = async (s: S3FileStore, p: string): Promise<string[]> => {
      const keys: string[] = [];
      for await (const i of s.list(p)) keys.push(i.key);
      return keys;
    };
    assert.deepEqual(await keysOf(a, ''), ['k.txt']);
    assert.deepEqual(await keysOf(b, ''), ['k.txt']);
    // The bucket root sees where each object really lives.
    // Sorted here: s3rver lists in directory-walk order, where S3 lists in UTF-8 binary order.
    assert.deepEqual((await keysOf(root, 'a')).sort(), ['a-b/c/k.txt', 'a/k.txt']);
    assert.equal(await a.delete('k.txt'), true);
    assert.equal(await read(b.get('k.txt')), 'B');
  });

  test('a presigned URL downloads with plain curl, and S3 refuses it once expired', async () => {
    const files = open();
    const body = Buffer.from('%PDF-1.3 not really a zip, but bytes all the same');
    await files.put('bulk-pdf-generation/j9/Invoices 2026_1.zip', body, {
      contentType: 'application/zip',
    });
    const url = await files.signedUrl('bulk-pdf-generation/j9/Invoices 2026_1.zip', {
      tenantId: 'a'.repeat(32),
    });
    assert.match(
      url,
      /\/folio-test\/tenant-files\/bulk-pdf-generation\/j9\/Invoices%202026_1\.zip\?/,
    );
    assert.equal(new URL(url).searchParams.get('X-Amz-Expires'), '86400');
    const ok = await run('curl', ['-sS', '-w', '\\n%{http_code}', url], { encoding: 'buffer' });
    const out = ok.stdout as Buffer;
    assert.equal(out.subarray(out.lastIndexOf('\n') + 1).toString(), '200');
    assert.deepEqual(out.subarray(0, out.lastIndexOf('\n')), body);

    // Signed 25 h ago with the 24 h lifetime of C5.7: expired for S3's own clock.
    const past = manualClock(new Date(Date.now() - 25 * 3600 * 1000));
    const old = s3FileStore({
      url: 's3://folio-test/tenant-files',
      ...s3.settings,
      expirySeconds: 86_400,
      clock: past,
    });
    stores.push(old);
    const expired = await old.signedUrl('bulk-pdf-generation/j9/Invoices 2026_1.zip');
    const refused = await run('curl', ['-sS', '-w', '\\n%{http_code}', expired]);
    const text = refused.stdout;
    assert.equal(text.slice(text.lastIndexOf('\n') + 1), '403');
    assert.match(text, /<Code>AccessDenied<\/Code>/);
    assert.ok(!text.includes('not really a zip'));
  });

  test('the bucket and prefix are parsed from the URL, and bad ones are refused at start', () => {
    assert.deepEqual(parseS3Url('s3://folio-test'), { bucket: 'folio-test', prefix: '' });
    assert.deepEqual(parseS3Url('s3://folio-test/a/b/'), { bucket: 'folio-test', prefix: 'a/b' });
    for (const bad of [
      's3://Folio_Test/x',
      's3://ab',
      's3://folio-test/../x',
      's3://folio-test/a//b',
    ])
      assert.throws(() => parseS3Url(bad), Error, bad);
  });
});
