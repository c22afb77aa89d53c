/**
 * FileStore on a local directory (`FOLIO_FILES_URL=file:DIR`), the embedded mode's store.
 *
 * Layout: `DIR/objects/<key>` holds the bytes, `DIR/meta/<key>.json` the content type, and
 * `DIR/tmp/` the files being written. A write goes to a temp file in `tmp/` (same file system)
 * and is renamed into place, so a crash never leaves a half file under the final key; the meta
 * file is renamed first, then the data, so an object is visible only once both exist.
 */
import { createReadStream, createWriteStream, readdirSync, rmSync } from 'node:fs';
import {
  copyFile as fsCopyFile,
  link,
  mkdir,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { AppError } from '../errors.ts';
import type { Ids } from '../ids.ts';
import {
  checkKey,
  checkPrefix,
  fileNotFound,
  resolveRange,
  toReadable,
  type FileInfo,
  type FileStore,
} from './files.ts';
import type { UrlSigner } from './signed-urls.ts';

export interface LocalFileStoreOptions {
  /** Root directory; created on first write. */
  dir: string;
  ids: Ids;
  signer: UrlSigner;
}

const isMissing = (e: unknown): boolean =>
  (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR';

const isDeadPid = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

const removeDeadWritersTempFiles = (tmp: string): void => {
  let names: string[];
  try {
    names = readdirSync(tmp);
  } catch (e) {
    if (isMissing(e)) return;
    throw e;
  }
  for (const name of names) {
    const m = /^(\d+)-/.exec(name);
    if (m !== null && isDeadPid(Number(m[1]))) rmSync(join(tmp, name), { force: true });
  }
};

export const localFileStore = (options: LocalFileStoreOptions): FileStore => {
  const root = resolve(options.dir);
  const objects = join(root, 'objects');
  const meta = join(root, 'meta');
  const tmp = join(root, 'tmp');

  // checkKey already refuses every escaping form; this is a second line of defence.
  const inside = (base: string, key: string, suffix = ''): string => {
    const p = resolve(base, key + suffix);
    if (!p.startsWith(base + sep)) throw new Error(`file key escapes the store: ${key}`);
    return p;
  };
  // Temp files are named `<pid>-<id>.*`. A process killed mid-write (SIGKILL) leaves its temp
  // files behind; they are removed when a store opens on the directory and their writer is
  // gone. A live writer (another process sharing the directory) is never touched. Found by the
  // crash harness (docs/reliability.md): every kill during a write left an orphan in tmp/.
  removeDeadWritersTempFiles(tmp);

  const dataPath = (key: string) => inside(objects, checkKey(key));
  const metaPath = (key: string) => inside(meta, checkKey(key), '.json');

  const readInfo = async (key: string): Promise<FileInfo | undefined> => {
    let size: number;
    try {
      const s = await stat(dataPath(key));
      if (!s.isFile()) return undefined;
      size = s.size;
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
    let contentType = 'application/octet-stream';
    try {
      contentType = (JSON.parse(await readFile(metaPath(key), 'utf8')) as { contentType: string })
        .contentType;
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
    return { key, size, contentType };
  };

  async function* walk(dir: string, rel: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (isMissing(e)) return;
      throw e;
    }
    // Key order, as S3 lists: sort names with "/" appended to directories.
    const named = entries
      .filter((e) => e.isFile() || e.isDirectory())
      .map((e) => ({ e, sortName: e.isDirectory() ? `${e.name}/` : e.name }))
      .sort((a, b) => (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0));
    for (const { e } of named) {
      const k = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) yield* walk(join(dir, e.name), k);
      else yield k;
    }
  }

  return {
    put: async (key, data, { contentType }) => {
      const target = dataPath(key);
      const metaTarget = metaPath(key);
      await mkdir(tmp, { recursive: true });
      const name = `${process.pid}-${options.ids.id()}`;
      const tmpData = join(tmp, `${name}.data`);
      const tmpMeta = join(tmp, `${name}.meta`);
      try {
        await pipeline(toReadable(data), createWriteStream(tmpData, { flags: 'wx' }));
        const { size } = await stat(tmpData);
        await writeFile(tmpMeta, JSON.stringify({ contentType }), { flag: 'wx' });
        await mkdir(dirname(metaTarget), { recursive: true });
        await mkdir(dirname(target), { recursive: true });
        await rename(tmpMeta, metaTarget);
        await rename(tmpData, target);
        return { key, size, contentType };
      } catch (e) {
        await rm(tmpData, { force: true });
        await rm(tmpMeta, { force: true });
        const code = (e as NodeJS.ErrnoException).code;
        // A directory cannot also be a file: "a" and "a/b" cannot both exist here (S3 allows it).
        if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST')
          throw new AppError('rule', `File key ${key} conflicts with an existing key.`, {
            field: 'key',
            cause: e,
          });
        throw e;
      }
    },

    get: async (key, opts = {}): Promise<Readable> => {
      const info = await readInfo(key);
      if (info === undefined) throw fileNotFound(key);
      if (info.size === 0 && opts.range === undefined) return toReadable(Buffer.alloc(0));
      const { start, end } = resolveRange(key, info.size, opts.range);
      return createReadStream(dataPath(key), { start, end });
    },

    head: (key) => readInfo(key),

    delete: async (key) => {
      const p = dataPath(key);
      try {
        await unlink(p);
      } catch (e) {
        if (isMissing(e)) return false;
        throw e;
      }
      await rm(metaPath(key), { force: true });
      return true;
    },

    list: (prefix) => {
      checkPrefix(prefix);
      const slash = prefix.lastIndexOf('/');
      const base = slash < 0 ? '' : prefix.slice(0, slash);
      return (async function* () {
        for await (const key of walk(base === '' ? objects : join(objects, base), base)) {
          if (!key.startsWith(prefix)) continue;
          const info = await readInfo(key);
          if (info !== undefined) yield info;
        }
      })();
    },

    signedUrl: async (key, opts) => options.signer.sign(checkKey(key), opts),

    // A hard link: no bytes are copied, and since `put` always renames a new file into place,
    // a later write to either key never changes the other. Copied when linking is impossible.
    copy: async (from, to) => {
      const info = await readInfo(from);
      if (info === undefined) throw fileNotFound(from);
      const target = dataPath(to);
      const metaTarget = metaPath(to);
      await mkdir(tmp, { recursive: true });
      const name = options.ids.id();
      const tmpData = join(tmp, `${name}.data`);
      const tmpMeta = join(tmp, `${name}.meta`);
      try {
        try {
          await link(dataPath(from), tmpData);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw e;
          await fsCopyFile(dataPath(from), tmpData);
        }
        await writeFile(tmpMeta, JSON.stringify({ contentType: info.contentType }), { flag: 'wx' });
        await mkdir(dirname(metaTarget), { recursive: true });
        await mkdir(dirname(target), { recursive: true });
        await rename(tmpMeta, metaTarget);
        await rename(tmpData, target);
        return { key: to, size: info.size, contentType: info.contentType };
      } catch (e) {
        await rm(tmpData, { force: true });
        await rm(tmpMeta, { force: true });
        throw e;
      }
    },
  };
};
