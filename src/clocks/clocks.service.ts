/**
 * Per-tenant test clocks (issue 12 part 1; DESIGN.md "Emulator controls"). A tenant's time is real
 * (no row), frozen at an instant, or offset from real time; `advance` moves it by an ISO-8601
 * duration or to an instant. Everything that reads `deps.clock.now(tenantId)` follows: billing
 * dates and `today`, token expiry, idempotency retention, URL signing and expiry. The setting is
 * a table row, so every process of a deployment sees it; each process caches all rows for
 * `FOLIO_EMULATOR_CACHE_MS` (`deps.clock.sync`), and the process that changes a clock applies the
 * change at once.
 */
import type { Deps } from '../deps.ts';
import type { Db } from '../database.ts';
import { AppError, invalid } from '../platform/errors.ts';
import { settingNow, toIso, type ClockSetting } from '../platform/clock.ts';
import { getTenant } from '../tenants/tenants.service.ts';
import * as store from './clocks.store.ts';
import type { TenantClockRow } from './clocks.table.ts';

export type ClockMode = 'real' | 'frozen' | 'offset';

/** A tenant's clock as the admin API shows it. */
export interface TestClock {
  tenantId: string;
  mode: ClockMode;
  /** The tenant's current time. */
  now: string;
  /** Set when frozen. */
  frozenAt: string | null;
  /** How far the tenant's time is ahead of real time (negative: behind), in milliseconds. */
  offsetMs: number;
}

const toSetting = (r: TenantClockRow): ClockSetting => ({
  frozenAt: r.frozen_at === null ? null : new Date(r.frozen_at),
  offsetMs: Number(r.offset_ms),
});

/** Every tenant's stored clock, for `deps.clock`'s cache. */
export const loadClockSettings = async (db: Db): Promise<Map<string, ClockSetting>> =>
  new Map((await store.listClocks(db)).map((r) => [r.tenant_id, toSetting(r)]));

const view = (deps: Deps, tenantId: string, s: ClockSetting | undefined): TestClock => {
  const base = deps.clock.base.now(tenantId);
  return {
    tenantId,
    mode: s === undefined ? 'real' : s.frozenAt !== null ? 'frozen' : 'offset',
    now: toIso(s === undefined ? base : settingNow(s, base)),
    frozenAt: s?.frozenAt === null || s === undefined ? null : toIso(s.frozenAt),
    offsetMs:
      s === undefined
        ? 0
        : s.frozenAt !== null
          ? s.frozenAt.getTime() - base.getTime()
          : s.offsetMs,
  };
};

const stored = async (deps: Deps, tenantId: string): Promise<ClockSetting | undefined> => {
  const r = await store.findClock(deps.db.db, tenantId);
  return r === undefined ? undefined : toSetting(r);
};

const save = async (
  deps: Deps,
  tenantId: string,
  s: ClockSetting | undefined,
): Promise<TestClock> => {
  if (s === undefined) await store.deleteClock(deps.db.db, tenantId);
  else
    await store.saveClock(deps.db.db, {
      tenant_id: tenantId,
      frozen_at: s.frozenAt === null ? null : toIso(s.frozenAt),
      offset_ms: s.offsetMs,
      updated_at: toIso(deps.clock.base.now()),
    });
  deps.clock.put(tenantId, s);
  return view(deps, tenantId, s);
};

/** Folio's range of instants: years 1970–9999, as every date column holds them. */
const MIN_MS = 0;
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Parses an ISO-8601 instant with a time zone (`Z` or `±hh:mm`), or a date (midnight UTC). */
export const parseInstant = (s: string, field: string): Date => {
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s);
  const t = ok ? Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s) : NaN;
  if (Number.isNaN(t) || t < MIN_MS || t > MAX_MS)
    throw invalid(
      `${field} must be an ISO-8601 date or date-time with a time zone between 1970 and 9999, e.g. 2027-01-01T00:00:00Z.`,
      field,
    );
  return new Date(t);
};

const DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/;

/**
 * Adds an ISO-8601 duration (`P1M`, `P1Y2M10DT2H30M`, `PT90S`, `P2W`) to an instant. Years and
 * months are calendar months in UTC, a day past the end of the target month clamping to its last
 * day (Jan 31 + P1M = Feb 28/29), as billing periods do (CONTRACT C3.4.3); the rest is exact time.
 */
export const addDuration = (at: Date, duration: string): Date => {
  const m = DURATION.exec(duration);
  if (m === null) throw invalid('by must be an ISO-8601 duration such as P1M, P1D or PT1H.', 'by');
  const n = (i: number): number => Number(m[i] ?? 0);
  const months = n(1) * 12 + n(2);
  const d = new Date(at.getTime());
  if (months > 0) {
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
  }
  const ms =
    ((n(3) * 7 + n(4)) * 86_400 + n(5) * 3_600 + n(6) * 60) * 1000 + Math.round(n(7) * 1000);
  const t = d.getTime() + ms;
  if (!(t <= MAX_MS)) throw invalid('by moves the clock past the year 9999.', 'by');
  return new Date(t);
};

/** A tenant's clock; 404 for an unknown tenant. */
export const getClock = async (deps: Deps, tenantId: string): Promise<TestClock> => {
  await getTenant(deps, tenantId);
  return view(deps, tenantId, await stored(deps, tenantId));
};

export interface SetClockInput {
  mode: ClockMode;
  /** frozen: the instant to freeze at (default: the tenant's current time); offset: the instant the tenant's time runs on from (required). */
  at?: string;
}

/** Freezes a tenant's time, offsets it, or (mode `real`) resets it to real time. */
export const setClock = async (
  deps: Deps,
  tenantId: string,
  input: SetClockInput,
): Promise<TestClock> => {
  await getTenant(deps, tenantId);
  const at = input.at === undefined ? undefined : parseInstant(input.at, 'at');
  switch (input.mode) {
    case 'real':
      if (at !== undefined) throw invalid('at is not allowed with mode real.', 'at');
      return save(deps, tenantId, undefined);
    case 'frozen':
      return save(deps, tenantId, { frozenAt: at ?? deps.clock.now(tenantId), offsetMs: 0 });
    case 'offset': {
      if (at === undefined)
        throw new AppError('missing', 'at is required with mode offset.', { field: 'at' });
      return save(deps, tenantId, {
        frozenAt: null,
        offsetMs: at.getTime() - deps.clock.base.now(tenantId).getTime(),
      });
    }
  }
};

export interface AdvanceClockInput {
  /** An ISO-8601 duration. */
  by?: string;
  /** An instant, not before the tenant's current time. */
  to?: string;
}

/**
 * Moves a tenant's time forward by a duration or to an instant. A real clock becomes an offset
 * clock (time keeps running from the new instant); a frozen one stays frozen at the new instant.
 * Only forward: a test clock that moved back would let documents be dated before ones already
 * made (use `setClock` to start over).
 */
export const advanceClock = async (
  deps: Deps,
  tenantId: string,
  input: AdvanceClockInput,
): Promise<TestClock> => {
  await getTenant(deps, tenantId);
  if ((input.by === undefined) === (input.to === undefined))
    throw invalid('Give exactly one of by (a duration) and to (an instant).', 'by');
  const current = await stored(deps, tenantId);
  const base = deps.clock.base.now(tenantId);
  const now = current === undefined ? base : settingNow(current, base);
  const target =
    input.by !== undefined ? addDuration(now, input.by) : parseInstant(input.to!, 'to');
  if (target.getTime() < now.getTime())
    throw invalid(
      `to (${toIso(target)}) is before the tenant's current time (${toIso(now)}); the clock only advances.`,
      'to',
    );
  return save(
    deps,
    tenantId,
    current?.frozenAt !== null && current !== undefined
      ? { frozenAt: target, offsetMs: 0 }
      : { frozenAt: null, offsetMs: target.getTime() - base.getTime() },
  );
};
