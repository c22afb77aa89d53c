/** The FileStore contract (test/file-store-contract.ts) on the local and memory adapters, plus their specifics. */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomIds } from '../ids.ts';
import { manualClock } from '../clock.ts';
import { checkKey } from './files.ts';
import { localFileStore } from './local.ts';
import { memoryFileStore } from './memory.ts';
import { createUrlSigner } from './signed-urls.ts';
import { failingStream, fileStoreContract, refusedAs } from '../../../test/file-store-contract.ts';

const signer = createUrlSigner({
  publicUrl: 'http://files.test',
  expirySeconds: 60,
  clock: manualClock(),
  secret: async () => 'contract-test-secret',
});

fileStoreContract('memory', () => memoryFileStore({ signer }));

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'folio-files-'));
  dirs.push(d);
  return d;
};
fileStoreContract('local', () => localFileStore({ dir: tempDir(), ids: randomIds(), signer }));

describe('local FileStore specifics', () => {
  test('objects live under DIR/objects and a failed write leaves no temp file behind', async () => {
    const dir = tempDir();
    const files = localFileStore({ dir, ids: randomIds(), signer });
    await files.put('a/b.pdf', Buffer.from('%PDF'), { contentType: 'application/pdf' });
    assert.equal(readFileSync(join(dir, 'objects', 'a', 'b.pdf'), 'utf8'), '%PDF');
    await assert.rejects(
      files.put('a/c.pdf', failingStream(), { contentType: 'application/pdf' }),
      /source failed/,
    );
    assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
    assert.equal(existsSync(join(dir, 'objects', 'a', 'c.pdf')), false);
  });

  test('a key that is also a directory prefix of another is refused as a rule, not a crash', async () => {
    const files = localFileStore({ dir: tempDir(), ids: randomIds(), signer });
    await files.put('p', Buffer.from('1'), { contentType: 'text/plain' });
    await assert.rejects(
      files.put('p/q', Buffer.from('2'), { contentType: 'text/plain' }),
      refusedAs('rule'),
    );
  });
});

describe('memory FileStore specifics', () => {
  test('an object over the size cap is refused as too large and not stored', async () => {
    const files = memoryFileStore({ signer, maxObjectBytes: 4 });
    await assert.rejects(
      files.put('big', Buffer.from('12345'), { contentType: 'text/plain' }),
      refusedAs('too_large'),
    );
    assert.equal(await files.head('big'), undefined);
  });
});

test('checkKey accepts ordinary nested keys unchanged', () => {
  for (const k of ['a', 'a/b/c.zip', 'bulk-pdf-generation/0a1b/Invoices_1.zip', 'ü/x y.pdf'])
    assert.equal(checkKey(k), k);
});
