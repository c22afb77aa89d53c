/**
 * Rate and concurrency limits per tenant (CONTRACT C1.11), counted in this process's memory.
 * No Fastify here: the hook that applies them lives in `conventions.ts`, and the admin API can
 * change a tenant's limits through `setTenantLimits` without touching HTTP.
 *
 * Several `folio serve` processes each count on their own, so behind a load balancer a tenant
 * gets up to N × the configured limits (README "HTTP conventions"); shared counters come with the
 * scale-out work.
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
  take(tenantId: string, now: Date, cls: ConcurrencyClass): LimitDecision;
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

export const createLimiter = (config: LimitConfig): Limiter => {
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

  return {
    setTenantLimits: (tenantId, limits) => {
      if (limits === undefined) overrides.delete(tenantId);
      else overrides.set(tenantId, limits);
    },
    limitsFor,
    take: (tenantId, now, cls) => {
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
      const states = WINDOWS.map((w, i) => {
        const slot = c.windows[i]!;
        const start = nowS - (nowS % w.seconds);
        if (slot.start !== start) {
          slot.start = start;
          slot.count = 0;
        }
        return { limit: limits[w.key], seconds: w.seconds, slot, reset: start + w.seconds - nowS };
      });
      const concLimit = cls === 'high-volume' ? limits.concurrencyHighVolume : limits.concurrency;
      const exceeded = states.filter((s) => s.slot.count >= s.limit);
      const concFull = c.inFlight[cls] >= concLimit;
      const allowed = exceeded.length === 0 && !concFull;
      if (allowed) {
        for (const s of states) s.slot.count++;
        c.inFlight[cls]++;
      }
      // The first RateLimit-Limit value, -Remaining and -Reset describe the window closest to
      // exhaustion (least remaining; the shorter window on a tie), as in the IETF draft Zuora's
      // headers follow (draft-polli-ratelimit-headers: "RateLimit-Limit: 10, 10;w=1, 50;w=60").
      const closest = [...states].sort(
        (a, b) => a.limit - a.slot.count - (b.limit - b.slot.count) || a.seconds - b.seconds,
      )[0]!;
      const headers: Record<string, string> = {
        'RateLimit-Limit': [
          String(closest.limit),
          ...states.map((s) => `${s.limit};w=${s.seconds}`),
        ].join(', '),
        'RateLimit-Remaining': String(Math.max(0, closest.limit - closest.slot.count)),
        'RateLimit-Reset': String(closest.reset),
        'Concurrency-Limit-Type': cls,
        'Concurrency-Limit-Limit': String(concLimit),
        'Concurrency-Limit-Remaining': String(Math.max(0, concLimit - c.inFlight[cls])),
      };
      let released = !allowed;
      const counted = c;
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
          counted.inFlight[cls]--;
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
