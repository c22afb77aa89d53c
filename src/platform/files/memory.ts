/**
 * FileStore in memory (`FOLIO_FILES_URL=memory:`), for tests and throw-away demos. Objects are
 * kept whole, so each is capped (`maxObjectBytes`) and a `put` only becomes visible once its
 * stream has ended: the same atomicity as the local adapter.
 */
import type { Readable } from 'node:stream';
import { AppError } from '../errors.ts';
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

export interface MemoryFileStoreOptions {
  signer: UrlSigner;
  /** Largest object accepted; default 256 MiB. */
  maxObjectBytes?: number;
}

export const memoryFileStore = (options: MemoryFileStoreOptions): FileStore => {
  const max = options.maxObjectBytes ?? 256 * 1024 * 1024;
  const objects = new Map<string, { data: Buffer; contentType: string }>();
  const info = (key: string, o: { data: Buffer; contentType: string }): FileInfo => ({
    key,
    size: o.data.length,
    contentType: o.contentType,
  });

  return {
    put: async (key, data, { contentType }) => {
      checkKey(key);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of toReadable(data) as AsyncIterable<Uint8Array | string>) {
        const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
        size += b.length;
        if (size > max)
          throw new AppError('too_large', `File ${key} is larger than ${max} bytes.`, {
            field: 'key',
          });
        chunks.push(b);
      }
      const o = { data: Buffer.concat(chunks), contentType };
      objects.set(key, o);
      return info(key, o);
    },

    get: async (key, opts = {}): Promise<Readable> => {
      const o = objects.get(checkKey(key));
      if (o === undefined) throw fileNotFound(key);
      if (o.data.length === 0 && opts.range === undefined) return toReadable(Buffer.alloc(0));
      const { start, end } = resolveRange(key, o.data.length, opts.range);
      return toReadable(o.data.subarray(start, end + 1));
    },

    head: async (key) => {
      const o = objects.get(checkKey(key));
      return o === undefined ? undefined : info(key, o);
    },

    delete: async (key) => objects.delete(checkKey(key)),

    list: (prefix) => {
      checkPrefix(prefix);
      return (async function* () {
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
        for (const k of keys) {
          const o = objects.get(k);
          if (o !== undefined) yield info(k, o);
        }
      })();
    },

    signedUrl: async (key, opts) => options.signer.sign(checkKey(key), opts),
  };
};
