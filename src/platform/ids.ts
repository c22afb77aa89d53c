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

/** Random ids from the OS CSPRNG. */
export const randomIds = (): Ids => ({
  id: () => randomBytes(16).toString('hex'),
  uuid: () => randomUUID(),
  secret: (bytes) => randomBytes(bytes).toString('hex'),
});

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
