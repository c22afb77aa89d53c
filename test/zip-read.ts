/** Reads ZIPs back in tests through independent tools: yauzl, and `unzip -t` when installed. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Every entry of a ZIP held in memory, in central-directory order. */
export const readZipBuffer = (buf: Buffer): Promise<ZipEntry[]> =>
  new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, strictFileNames: true }, (err, zip) => {
      if (err) return reject(err);
      const out: ZipEntry[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, rs) => {
          if (err2) return reject(err2);
          const chunks: Buffer[] = [];
          rs.on('data', (c: Buffer) => chunks.push(c));
          rs.on('error', reject);
          rs.on('end', () => {
            out.push({ name: e.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });

/** True when `unzip` is on PATH; tests that need it skip with this reason otherwise. */
export const hasUnzip = (): boolean => spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;
export const NO_UNZIP = 'unzip is not installed (.ci/run installs it)';

/** `unzip -tq` over the bytes: status and output. */
export const unzipTest = (buf: Buffer): { ok: boolean; output: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'folio-zip-'));
  try {
    const file = join(dir, 'a.zip');
    writeFileSync(file, buf);
    const r = spawnSync('unzip', ['-tq', file], { encoding: 'utf8' });
    return { ok: r.status === 0, output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
