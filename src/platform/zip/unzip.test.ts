import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { createZipWriter } from './zip.ts';
import { checkZipFile } from './unzip.ts';
import { AppError } from '../errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'folio-unzip-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const written = async (entries: [string, Buffer][], forceZip64 = false): Promise<string> => {
  const file = join(dir, `w${n++}.zip`);
  const zip = createZipWriter(createWriteStream(file), { forceZip64 });
  for (const [name, data] of entries) await zip.addBuffer(name, data);
  await zip.finish();
  return file;
};

const entries: [string, Buffer][] = [
  ['a.pdf', randomBytes(3000)],
  ['empty.pdf', Buffer.alloc(0)],
  ['index.csv', Buffer.from('accountNumber,documentType\r\nA1,Invoice\r\n')],
];

for (const forceZip64 of [false, true])
  test(`every entry of a STORE ZIP is read back with its CRC and size (zip64 ${forceZip64})`, async () => {
    const file = await written(entries, forceZip64);
    const got = await checkZipFile(file, { keep: (name) => name === 'index.csv' });
    assert.deepEqual(
      got.map((e) => [e.name, e.size, e.crc]),
      entries.map(([name, data]) => [name, data.length, crc32(data)]),
    );
    assert.equal(got[2]!.data?.toString(), entries[2]![1].toString());
    assert.equal(got[0]!.data, undefined, 'only kept entries carry their bytes');
  });

test('a flipped byte in an entry is reported with the entry name and both CRCs', async () => {
  const file = await written(entries);
  const bytes = readFileSync(file);
  // The first entry's data starts after its 30-byte local header and its name.
  bytes[30 + 'a.pdf'.length + 100]! ^= 0xff;
  writeFileSync(file, bytes);
  await assert.rejects(checkZipFile(file), (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.kind, 'invalid');
    assert.match(e.message, /a\.pdf: CRC-32 [0-9a-f]+ where the directory says [0-9a-f]+/);
    return true;
  });
});

test('a truncated archive is refused as not a ZIP', async () => {
  const file = await written(entries);
  const bytes = readFileSync(file);
  writeFileSync(file, bytes.subarray(0, bytes.length - 30));
  await assert.rejects(checkZipFile(file), /not a valid ZIP \(no end of central directory\)/);
});

const zipMissing =
  spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0
    ? false
    : 'zip is not installed (apt-get install zip; .ci/run installs it)';

test(
  'DEFLATE entries written by Info-ZIP are inflated and checked',
  { skip: zipMissing },
  async () => {
    const src = mkdtempSync(join(dir, 'src-'));
    const text = Buffer.from('compressible text '.repeat(5000));
    writeFileSync(join(src, 'a.txt'), text);
    writeFileSync(join(src, 'b.bin'), randomBytes(2000));
    const file = join(dir, `z${n++}.zip`);
    const r = spawnSync('zip', ['-q', '-9', file, 'a.txt', 'b.bin'], { cwd: src });
    assert.equal(r.status, 0, String(r.stderr));
    const got = await checkZipFile(file, { keep: () => true });
    assert.deepEqual(
      got.map((e) => [e.name, e.size, e.crc]),
      [
        ['a.txt', text.length, crc32(text)],
        ['b.bin', 2000, crc32(readFileSync(join(src, 'b.bin')))],
      ],
    );
    assert.ok(readFileSync(file).length < text.length / 10, 'a.txt really was deflated');
    assert.deepEqual(got[0]!.data, text);
  },
);
