/**
 * Clock port. Tenant-aware from the start so per-tenant test clocks can slot in: token expiry,
 * idempotency retention, URL expiry and billing dates all read `now(tenantId)`.
 */
export interface Clock {
  /** Current time for a tenant (or the system when no tenant applies). */
  now(tenantId?: string): Date;
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
