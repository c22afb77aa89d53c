/**
 * FileStore port (STYLE.md "Jobs", DESIGN.md "Files and URLs"): job outputs (PDFs, ZIPs) are
 * written under relative keys; rows store keys, and URLs are minted on read with `signedUrl`.
 * Adapters: `local.ts` (a directory), `memory.ts` (tests); an S3 adapter will presign with S3.
 */
import { Readable } from 'node:stream';
import { AppError, notFound } from '../errors.ts';

/** What a stored object is: its key, its size in bytes and the content type given to `put`. */
export interface FileInfo {
  key: string;
  size: number;
  contentType: string;
}

/** An inclusive byte range, as HTTP `Range` counts it; `end` defaults to the last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

/** Data `put` accepts: a whole buffer or a stream (never buffered whole by the local adapter). */
export type FileData = Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array>;

export interface SignUrlOptions {
  /** Tenant whose clock decides the expiry (C1.4: every file belongs to a tenant's entity). */
  tenantId?: string;
  /** Lifetime in seconds; default `config.urlExpirySeconds` (C5.7: 24 h). */
  expiresIn?: number;
}

/** The storage port every adapter implements; every adapter passes `files.test.ts`'s contract. */
export interface FileStore {
  /** Stores `data` under `key`, replacing what was there. Atomic: readers see old or new, never half. */
  put(key: string, data: FileData, options: { contentType: string }): Promise<FileInfo>;
  /** Streams the object (or a byte range of it); throws `not_found` when absent, `invalid` when the range is outside it. */
  get(key: string, options?: { range?: ByteRange }): Promise<Readable>;
  /** The object's facts, or undefined when absent. */
  head(key: string): Promise<FileInfo | undefined>;
  /** Deletes the object; true when it existed. */
  delete(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix` (a plain string prefix, as S3), in key order. */
  list(prefix: string): AsyncIterable<FileInfo>;
  /** An absolute URL in S3's presigned form that downloads the object without authorization. */
  signedUrl(key: string, options?: SignUrlOptions): Promise<string>;
  /**
   * Copies an object to another key, replacing what was there (snapshots). Optional: without it,
   * `copyFile` streams the bytes through `get` and `put`. Throws `not_found` when `from` is absent.
   */
  copy?(from: string, to: string): Promise<FileInfo>;
}

/** Copies through the adapter's own `copy` when it has one (a hard link, S3 CopyObject), else get + put. */
export const copyFile = async (store: FileStore, from: string, to: string): Promise<FileInfo> => {
  if (store.copy !== undefined) return store.copy(from, to);
  const info = await store.head(from);
  if (info === undefined) throw fileNotFound(from);
  return store.put(to, await store.get(from), { contentType: info.contentType });
};

/** S3's own limit on key length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

const badKey = (key: string, why: string): AppError =>
  new AppError('invalid', `Invalid file key ${JSON.stringify(key.slice(0, 80))}: ${why}.`, {
    field: 'key',
  });

/**
 * Checks that a key is relative and cannot escape the store's root: no absolute path, no `..`
 * or `.` segment, no empty segment, no backslash (a separator on Windows), no NUL or other
 * control character, at most 1,024 bytes. Returns the key; throws `invalid` otherwise.
 */
export const checkKey = (key: string): string => {
  checkPrefix(key);
  if (key === '') throw badKey(key, 'it is empty');
  if (key.endsWith('/')) throw badKey(key, 'it ends with "/"');
  return key;
};

/** The rules of `checkKey` for a `list` prefix, which may be empty or end with "/". */
export const checkPrefix = (prefix: string): string => {
  if (typeof prefix !== 'string') throw badKey(String(prefix), 'it is not a string');
  if (Buffer.byteLength(prefix, 'utf8') > MAX_KEY_BYTES)
    throw badKey(prefix, `it is longer than ${MAX_KEY_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(prefix)) throw badKey(prefix, 'it contains a control character');
  if (prefix.includes('\\')) throw badKey(prefix, 'it contains a backslash');
  if (prefix.startsWith('/') || /^[A-Za-z]:/.test(prefix)) throw badKey(prefix, 'it is absolute');
  const segments = prefix.split('/');
  // A trailing "/" leaves one empty last segment, allowed for prefixes only.
  const inner = prefix.endsWith('/') ? segments.slice(0, -1) : segments;
  for (const s of inner) {
    if (s === '' && prefix !== '') throw badKey(prefix, 'it has an empty segment');
    if (s === '.' || s === '..') throw badKey(prefix, `it has a "${s}" segment`);
  }
  return prefix;
};

/** Resolves an optional range against a size; throws `invalid` when it is not satisfiable. */
export const resolveRange = (
  key: string,
  size: number,
  range: ByteRange | undefined,
): { start: number; end: number } => {
  if (range === undefined) return { start: 0, end: size - 1 };
  const end = Math.min(range.end ?? size - 1, size - 1);
  if (!Number.isInteger(range.start) || range.start < 0 || range.start >= size || end < range.start)
    throw new AppError('invalid', `Range ${range.start}-${range.end ?? ''} is outside ${key}.`, {
      field: 'range',
    });
  return { start: range.start, end };
};

export const fileNotFound = (key: string): AppError => notFound('File', key);

/** Turns any accepted `FileData` into a readable stream. */
export const toReadable = (data: FileData): Readable =>
  data instanceof Readable
    ? data
    : Buffer.isBuffer(data) || data instanceof Uint8Array
      ? Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)])
      : Readable.from(data);
