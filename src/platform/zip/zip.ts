/**
 * Streaming ZIP writer: STORE entries (no compression) written straight to a `Writable`, in the
 * order they are added, ZIP64 structures written only when needed. Never holds the archive in
 * memory: per entry it keeps only the name and the numbers of its central-directory record.
 *
 * Why STORE only: PDFs are already Flate-compressed, DEFLATE saved 2.6 % at 3–8× the time
 * (research/stack-bench.md §2), and CONTRACT C5.5 allows either method.
 * Why our own writer rather than yazl: yazl computes CRC-32 in JavaScript (buffer-crc32); Node's
 * native `zlib.crc32` makes this writer several times faster on the same bytes (figures in the
 * pdfzip report to the lead; DESIGN.md "Performance targets": ZIP ≥ 80 % of raw write speed).
 *
 * Format: PKWARE APPNOTE.TXT 6.3.x — §4.3.7 local header, §4.3.9 data descriptor, §4.3.12
 * central directory, §4.3.14–4.3.16 ZIP64 end records, §4.5.3 ZIP64 extra field.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { AppError, invalid } from '../errors.ts';

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
/** Bit 11: names are UTF-8 (APPNOTE §4.4.4, appendix D). Bit 3: sizes follow in a descriptor. */
const FLAG_UTF8 = 0x0800;
const FLAG_DESCRIPTOR = 0x0008;
const VERSION_STORE = 20;
const VERSION_ZIP64 = 45;
/** Made by UNIX (3) so the external attributes carry a file mode (0644) unzip applies. */
const MADE_BY_UNIX = 3 << 8;
const FILE_MODE = 0o100644;

export interface ZipEntryOptions {
  /** Modification time stored (as UTC fields) in the entry; fixed for byte-stable archives. */
  mtime?: Date;
}

export interface ZipStreamEntryOptions extends ZipEntryOptions {
  /**
   * The entry's size when known in advance (e.g. from the file store). Below 4 GiB it lets the
   * entry go without ZIP64 fields; the written size must match or the entry fails.
   */
  size?: number;
}

export interface ZipWriterOptions {
  /** Write ZIP64 fields for every entry and the end records, needed or not (tests, interop). */
  forceZip64?: boolean;
  /** Bytes buffered in `out` before waiting for it to drain (default 1 MiB). */
  highWaterMark?: number;
  /** Refuse more entries than this (default 1,000,000: bounds the central directory in memory). */
  maxEntries?: number;
}

export interface ZipSummary {
  entries: number;
  /** Bytes of the whole archive. */
  bytes: number;
}

/** A ZIP being written. Calls are sequential: await each before the next. */
export interface ZipWriter {
  /** Adds an entry whose bytes are all at hand. */
  addBuffer(name: string, data: Uint8Array, options?: ZipEntryOptions): Promise<void>;
  /** Adds an entry from a stream (any async iterable of bytes), copied through chunk by chunk. */
  addStream(
    name: string,
    data: AsyncIterable<Uint8Array>,
    options?: ZipStreamEntryOptions,
  ): Promise<void>;
  /** Writes the central directory and end records, ends `out` and waits for it to finish. */
  finish(): Promise<ZipSummary>;
}

interface CentralRecord {
  name: Buffer;
  flags: number;
  time: number;
  date: number;
  crc: number;
  size: number;
  offset: number;
  zip64: boolean;
}

const DOS_EPOCH = new Date('1980-01-01T00:00:00Z');

/** MS-DOS time and date (2-second resolution, years 1980–2107) from the UTC fields of `d`. */
const dosDateTime = (d: Date): { time: number; date: number } => {
  const t = Number.isNaN(d.getTime()) ? DOS_EPOCH : d;
  const year = Math.min(Math.max(t.getUTCFullYear(), 1980), 2107);
  return {
    time: (t.getUTCHours() << 11) | (t.getUTCMinutes() << 5) | (t.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((t.getUTCMonth() + 1) << 5) | t.getUTCDate(),
  };
};

/**
 * Entry names are relative paths: zip-slip (`..`, leading `/`, drive letters, backslashes) and
 * control characters are refused so no reader can be led outside its target directory.
 */
const checkName = (name: string): Buffer => {
  const bytes = Buffer.from(name, 'utf8');
  if (name === '' || bytes.length > MAX16) throw invalid(`Invalid ZIP entry name length.`);
  if (
    [...name].some((c) => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.split('/').some((s) => s === '..' || s === '.')
  ) {
    throw invalid(`Invalid ZIP entry name: ${JSON.stringify(name)}.`);
  }
  return bytes;
};

/** Starts a ZIP on `out`. The caller owns `out` until `finish()` ends it. */
export const createZipWriter = (out: Writable, options: ZipWriterOptions = {}): ZipWriter => {
  const force = options.forceZip64 === true;
  const maxEntries = options.maxEntries ?? 1_000_000;
  const highWaterMark = options.highWaterMark ?? 1 << 20;
  const records: CentralRecord[] = [];
  const names = new Set<string>();
  let offset = 0;
  let busy = false;
  let failed: unknown;
  let done = false;
  // A failed output poisons the writer; without a listener its 'error' would crash the process.
  out.on('error', (e) => {
    failed ??= e;
  });

  const write = async (chunk: Uint8Array): Promise<void> => {
    if (failed !== undefined)
      throw failed instanceof Error ? failed : new Error('ZIP output failed', { cause: failed });
    offset += chunk.length;
    out.write(chunk);
    // Our own high-water mark above the stream's (16 KiB for files): waiting for 'drain' after
    // every PDF left the disk idle while the next CRC ran; this overlaps them with bounded memory.
    if (out.writableLength > highWaterMark) {
      if (out.destroyed || out.writableEnded) throw new Error('ZIP output closed');
      await once(out, 'drain');
    }
  };

  /** Serialises calls and poisons the writer after any failure (a half-written entry). */
  const guarded = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (failed !== undefined)
      throw new AppError('internal', 'ZIP writer failed earlier', { cause: failed });
    if (done) throw new AppError('internal', 'ZIP writer is finished');
    if (busy) throw new AppError('internal', 'ZIP writer calls must be awaited one at a time');
    busy = true;
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof AppError && e.kind === 'invalid')) failed = e;
      throw e;
    } finally {
      busy = false;
    }
  };

  const begin = (name: string): Buffer => {
    const bytes = checkName(name);
    if (names.has(name)) throw invalid(`Duplicate ZIP entry name: ${JSON.stringify(name)}.`);
    if (records.length >= maxEntries) throw invalid(`A ZIP holds at most ${maxEntries} entries.`);
    names.add(name);
    return bytes;
  };

  const localHeader = (
    name: Buffer,
    flags: number,
    dt: { time: number; date: number },
    crc: number,
    size: number,
    zip64: boolean,
  ): Buffer => {
    const extraLen = zip64 ? 20 : 0;
    const h = Buffer.allocUnsafe(30 + name.length + extraLen);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_STORE, 4);
    h.writeUInt16LE(flags, 6);
    h.writeUInt16LE(0, 8);
    h.writeUInt16LE(dt.time, 10);
    h.writeUInt16LE(dt.date, 12);
    h.writeUInt32LE(crc, 14);
    const shown = zip64 ? MAX32 : size;
    h.writeUInt32LE(shown, 18);
    h.writeUInt32LE(shown, 22);
    h.writeUInt16LE(name.length, 26);
    h.writeUInt16LE(extraLen, 28);
    name.copy(h, 30);
    if (zip64) {
      // §4.5.3: in a local header both sizes are present; zero when a descriptor follows.
      const e = 30 + name.length;
      h.writeUInt16LE(0x0001, e);
      h.writeUInt16LE(16, e + 2);
      h.writeBigUInt64LE(BigInt(size), e + 4);
      h.writeBigUInt64LE(BigInt(size), e + 12);
    }
    return h;
  };

  const addBuffer = (name: string, data: Uint8Array, opts: ZipEntryOptions = {}) =>
    guarded(async () => {
      const nameBytes = begin(name);
      const dt = dosDateTime(opts.mtime ?? DOS_EPOCH);
      const crc = crc32(data);
      const zip64 = force || data.length >= MAX32;
      const start = offset;
      await write(localHeader(nameBytes, FLAG_UTF8, dt, crc, data.length, zip64));
      await write(data);
      records.push({
        name: nameBytes,
        flags: FLAG_UTF8,
        ...dt,
        crc,
        size: data.length,
        offset: start,
        zip64: zip64 || start >= MAX32,
      });
    });

  const addStream = (
    name: string,
    data: AsyncIterable<Uint8Array>,
    opts: ZipStreamEntryOptions = {},
  ) =>
    guarded(async () => {
      const nameBytes = begin(name);
      const hint = opts.size;
      if (hint !== undefined && !(Number.isSafeInteger(hint) && hint >= 0))
        throw invalid('ZIP entry size must be a non-negative integer.');
      const dt = dosDateTime(opts.mtime ?? DOS_EPOCH);
      // Unknown or ≥ 4 GiB sizes need 8-byte sizes in the descriptor, which readers expect only
      // when the local header carries a ZIP64 extra field (APPNOTE §4.3.9.2).
      const zip64 = force || hint === undefined || hint >= MAX32;
      const flags = FLAG_UTF8 | FLAG_DESCRIPTOR;
      const start = offset;
      await write(localHeader(nameBytes, flags, dt, 0, 0, zip64));
      let crc = 0;
      let size = 0;
      for await (const chunk of data) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        if (!zip64 && size >= MAX32) throw invalid('ZIP entry is larger than its declared size.');
        await write(chunk);
      }
      if (hint !== undefined && size !== hint)
        throw new AppError(
          'internal',
          `ZIP entry ${name}: ${size} bytes written, ${hint} declared`,
        );
      const d = Buffer.allocUnsafe(zip64 ? 24 : 16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc, 4);
      if (zip64) {
        d.writeBigUInt64LE(BigInt(size), 8);
        d.writeBigUInt64LE(BigInt(size), 16);
      } else {
        d.writeUInt32LE(size, 8);
        d.writeUInt32LE(size, 12);
      }
      await write(d);
      records.push({
        name: nameBytes,
        flags,
        ...dt,
        crc,
        size,
        offset: start,
        zip64: zip64 || start >= MAX32,
      });
    });

  const centralRecord = (r: CentralRecord): Buffer => {
    // §4.5.3: in the central directory, only the fields whose 32-bit slot holds 0xFFFFFFFF.
    const bigSize = r.zip64 && (force || r.size >= MAX32);
    const bigOffset = r.zip64 && (force || r.offset >= MAX32);
    const extraLen = r.zip64 ? 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) : 0;
    const h = Buffer.allocUnsafe(46 + r.name.length + extraLen);
    const version = r.zip64 ? VERSION_ZIP64 : VERSION_STORE;
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE(MADE_BY_UNIX | version, 4);
    h.writeUInt16LE(version, 6);
    h.writeUInt16LE(r.flags, 8);
    h.writeUInt16LE(0, 10);
    h.writeUInt16LE(r.time, 12);
    h.writeUInt16LE(r.date, 14);
    h.writeUInt32LE(r.crc, 16);
    h.writeUInt32LE(bigSize ? MAX32 : r.size, 20);
    h.writeUInt32LE(bigSize ? MAX32 : r.size, 24);
    h.writeUInt16LE(r.name.length, 28);
    h.writeUInt16LE(extraLen, 30);
    h.writeUInt16LE(0, 32);
    h.writeUInt16LE(0, 34);
    h.writeUInt16LE(0, 36);
    h.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
    h.writeUInt32LE(bigOffset ? MAX32 : r.offset, 42);
    r.name.copy(h, 46);
    if (r.zip64) {
      let e = 46 + r.name.length;
      h.writeUInt16LE(0x0001, e);
      h.writeUInt16LE(extraLen - 4, e + 2);
      e += 4;
      if (bigSize) {
        h.writeBigUInt64LE(BigInt(r.size), e);
        h.writeBigUInt64LE(BigInt(r.size), e + 8);
        e += 16;
      }
      if (bigOffset) h.writeBigUInt64LE(BigInt(r.offset), e);
    }
    return h;
  };

  const finish = () =>
    guarded(async () => {
      const cdStart = offset;
      // Batched into ~64 KiB writes: one write per record costs more than the copying.
      let batch: Buffer[] = [];
      let batchLen = 0;
      for (const r of records) {
        const b = centralRecord(r);
        batch.push(b);
        batchLen += b.length;
        if (batchLen >= 65536) {
          await write(Buffer.concat(batch, batchLen));
          batch = [];
          batchLen = 0;
        }
      }
      if (batchLen > 0) await write(Buffer.concat(batch, batchLen));
      const cdSize = offset - cdStart;
      const n = records.length;
      const zip64End = force || n >= MAX16 || cdStart >= MAX32 || cdSize >= MAX32;
      if (zip64End) {
        const eocd64At = offset;
        const z = Buffer.alloc(56 + 20);
        z.writeUInt32LE(0x06064b50, 0);
        z.writeBigUInt64LE(44n, 4);
        z.writeUInt16LE(MADE_BY_UNIX | VERSION_ZIP64, 12);
        z.writeUInt16LE(VERSION_ZIP64, 14);
        z.writeBigUInt64LE(BigInt(n), 24);
        z.writeBigUInt64LE(BigInt(n), 32);
        z.writeBigUInt64LE(BigInt(cdSize), 40);
        z.writeBigUInt64LE(BigInt(cdStart), 48);
        z.writeUInt32LE(0x07064b50, 56);
        z.writeBigUInt64LE(BigInt(eocd64At), 64);
        z.writeUInt32LE(1, 72);
        await write(z);
      }
      const e = Buffer.alloc(22);
      e.writeUInt32LE(0x06054b50, 0);
      e.writeUInt16LE(zip64End ? MAX16 : n, 8);
      e.writeUInt16LE(zip64End ? MAX16 : n, 10);
      e.writeUInt32LE(zip64End ? MAX32 : cdSize, 12);
      e.writeUInt32LE(zip64End ? MAX32 : cdStart, 16);
      await write(e);
      done = true;
      out.end();
      await finished(out);
      return { entries: n, bytes: offset };
    });

  return { addBuffer, addStream, finish };
};
