/**
 * Request log (issue 12, part 7): the last N requests of each tenant, kept in a ring buffer in
 * this process's memory. Why memory and not the database: recording must stay off the hot path
 * (`GET /v1/bill-runs/{id}` throughput is a target), and a ring buffer costs one array write per
 * request with no I/O, no transaction and no cleanup job; the price is that the log is per
 * process and starts empty after a restart, which suits its purpose (seeing what a test just did).
 *
 * Secrets are never stored: no request header is kept at all (so no `Authorization`), and when
 * bodies are kept, every field whose name says secret, password or token is replaced by
 * `[redacted]` (`client_secret`, `access_token`, …).
 */

export interface RequestLogEntry {
  /** ISO-8601 UTC instant the request arrived. */
  at: string;
  method: string;
  /** Path and query, as sent. */
  path: string;
  status: number;
  requestId: string;
  trackId: string | null;
  durationMs: number;
  /** Set when a fault rule answered or delayed the request. */
  faultId: string | null;
  /** Only with `FOLIO_REQUEST_LOG_BODIES` on: the parsed request body, redacted. */
  requestBody?: unknown;
  /** Only with `FOLIO_REQUEST_LOG_BODIES` on: a JSON response body, redacted (else null). */
  responseBody?: unknown;
}

export interface RequestLog {
  /** Entries kept per tenant (0 = the log is off). */
  readonly size: number;
  /** Whether bodies are kept. */
  readonly bodies: boolean;
  record(tenantId: string, entry: RequestLogEntry): void;
  /** Newest first, at most `limit`. */
  list(tenantId: string, limit?: number): RequestLogEntry[];
  clear(tenantId: string): void;
}

/** Bodies longer than this (serialized) are replaced by a note. */
export const MAX_LOGGED_BODY = 64 * 1024;
const SECRET_NAME = /secret|password|token/i;

/** A deep copy of a parsed body with every secret-looking field replaced. */
export const redact = (value: unknown, depth = 0): unknown => {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    out[k] = SECRET_NAME.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
};

/** A body fit for the log: redacted, or a note when too big. */
export const loggableBody = (value: unknown): unknown => {
  if (value === undefined) return null;
  const r = redact(value);
  const size = JSON.stringify(r)?.length ?? 0;
  return size > MAX_LOGGED_BODY ? { note: `body of ${size} characters not kept` } : r;
};

interface Ring {
  entries: RequestLogEntry[];
  /** Index the next entry is written at. */
  next: number;
}

export const createRequestLog = (size: number, bodies: boolean): RequestLog => {
  const rings = new Map<string, Ring>();
  return {
    size,
    bodies,
    record: (tenantId, entry) => {
      if (size === 0) return;
      let ring = rings.get(tenantId);
      if (ring === undefined) rings.set(tenantId, (ring = { entries: [], next: 0 }));
      if (ring.entries.length < size) ring.entries.push(entry);
      else ring.entries[ring.next] = entry;
      ring.next = (ring.next + 1) % size;
    },
    list: (tenantId, limit = size) => {
      const ring = rings.get(tenantId);
      if (ring === undefined) return [];
      const n = ring.entries.length;
      const out: RequestLogEntry[] = [];
      // Walk back from the newest (just before `next`).
      for (let i = 1; i <= Math.min(n, limit); i++)
        out.push(ring.entries[(ring.next - i + n) % n]!);
      return out;
    },
    clear: (tenantId) => {
      rings.delete(tenantId);
    },
  };
};
