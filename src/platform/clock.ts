/**
 * Clock port. Tenant-aware from the start so per-tenant test clocks can slot in: token expiry,
 * idempotency retention, URL expiry and billing dates all read `now(tenantId)`.
 */
export interface Clock {
  /** Current time for a tenant (or the system when no tenant applies). */
  now(tenantId?: string): Date;
  /**
   * Makes `now(tenantId)` current with settings other processes may have changed (per-tenant
   * test clocks); awaited before a request or a job reads a tenant's time. Absent: nothing to do.
   */
  sync?(tenantId?: string): Promise<void>;
}

export const systemClock = (): Clock => ({ now: () => new Date() });

/** A clock that only moves when told; used by tests (no sleeping). */
export interface ManualClock extends Clock {
  set(at: Date): void;
  advance(ms: number): void;
}

export const manualClock = (start: Date = new Date('2026-01-01T00:00:00Z')): ManualClock => {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (at) => {
      t = at.getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
};

/** ISO-8601 UTC with milliseconds: the storage format of every timestamp column. */
export const toIso = (d: Date): string => d.toISOString();

/**
 * A tenant's test clock (DESIGN.md "Emulator controls"): `frozenAt` set means time stands still
 * there; otherwise the tenant's time is the base clock's plus `offsetMs`.
 */
export interface ClockSetting {
  frozenAt: Date | null;
  offsetMs: number;
}

/** The time a setting gives when the base clock reads `base`. */
export const settingNow = (s: ClockSetting, base: Date): Date =>
  s.frozenAt !== null ? new Date(s.frozenAt.getTime()) : new Date(base.getTime() + s.offsetMs);

/** A clock whose tenants may each have a test clock, kept in a table and cached per process. */
export interface TenantClock extends Clock {
  /** The clock tenant settings apply on top of (the system clock, or a test's manual clock). */
  readonly base: Clock;
  /**
   * Reloads the settings when the cache is older than its time to live, so a change made by
   * another process (another `folio serve`, `folio work`, the CLI) shows within that time.
   */
  sync(): Promise<void>;
  /** Applies a change this process has just stored, without waiting for the next reload. */
  put(tenantId: string, setting: ClockSetting | undefined): void;
}

/**
 * Wraps `base` with per-tenant settings read by `load` (every tenant's row in one query; the
 * table holds one small row per tenant with a test clock). Concurrent reloads share one query.
 */
export const tenantClock = (
  base: Clock,
  load: () => Promise<ReadonlyMap<string, ClockSetting>>,
  ttlMs: number,
): TenantClock => {
  let settings: ReadonlyMap<string, ClockSetting> = new Map();
  let loadedAt = -Infinity;
  let inflight: Promise<void> | undefined;
  return {
    base,
    now: (tenantId) => {
      const s = tenantId === undefined ? undefined : settings.get(tenantId);
      return s === undefined ? base.now(tenantId) : settingNow(s, base.now(tenantId));
    },
    sync: async () => {
      if (performance.now() - loadedAt < ttlMs) return;
      inflight ??= load()
        .then((m) => {
          settings = m;
          loadedAt = performance.now();
        })
        .finally(() => {
          inflight = undefined;
        });
      await inflight;
    },
    put: (tenantId, setting) => {
      const next = new Map(settings);
      if (setting === undefined) next.delete(tenantId);
      else next.set(tenantId, setting);
      settings = next;
    },
  };
};
