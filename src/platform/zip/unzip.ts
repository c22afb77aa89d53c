/**
 * ZIP checker: reads an archive from a file and verifies every entry — its data is read through
 * (inflated when DEFLATE), its CRC-32 and size compared with the central directory. Used by
 * `folio export pdf` on the ZIPs it downloads, which may come from Folio (STORE) or from Zuora
 * (STORE or DEFLATE, ZIP64 when needed: CONTRACT C5.5). Entries are streamed, never held whole,
 * except those the caller asks to keep (the index file).
 *
 * Format: PKWARE APPNOTE.TXT 6.3.x — §4.3.7 local header, §4.3.12 central directory, §4.3.14–16
 * ZIP64 end records, §4.3.16 end of central directory, §4.5.3 ZIP64 extra field.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createInflateRaw, crc32 } from 'node:zlib';
import { invalid, type AppError } from '../errors.ts';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
/** EOCD (22 bytes) plus the longest comment. */
const TAIL = 22 + MAX16;
const CHUNK = 1 << 20;

export interface CheckedEntry {
  name: string;
  /** Uncompressed size. */
  size: number;
  crc: number;
  /** The entry's bytes, when `keep(name)` asked for them. */
  data?: Buffer;
}

export interface CheckZipOptions {
  /** Names whose bytes are returned (e.g. the index file). */
  keep?: (name: string) => boolean;
  /** Largest entry kept in memory (default 64 MiB). */
  maxKeptBytes?: number;
}

interface CentralRecord {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

const bad = (file: string, why: string): AppError => invalid(`${file}: not a valid ZIP (${why})`);

const readAt = async (fh: FileHandle, position: number, length: number): Promise<Buffer> => {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
};

/** The central directory's position, size and entry count, through ZIP64 records if present. */
const findCentral = async (
  fh: FileHandle,
  file: string,
  fileSize: number,
): Promise<{ offset: number; size: number; count: number }> => {
  const tailStart = Math.max(0, fileSize - TAIL);
  const tail = await readAt(fh, tailStart, fileSize - tailStart);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === SIG_END) {
      at = i;
      break;
    }
  if (at < 0) throw bad(file, 'no end of central directory');
  let count = tail.readUInt16LE(at + 10);
  let size = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  if (count === MAX16 || size === MAX32 || offset === MAX32) {
    const locatorAt = tailStart + at - 20;
    const locator = locatorAt >= 0 ? await readAt(fh, locatorAt, 20) : Buffer.alloc(0);
    if (locator.length < 20 || locator.readUInt32LE(0) !== SIG_LOCATOR64)
      throw bad(file, 'ZIP64 locator missing');
    const end64 = await readAt(fh, Number(locator.readBigUInt64LE(8)), 56);
    if (end64.length < 56 || end64.readUInt32LE(0) !== SIG_END64)
      throw bad(file, 'ZIP64 end record missing');
    count = Number(end64.readBigUInt64LE(32));
    size = Number(end64.readBigUInt64LE(40));
    offset = Number(end64.readBigUInt64LE(48));
  }
  if (offset + size > fileSize) throw bad(file, 'central directory past the end');
  return { offset, size, count };
};

const parseCentral = (dir: Buffer, count: number, file: string): CentralRecord[] => {
  const out: CentralRecord[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== SIG_CENTRAL)
      throw bad(file, `central record ${n + 1} is damaged`);
    const flags = dir.readUInt16LE(p + 8);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    const nameBytes = dir.subarray(p + 46, p + 46 + nameLength);
    const rec: CentralRecord = {
      // Bit 11: UTF-8 names; otherwise CP437, which for the ASCII names of PDFs is the same.
      name: nameBytes.toString(flags & 0x0800 ? 'utf8' : 'latin1'),
      method: dir.readUInt16LE(p + 10),
      crc: dir.readUInt32LE(p + 16),
      compressedSize: dir.readUInt32LE(p + 20),
      size: dir.readUInt32LE(p + 24),
      offset: dir.readUInt32LE(p + 42),
    };
    // ZIP64 extra field: only the values saturated in the record are present, in this order.
    const extra = dir.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    for (let e = 0; e + 4 <= extra.length;) {
      const id = extra.readUInt16LE(e);
      const len = extra.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const next = (): number => {
          const v = Number(extra.readBigUInt64LE(q));
          q += 8;
          return v;
        };
        if (rec.size === MAX32) rec.size = next();
        if (rec.compressedSize === MAX32) rec.compressedSize = next();
        if (rec.offset === MAX32) rec.offset = next();
      }
      e += 4 + len;
    }
    out.push(rec);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return out;
};

/** Reads one entry's data through, computing the CRC-32 of its uncompressed bytes. */
const readEntry = async (
  fh: FileHandle,
  file: string,
  rec: CentralRecord,
  keep: boolean,
): Promise<{ crc: number; size: number; data?: Buffer }> => {
  const local = await readAt(fh, rec.offset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== SIG_LOCAL)
    throw bad(file, `${rec.name}: local header missing`);
  let position = rec.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const end = position + rec.compressedSize;
  let crc = 0;
  let size = 0;
  const kept: Buffer[] = [];
  const take = (b: Buffer): void => {
    crc = crc32(b, crc);
    size += b.length;
    if (keep) kept.push(b);
  };
  const inflate = rec.method === METHOD_DEFLATE ? createInflateRaw() : undefined;
  inflate?.on('data', take);
  const inflated = inflate
    ? new Promise<void>((resolve, reject) => {
        inflate.on('end', resolve);
        inflate.on('error', reject);
      })
    : undefined;
  while (position < end) {
    const chunk = await readAt(fh, position, Math.min(CHUNK, end - position));
    if (chunk.length === 0) throw bad(file, `${rec.name}: data cut short`);
    position += chunk.length;
    if (inflate) {
      if (!inflate.write(chunk)) await new Promise((r) => inflate.once('drain', r));
    } else take(chunk);
  }
  if (inflate) {
    inflate.end();
    try {
      await inflated;
    } catch (e) {
      throw bad(file, `${rec.name}: ${(e as Error).message}`);
    }
  }
  return { crc, size, ...(keep ? { data: Buffer.concat(kept) } : {}) };
};

/**
 * Every entry of the ZIP at `file`, in central-directory order, each read through and checked
 * against its recorded CRC-32 and size. Throws `invalid` naming the first damaged entry.
 */
export const checkZipFile = async (
  file: string,
  options: CheckZipOptions = {},
): Promise<CheckedEntry[]> => {
  const maxKept = options.maxKeptBytes ?? 64 * 1024 * 1024;
  const fh = await open(file, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const central = await findCentral(fh, file, fileSize);
    const dir = await readAt(fh, central.offset, central.size);
    const out: CheckedEntry[] = [];
    for (const rec of parseCentral(dir, central.count, file)) {
      if (rec.method !== METHOD_STORE && rec.method !== METHOD_DEFLATE)
        throw bad(file, `${rec.name}: compression method ${rec.method} is not STORE or DEFLATE`);
      const keep = options.keep?.(rec.name) === true;
      if (keep && rec.size > maxKept) throw bad(file, `${rec.name}: larger than ${maxKept} bytes`);
      const got = await readEntry(fh, file, rec, keep);
      if (got.size !== rec.size)
        throw bad(file, `${rec.name}: ${got.size} bytes where the directory says ${rec.size}`);
      if (got.crc !== rec.crc)
        throw bad(
          file,
          `${rec.name}: CRC-32 ${got.crc.toString(16)} where the directory says ${rec.crc.toString(16)}`,
        );
      out.push({
        name: rec.name,
        size: rec.size,
        crc: rec.crc,
        ...(got.data ? { data: got.data } : {}),
      });
    }
    return out;
  } finally {
    await fh.close();
  }
};
