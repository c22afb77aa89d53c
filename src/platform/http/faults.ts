/**
 * Fault injection (issue 12, part 3): per-tenant rules that make the Zuora routes (`/v1`,
 * `/oauth/token`, `/object-query`) answer with a chosen error status, wait, or drop the
 * connection, for a number of calls or with a seeded probability. Never `/folio/v1` itself.
 *
 * Rules live in this process's memory, like the rate-limit counters (README "HTTP conventions"):
 * the check runs on every Zuora request, and a Map lookup keeps it free when a tenant has no
 * rule. With several `folio serve` processes behind a load balancer, add the rule on each (or
 * point the tests at one process). No Fastify here: `app.ts` applies the verdict.
 */

/** HTTP statuses a rule may answer with; each maps to one kind of the Zuora error table. */
export const FAULT_STATUSES = [400, 401, 403, 404, 409, 429, 500, 502, 503, 504] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

export interface FaultRuleInput {
  /** `GET`, `POST`, … or `*` (default) for any method. */
  method?: string;
  /**
   * Path pattern matched against the request path (no query): `*` matches within one segment,
   * `**` across segments; `{name}` and `:name` segments match one segment, so Zuora's and
   * Fastify's route templates both work (`/v1/bill-runs/{billRunId}`).
   */
  path: string;
  /** Answer with this status and the surface's Zuora error body instead of running the route. */
  status?: FaultStatus;
  /** Error message of the body (default: a message saying the fault was injected). */
  message?: string;
  /** Wait this long before answering (with `status`) or before running the route (without). */
  latencyMs?: number;
  /** Close the connection without any response. */
  drop?: boolean;
  /** Fire on this many matching calls, then retire (default: every matching call). */
  times?: number;
  /** Fire on each matching call with this probability (default 1). */
  probability?: number;
  /** Seed of the rule's own random sequence, so a probabilistic run repeats exactly. */
  seed?: number;
  /** `Retry-After` seconds on a 429 or 503 (default 1). */
  retryAfter?: number;
}

export interface FaultRule extends Required<
  Pick<FaultRuleInput, 'method' | 'path' | 'latencyMs' | 'drop' | 'probability' | 'retryAfter'>
> {
  id: string;
  tenantId: string;
  status: FaultStatus | null;
  message: string | null;
  /** Calls left before the rule retires; null = unlimited. */
  remaining: number | null;
  seed: number | null;
  /** Matching calls the rule fired on. */
  fired: number;
  /** Matching calls it let through (probability). */
  passed: number;
  createdAt: string;
}

/** What the HTTP layer does with a request a rule fired on. */
export interface FaultVerdict {
  ruleId: string;
  latencyMs: number;
  drop: boolean;
  status: FaultStatus | null;
  message: string;
  retryAfter: number;
}

export interface FaultInjector {
  add(tenantId: string, input: FaultRuleInput, id: string, now: Date): FaultRule;
  list(tenantId: string): FaultRule[];
  /** Removes one rule; false when the tenant has no such rule. */
  remove(tenantId: string, ruleId: string): boolean;
  /** Removes every rule of the tenant; returns how many there were. */
  clear(tenantId: string): number;
  /**
   * The verdict for one request (`url` may carry a query, ignored), or undefined. The fast path,
   * a tenant without rules, is one Map lookup.
   */
  check(tenantId: string, method: string, url: string): FaultVerdict | undefined;
}

/** Compiles a path pattern into an anchored regular expression. */
export const compilePathPattern = (pattern: string): RegExp => {
  const segments = pattern.split('/').map((seg) => {
    if (seg === '**') return '.*';
    if (/^\{[^/{}]+\}$/.test(seg) || /^:[^/]+$/.test(seg)) return '[^/]+';
    return seg
      .split(/(\*\*|\*)/)
      .map((part) =>
        part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
  });
  return new RegExp(`^${segments.join('/')}/?$`);
};

/** mulberry32: a tiny seedable PRNG; enough for "fail 30 % of calls, the same ones every run". */
const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

interface LiveRule {
  rule: FaultRule;
  pattern: RegExp;
  random: () => number;
}

export const createFaultInjector = (): FaultInjector => {
  const byTenant = new Map<string, LiveRule[]>();
  const snapshot = (r: FaultRule): FaultRule => ({ ...r });

  return {
    add: (tenantId, input, id, now) => {
      const rule: FaultRule = {
        id,
        tenantId,
        method: (input.method ?? '*').toUpperCase(),
        path: input.path,
        status: input.status ?? null,
        message: input.message ?? null,
        latencyMs: input.latencyMs ?? 0,
        drop: input.drop ?? false,
        remaining: input.times ?? null,
        probability: input.probability ?? 1,
        seed: input.seed ?? null,
        retryAfter: input.retryAfter ?? 1,
        fired: 0,
        passed: 0,
        createdAt: now.toISOString(),
      };
      const live: LiveRule = {
        rule,
        pattern: compilePathPattern(input.path),
        random: input.seed === undefined ? Math.random : mulberry32(input.seed),
      };
      const list = byTenant.get(tenantId) ?? [];
      list.push(live);
      byTenant.set(tenantId, list);
      return snapshot(rule);
    },
    list: (tenantId) => (byTenant.get(tenantId) ?? []).map((l) => snapshot(l.rule)),
    remove: (tenantId, ruleId) => {
      const list = byTenant.get(tenantId);
      const i = list?.findIndex((l) => l.rule.id === ruleId) ?? -1;
      if (list === undefined || i < 0) return false;
      list.splice(i, 1);
      if (list.length === 0) byTenant.delete(tenantId);
      return true;
    },
    clear: (tenantId) => {
      const n = byTenant.get(tenantId)?.length ?? 0;
      byTenant.delete(tenantId);
      return n;
    },
    check: (tenantId, method, url) => {
      const list = byTenant.get(tenantId);
      if (list === undefined) return undefined;
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      // Rules are tried in the order they were added; the first that fires decides.
      for (const live of list) {
        const { rule } = live;
        if (rule.remaining === 0) continue;
        if (rule.method !== '*' && rule.method !== method) continue;
        if (!live.pattern.test(path)) continue;
        if (rule.probability < 1 && live.random() >= rule.probability) {
          rule.passed++;
          continue;
        }
        rule.fired++;
        if (rule.remaining !== null) rule.remaining--;
        return {
          ruleId: rule.id,
          latencyMs: rule.latencyMs,
          drop: rule.drop,
          status: rule.status,
          message: rule.message ?? `Fault injected by Folio rule ${rule.id}.`,
          retryAfter: rule.retryAfter,
        };
      }
      return undefined;
    },
  };
};
