/**
 * The one FileStore contract (STYLE.md "Jobs": every FileStore adapter passes one shared contract
 * test), run by `files.test.ts` (local, memory) and `s3.test.ts` (S3 against s3rver).
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { isAppError } from '../src/platform/errors.ts';
import { copyFile, type FileStore } from '../src/platform/files/files.ts';

export const read = async (s: Promise<Readable>): Promise<string> =>
  (await buffer(await s)).toString();
const collect = async (it: AsyncIterable<{ key: string }>): Promise<string[]> => {
  const out: string[] = [];
  for await (const i of it) out.push(i.key);
  return out;
};
export const refusedAs = (kind: string) => (e: unknown) => isAppError(e) && e.kind === kind;

/** Any stream that fails half-way, as a crashed renderer or a dropped upload would. */
export const failingStream = (): Readable =>
  Readable.from(
    (async function* () {
      yield Buffer.from('half of a new ');
      throw new Error('source failed');
    })(),
  );

const BAD_KEYS = [
  '../escape',
  'a/../../escape',
  'a/..',
  './a',
  '/etc/passwd',
  'C:/windows',
  'a\\b',
  '..\\escape',
  'a\0b',
  'a//b',
  'a/',
  '',
  'x'.repeat(1025),
];

export const fileStoreContract = (
  name: string,
  make: () => FileStore,
  /** Origin the store's signed URLs point at (Folio's public URL, or the S3 endpoint). */
  origin: string | (() => string) = 'http://files.test',
  /** Query parameters the store adds beyond the six of C5.7 (S3's SDK adds two of its own). */
  extraQuery: string[] = [],
): void => {
  describe(`FileStore contract: ${name}`, () => {
    let files: FileStore;
    before(() => {
      files = make();
    });

    test('put from a Buffer and from a stream, then get returns the same bytes', async () => {
      const a = await files.put('c/one.txt', Buffer.from('hello world'), {
        contentType: 'text/plain',
      });
      assert.deepEqual(a, { key: 'c/one.txt', size: 11, contentType: 'text/plain' });
      const chunks = ['PK', '\u0003\u0004', 'rest of a zip'];
      const b = await files.put(
        'c/deep/two.zip',
        Readable.from(chunks.map((c) => Buffer.from(c))),
        {
          contentType: 'application/zip',
        },
      );
      assert.equal(b.size, Buffer.byteLength(chunks.join('')));
      assert.equal(await read(files.get('c/one.txt')), 'hello world');
      assert.equal(await read(files.get('c/deep/two.zip')), chunks.join(''));
    });

    test('head gives size and content type, and undefined when absent', async () => {
      assert.deepEqual(await files.head('c/one.txt'), {
        key: 'c/one.txt',
        size: 11,
        contentType: 'text/plain',
      });
      assert.equal(await files.head('c/none.txt'), undefined);
      await assert.rejects(files.get('c/none.txt'), refusedAs('not_found'));
    });

    test('get with a range returns exactly those bytes; an unsatisfiable range is refused', async () => {
      assert.equal(await read(files.get('c/one.txt', { range: { start: 0, end: 4 } })), 'hello');
      assert.equal(await read(files.get('c/one.txt', { range: { start: 6 } })), 'world');
      assert.equal(await read(files.get('c/one.txt', { range: { start: 10, end: 99 } })), 'd');
      await assert.rejects(files.get('c/one.txt', { range: { start: 11 } }), refusedAs('invalid'));
      await assert.rejects(
        files.get('c/one.txt', { range: { start: 5, end: 2 } }),
        refusedAs('invalid'),
      );
    });

    test('put replaces an object; an empty object round-trips', async () => {
      await files.put('c/one.txt', Buffer.from('replaced'), { contentType: 'text/x-new' });
      assert.equal(await read(files.get('c/one.txt')), 'replaced');
      assert.equal((await files.head('c/one.txt'))?.contentType, 'text/x-new');
      await files.put('c/empty', Buffer.alloc(0), { contentType: 'application/octet-stream' });
      assert.equal((await files.head('c/empty'))?.size, 0);
      assert.equal(await read(files.get('c/empty')), '');
    });

    test('copyFile copies bytes and type; a later put to either key leaves the other alone', async () => {
      await files.put('cp/src.pdf', Buffer.from('%PDF-original'), {
        contentType: 'application/pdf',
      });
      assert.deepEqual(await copyFile(files, 'cp/src.pdf', 'cp/copy/dst.pdf'), {
        key: 'cp/copy/dst.pdf',
        size: 13,
        contentType: 'application/pdf',
      });
      await files.put('cp/src.pdf', Buffer.from('%PDF-changed'), {
        contentType: 'application/pdf',
      });
      assert.equal(await read(files.get('cp/copy/dst.pdf')), '%PDF-original');
      await copyFile(files, 'cp/copy/dst.pdf', 'cp/src.pdf');
      assert.equal(await read(files.get('cp/src.pdf')), '%PDF-original');
      await files.delete('cp/copy/dst.pdf');
      assert.equal(await read(files.get('cp/src.pdf')), '%PDF-original');
      await assert.rejects(copyFile(files, 'cp/none', 'cp/x'), refusedAs('not_found'));
    });

    test('a put whose stream fails leaves the previous object intact and nothing new', async () => {
      await assert.rejects(
        files.put('c/one.txt', failingStream(), { contentType: 'text/plain' }),
        /source failed/,
      );
      assert.equal(await read(files.get('c/one.txt')), 'replaced');
      await assert.rejects(
        files.put('c/never.txt', failingStream(), { contentType: 'text/plain' }),
        /source failed/,
      );
      assert.equal(await files.head('c/never.txt'), undefined);
    });

    test('list yields every key under a prefix, in key order, and nothing else', async () => {
      await files.put('l/b', Buffer.from('1'), { contentType: 'text/plain' });
      await files.put('l/a/z', Buffer.from('22'), { contentType: 'text/plain' });
      await files.put('l/a/y', Buffer.from('333'), { contentType: 'text/plain' });
      await files.put('l/ab', Buffer.from('4'), { contentType: 'text/plain' });
      await files.put('lx', Buffer.from('5'), { contentType: 'text/plain' });
      assert.deepEqual(await collect(files.list('l/')), ['l/a/y', 'l/a/z', 'l/ab', 'l/b']);
      assert.deepEqual(await collect(files.list('l/a')), ['l/a/y', 'l/a/z', 'l/ab']);
      assert.deepEqual(await collect(files.list('l/a/')), ['l/a/y', 'l/a/z']);
      assert.deepEqual(await collect(files.list('nothing/')), []);
      const sizes: number[] = [];
      for await (const i of files.list('l/a/')) sizes.push(i.size);
      assert.deepEqual(sizes, [3, 2]);
      assert.ok((await collect(files.list(''))).includes('lx'));
    });

    test('delete removes an object once; a second delete says it was not there', async () => {
      assert.equal(await files.delete('l/b'), true);
      assert.equal(await files.head('l/b'), undefined);
      assert.equal(await files.delete('l/b'), false);
      assert.deepEqual(await collect(files.list('l/')), ['l/a/y', 'l/a/z', 'l/ab']);
    });

    test('keys that could escape the root are refused by every operation', async () => {
      for (const key of BAD_KEYS) {
        const msg = `key ${JSON.stringify(key.slice(0, 20))}`;
        await assert.rejects(
          files.put(key, Buffer.from('x'), { contentType: 'text/plain' }),
          refusedAs('invalid'),
          msg,
        );
        await assert.rejects(files.get(key), refusedAs('invalid'), msg);
        await assert.rejects(files.head(key), refusedAs('invalid'), msg);
        await assert.rejects(files.delete(key), refusedAs('invalid'), msg);
        await assert.rejects(files.signedUrl(key), refusedAs('invalid'), msg);
      }
      assert.throws(() => files.list('../'), refusedAs('invalid'));
      assert.throws(() => files.list('/abs'), refusedAs('invalid'));
    });

    test('signedUrl is absolute, ends in the encoded key and has the presigned query', async () => {
      await files.put('bulk-pdf-generation/j1/My file_1.zip', Buffer.from('zip'), {
        contentType: 'application/zip',
      });
      const url = new URL(await files.signedUrl('bulk-pdf-generation/j1/My file_1.zip'));
      assert.equal(url.origin, typeof origin === 'string' ? origin : origin());
      assert.match(url.pathname, /\/bulk-pdf-generation\/j1\/My%20file_1\.zip$/);
      assert.deepEqual(
        [...url.searchParams.keys()].sort(),
        [
          'X-Amz-Algorithm',
          'X-Amz-Credential',
          'X-Amz-Date',
          'X-Amz-Expires',
          'X-Amz-Signature',
          'X-Amz-SignedHeaders',
          ...extraQuery,
        ].sort(),
      );
    });
  });
};
