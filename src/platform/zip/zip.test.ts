import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { createZipWriter, type ZipWriterOptions } from './zip.ts';
import { AppError } from '../errors.ts';

const unzipMissing =
  spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0
    ? false
    : 'unzip is not installed (apt-get install unzip; .ci/run installs it)';

const dir = mkdtempSync(join(tmpdir(), 'folio-zip-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmpFile = (): string => join(dir, `t${n++}.zip`);

interface Read {
  name: string;
  data: Buffer;
  crc: number;
  method: number;
}

/**
 * Every entry of a ZIP file, in central-directory order, through yauzl (an independent reader).
 * `wanted` limits which entries have their bytes read (the others come back empty).
 */
const readZip = (file: string, wanted: (index: number) => boolean = () => true): Promise<Read[]> =>
  new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, strictFileNames: true }, (err, zip) => {
      if (err) return reject(err);
      const out: Read[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (e: yauzl.Entry) => {
        if (!wanted(out.length)) {
          out.push({
            name: e.fileName,
            data: Buffer.alloc(0),
            crc: e.crc32,
            method: e.compressionMethod,
          });
          zip.readEntry();
          return;
        }
        zip.openReadStream(e, (err2, rs) => {
          if (err2) return reject(err2);
          const chunks: Buffer[] = [];
          rs.on('data', (c: Buffer) => chunks.push(c));
          rs.on('error', reject);
          rs.on('end', () => {
            out.push({
              name: e.fileName,
              data: Buffer.concat(chunks),
              crc: e.crc32,
              method: e.compressionMethod,
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });

const unzipTest = (file: string): { ok: boolean; output: string } => {
  const r = spawnSync('unzip', ['-tq', file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: r.stdout + r.stderr };
};

const sample = (i: number, size: number): Buffer => {
  const b = Buffer.alloc(size);
  for (let k = 0; k < size; k++) b[k] = (i * 31 + k * 7) & 0xff;
  return b;
};

const chunked = (data: Buffer, chunk: number): Readable =>
  Readable.from(
    (function* () {
      for (let k = 0; k < data.length; k += chunk) yield data.subarray(k, k + chunk);
    })(),
  );

type Entry = { name: string; data: Buffer; how: 'buffer' | 'stream' | 'stream-sized' };

const writeZip = async (file: string, entries: Entry[], opts: ZipWriterOptions = {}) => {
  const zip = createZipWriter(createWriteStream(file), opts);
  const mtime = new Date('2024-03-14T08:32:05Z');
  for (const e of entries) {
    if (e.how === 'buffer') await zip.addBuffer(e.name, e.data, { mtime });
    else if (e.how === 'stream') await zip.addStream(e.name, chunked(e.data, 1000), { mtime });
    else await zip.addStream(e.name, chunked(e.data, 4096), { mtime, size: e.data.length });
  }
  return zip.finish();
};

const mixed = (): Entry[] => [
  { name: 'INV00000001_A00000001_03122024.pdf', data: sample(1, 30_000), how: 'buffer' },
  { name: 'CM00000002_A00000001_03122024.pdf', data: sample(2, 12_345), how: 'stream' },
  { name: 'DM00000003_A00000002_03132024.pdf', data: sample(3, 70_001), how: 'stream-sized' },
  { name: 'empty.txt', data: Buffer.alloc(0), how: 'buffer' },
  { name: 'empty-stream.txt', data: Buffer.alloc(0), how: 'stream' },
  { name: 'Société_ß_€.pdf', data: sample(4, 10), how: 'buffer' },
  { name: 'index.json', data: Buffer.from('{"_metadata":[]}'), how: 'stream-sized' },
];

for (const forceZip64 of [false, true]) {
  const label = forceZip64 ? 'with ZIP64 fields forced' : 'without ZIP64';
  test(`buffers and streams round-trip byte-exact, in order, STORE (${label})`, async () => {
    const file = tmpFile();
    const entries = mixed();
    const summary = await writeZip(file, entries, { forceZip64 });
    const bytes = readFileSync(file);
    assert.equal(summary.bytes, bytes.length);
    assert.equal(summary.entries, entries.length);
    const read = await readZip(file);
    assert.deepEqual(
      read.map((r) => r.name),
      entries.map((e) => e.name),
    );
    for (const [i, r] of read.entries()) {
      assert.equal(r.method, 0, 'STORE');
      assert.ok(r.data.equals(entries[i]!.data), `entry ${r.name} differs`);
      assert.equal(r.crc, crc32(entries[i]!.data), `CRC of ${r.name}`);
    }
  });

  test(`unzip -t accepts the archive (${label})`, { skip: unzipMissing }, async () => {
    const file = tmpFile();
    await writeZip(file, mixed(), { forceZip64 });
    const r = unzipTest(file);
    assert.ok(r.ok, r.output);
    assert.match(r.output, /No errors detected/);
  });
}

test('the same entries give the same bytes', async () => {
  const a = tmpFile();
  const b = tmpFile();
  await writeZip(a, mixed());
  await writeZip(b, mixed());
  const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
  assert.equal(hash(a), hash(b));
});

test('more than 65,535 entries switch to ZIP64 end records and every entry is readable', async (t) => {
  const file = tmpFile();
  const count = 70_002;
  const zip = createZipWriter(createWriteStream(file));
  for (let i = 0; i < count; i++) await zip.addBuffer(`f${i}.txt`, Buffer.from(`entry ${i}\n`));
  const summary = await zip.finish();
  assert.equal(summary.entries, count);
  const bytes = readFileSync(file);
  // The classic end record says 0xFFFF and a ZIP64 end record + locator precede it.
  const eocd = bytes.subarray(bytes.length - 22);
  assert.equal(eocd.readUInt32LE(0), 0x06054b50);
  assert.equal(eocd.readUInt16LE(10), 0xffff);
  const locator = bytes.subarray(bytes.length - 42, bytes.length - 22);
  assert.equal(locator.readUInt32LE(0), 0x07064b50);
  const eocd64 = bytes.subarray(Number(locator.readBigUInt64LE(8)));
  assert.equal(eocd64.readUInt32LE(0), 0x06064b50);
  assert.equal(eocd64.readBigUInt64LE(32), BigInt(count));
  const read = await readZip(file, (i) => i % 5000 === 0 || i >= 65_530);
  assert.equal(read.length, count);
  assert.deepEqual(
    read.map((r) => r.name),
    Array.from({ length: count }, (_, i) => `f${i}.txt`),
  );
  assert.equal(read[5000]!.data.toString(), 'entry 5000\n');
  assert.equal(read[count - 1]!.name, `f${count - 1}.txt`);
  assert.equal(read[count - 1]!.data.toString(), `entry ${count - 1}\n`);
  assert.equal(read[65_536]!.data.toString(), 'entry 65536\n');
  await t.test('unzip -t accepts it', { skip: unzipMissing }, () => {
    const r = unzipTest(file);
    assert.ok(r.ok, r.output.slice(-2000));
  });
});

test('a ZIP with no entries is valid and empty', async () => {
  const file = tmpFile();
  const summary = await createZipWriter(createWriteStream(file)).finish();
  assert.equal(summary.bytes, 22);
  assert.deepEqual(await readZip(file), []);
});

test('unsafe and duplicate names are refused as invalid; the writer stays usable', async () => {
  const file = tmpFile();
  const zip = createZipWriter(createWriteStream(file));
  await zip.addBuffer('a.pdf', Buffer.from('a'));
  for (const bad of [
    '',
    '../evil.pdf',
    'x/../../evil',
    '/abs.pdf',
    'C:evil',
    'a\\b.pdf',
    'nul\u0000.pdf',
    'a.pdf',
    'x'.repeat(70_000),
  ]) {
    await assert.rejects(
      zip.addBuffer(bad, Buffer.from('x')),
      (e: unknown) => e instanceof AppError && e.kind === 'invalid',
      `name ${JSON.stringify(bad.slice(0, 20))}`,
    );
  }
  await zip.addBuffer('b.pdf', Buffer.from('b'));
  await zip.finish();
  assert.deepEqual(
    (await readZip(file)).map((r) => r.name),
    ['a.pdf', 'b.pdf'],
  );
});

test('a stream shorter than its declared size fails the entry and poisons the writer', async () => {
  const zip = createZipWriter(createWriteStream(tmpFile()));
  await assert.rejects(
    zip.addStream('a.pdf', chunked(sample(1, 100), 10), { size: 101 }),
    /100 bytes written, 101 declared/,
  );
  await assert.rejects(zip.addBuffer('b.pdf', Buffer.from('b')), /failed earlier/);
});

test('concurrent calls are refused rather than interleaved', async () => {
  const zip = createZipWriter(createWriteStream(tmpFile()));
  const first = zip.addStream('a.pdf', chunked(sample(1, 100_000), 100));
  await assert.rejects(zip.addBuffer('b.pdf', Buffer.from('b')), /one at a time/);
  await first;
  await zip.finish();
});

test('an output that fails rejects the pending call instead of crashing', async () => {
  const out = new Writable({
    highWaterMark: 16,
    write(_chunk, _enc, cb) {
      cb(new Error('disk full'));
    },
  });
  const zip = createZipWriter(out, { highWaterMark: 16 });
  await assert.rejects(async () => {
    await zip.addBuffer('a.pdf', sample(1, 1000));
    await zip.addBuffer('b.pdf', sample(2, 1000));
    await zip.finish();
  }, /disk full/);
});

test('a source stream that errors fails the entry', async () => {
  const zip = createZipWriter(createWriteStream(tmpFile()));
  const broken = Readable.from(
    (async function* () {
      yield Buffer.from('start');
      throw new Error('source gone');
    })(),
  );
  await assert.rejects(zip.addStream('a.pdf', broken), /source gone/);
});
