import { randomBytes, randomUUID, createHash } from 'node:crypto';

/** Id port: 32-char lowercase hex ids and UUIDs, seedable for deterministic runs. */
export interface Ids {
  /** A new 32-char lowercase hex id (CONTRACT C0.3). */
  id(): string;
  /** A new RFC 4122 UUID (entity ids, request ids). */
  uuid(): string;
  /** `n` random bytes as lowercase hex (secrets, tokens). Never seeded: secrets stay random. */
  secret(bytes: number): string;
}

const POOL_BYTES = 4096;

/**
 * Random ids from the OS CSPRNG, time-ordered: 12 hex digits of the millisecond wall-clock time,
 * then 80 random bits. Rows written together then land together at the right edge of every
 * primary-key and foreign-key B-tree instead of on random pages: a bill-run chunk's invoice
 * items inserted in half the CPU time on SQLite (bench `billrun`). Zuora's own 32-hex ids are
 * not random either (C0.3 only fixes their shape). Random bits come from a pooled buffer: one
 * `randomBytes` call per 400 ids instead of one per id.
 */
export const randomIds = (): Ids => {
  let pool = Buffer.alloc(0);
  let offset = 0;
  const random = (n: number): string => {
    if (offset + n > pool.length) {
      pool = randomBytes(POOL_BYTES);
      offset = 0;
    }
    offset += n;
    return pool.toString('hex', offset - n, offset);
  };
  return {
    id: () => Date.now().toString(16).padStart(12, '0').slice(-12) + random(10),
    uuid: () => randomUUID(),
    secret: (bytes) => randomBytes(bytes).toString('hex'),
  };
};

/**
 * Deterministic ids: the same seed gives the same sequence (snapshot tests, reproducible demos).
 * Each id is sha256(seed:counter), so ids do not collide across seeds.
 */
export const seededIds = (seed: string): Ids => {
  let n = 0;
  const next = (): string => createHash('sha256').update(`${seed}:${n++}`).digest('hex');
  return {
    id: () => next().slice(0, 32),
    uuid: () => {
      const h = next();
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    secret: (bytes) => randomBytes(bytes).toString('hex'),
  };
};

export const isHexId = (s: string): boolean => /^[0-9a-f]{32}$/.test(s);
export const isUuid = (s: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
