/**
 * Rate and concurrency limits per tenant (CONTRACT C1.11). No Fastify here: the hook that applies
 * them lives in `app.ts`, and the admin API can change a tenant's limits through
 * `setTenantLimits` without touching HTTP.
 *
 * The rate windows are counted in this process's memory (SQLite: one process), or, given a
 * `SharedWindows` store (`limits-shared.ts`, PostgreSQL), in the database, so that every
 * `folio serve` of a deployment counts against the same limits. Requests in flight (the
 * concurrency limits) are counted per process: a deployment of N API processes admits up to
 * N × the concurrency limit.
 */

/** A tenant's limits: requests per fixed window and requests in flight per class. */
export interface RateLimits {
  perMinute: number;
  perHour: number;
  perDay: number;
  /** Concurrent requests of the `default` class. */
  concurrency: number;
  /** Concurrent requests of the `high-volume` class (POST accounts/subscriptions/orders). */
  concurrencyHighVolume: number;
}

export type ConcurrencyClass = 'default' | 'high-volume';

/** The outcome of counting one request. */
export interface LimitDecision {
  allowed: boolean;
  /** `RateLimit-*` and `Concurrency-Limit-*` headers for the response (C1.11). */
  headers: Record<string, string>;
  /** Seconds to wait when refused (`Retry-After`). */
  retryAfter: number;
  /** Which limit refused the request, for the error message. */
  reason?: 'rate' | 'concurrency';
  /** Ends the request's concurrency slot; safe to call more than once. No-op when refused. */
  release: () => void;
}

/** The limits port: in-memory counters with per-tenant overrides. */
export interface Limiter {
  /** Sets a tenant's override (merged over the configured defaults); `undefined` clears it. */
  setTenantLimits(tenantId: string, limits: Partial<RateLimits> | undefined): void;
  /** The limits in effect for a tenant. */
  limitsFor(tenantId: string): RateLimits;
  /** Counts one request of a tenant at `now`, or refuses it without counting it. */
  take(tenantId: string, now: Date, cls: ConcurrencyClass): Promise<LimitDecision>;
}

/** A tenant's window to count in: its length, current start (epoch s, aligned) and limit. */
export interface WindowSpec {
  seconds: number;
  start: number;
  limit: number;
}

/** Rate windows counted in a store that every process shares. */
export interface SharedWindows {
  /**
   * Reads the tenant's counts in `windows` (a window whose start moved counts from 0) and, when
   * `count` is true and every count is below its limit, counts one request in all of them at
   * once. Returns the counts afterwards and whether the request was counted.
   */
  take(
    tenantId: string,
    windows: readonly WindowSpec[],
    count: boolean,
  ): Promise<{ counts: number[]; counted: boolean }>;
}

const WINDOWS = [
  { key: 'perMinute', seconds: 60 },
  { key: 'perHour', seconds: 3600 },
  { key: 'perDay', seconds: 86400 },
] as const;

interface TenantCounters {
  /** Window start (epoch seconds, aligned to the window) and count, per window. */
  windows: { start: number; count: number }[];
  inFlight: Record<ConcurrencyClass, number>;
}

/** The configured defaults, as `Config` names them. */
export interface LimitConfig {
  rateLimitPerMinute: number;
  rateLimitPerHour: number;
  rateLimitPerDay: number;
  concurrencyLimit: number;
  concurrencyLimitHighVolume: number;
}

export const createLimiter = (config: LimitConfig, shared?: SharedWindows): Limiter => {
  const defaults: RateLimits = {
    perMinute: config.rateLimitPerMinute,
    perHour: config.rateLimitPerHour,
    perDay: config.rateLimitPerDay,
    concurrency: config.concurrencyLimit,
    concurrencyHighVolume: config.concurrencyLimitHighVolume,
  };
  const overrides = new Map<string, Partial<RateLimits>>();
  const counters = new Map<string, TenantCounters>();

  const limitsFor = (tenantId: string): RateLimits => ({
    ...defaults,
    ...overrides.get(tenantId),
  });

  /** Counts in this process's memory: the same contract as `SharedWindows.take`. */
  const countInMemory = (
    c: TenantCounters,
    windows: readonly WindowSpec[],
    count: boolean,
  ): { counts: number[]; counted: boolean } => {
    const slots = windows.map((w, i) => {
      const slot = c.windows[i]!;
      if (slot.start !== w.start) {
        slot.start = w.start;
        slot.count = 0;
      }
      return slot;
    });
    const counted = count && slots.every((slot, i) => slot.count < windows[i]!.limit);
    if (counted) for (const slot of slots) slot.count++;
    return { counts: slots.map((slot) => slot.count), counted };
  };

  return {
    setTenantLimits: (tenantId, limits) => {
      if (limits === undefined) overrides.delete(tenantId);
      else overrides.set(tenantId, limits);
    },
    limitsFor,
    take: async (tenantId, now, cls) => {
      const limits = limitsFor(tenantId);
      const nowS = Math.floor(now.getTime() / 1000);
      let c = counters.get(tenantId);
      if (c === undefined) {
        c = {
          windows: WINDOWS.map(() => ({ start: 0, count: 0 })),
          inFlight: { default: 0, 'high-volume': 0 },
        };
        counters.set(tenantId, c);
      }
      const windows: WindowSpec[] = WINDOWS.map((w) => ({
        seconds: w.seconds,
        start: nowS - (nowS % w.seconds),
        limit: limits[w.key],
      }));
      const concLimit = cls === 'high-volume' ? limits.concurrencyHighVolume : limits.concurrency;
      // The slot is taken before any await, so concurrent requests of this process see it.
      const concFull = c.inFlight[cls] >= concLimit;
      if (!concFull) c.inFlight[cls]++;
      let result: { counts: number[]; counted: boolean };
      try {
        result =
          shared === undefined
            ? countInMemory(c, windows, !concFull)
            : await shared.take(tenantId, windows, !concFull);
      } catch (err) {
        if (!concFull) c.inFlight[cls]--;
        throw err;
      }
      const { counts, counted } = result;
      const allowed = counted && !concFull;
      if (!allowed && !concFull) c.inFlight[cls]--;
      const states = windows.map((w, i) => ({
        limit: w.limit,
        seconds: w.seconds,
        count: counts[i]!,
        reset: w.start + w.seconds - nowS,
      }));
      const exceeded = states.filter((s) => s.count >= s.limit && !counted);
      // The first RateLimit-Limit value, -Remaining and -Reset describe the window closest to
      // exhaustion (least remaining; the shorter window on a tie), as in the IETF draft Zuora's
      // headers follow (draft-polli-ratelimit-headers: "RateLimit-Limit: 10, 10;w=1, 50;w=60").
      const closest = [...states].sort(
        (a, b) => a.limit - a.count - (b.limit - b.count) || a.seconds - b.seconds,
      )[0]!;
      const headers: Record<string, string> = {
        'RateLimit-Limit': [
          String(closest.limit),
          ...states.map((s) => `${s.limit};w=${s.seconds}`),
        ].join(', '),
        'RateLimit-Remaining': String(Math.max(0, closest.limit - closest.count)),
        'RateLimit-Reset': String(closest.reset),
        'Concurrency-Limit-Type': cls,
        'Concurrency-Limit-Limit': String(concLimit),
        'Concurrency-Limit-Remaining': String(Math.max(0, concLimit - c.inFlight[cls])),
      };
      let released = !allowed;
      const counted_ = c;
      return {
        allowed,
        headers,
        retryAfter:
          exceeded.length > 0 ? Math.max(...exceeded.map((s) => s.reset)) : concFull ? 1 : 0,
        ...(allowed
          ? {}
          : { reason: exceeded.length > 0 ? ('rate' as const) : ('concurrency' as const) }),
        release: () => {
          if (released) return;
          released = true;
          counted_.inFlight[cls]--;
        },
      };
    },
  };
};

/** C1.11: POST accounts, subscriptions and orders are the `high-volume` concurrency class. */
export const concurrencyClassOf = (method: string, path: string): ConcurrencyClass =>
  method === 'POST' && /^\/v1\/(accounts|subscriptions|orders)\/?$/.test(path)
    ? 'high-volume'
    : 'default';
