/**
 * C1.11 rate windows shared by every process of a PostgreSQL deployment (`rate_limit_windows`,
 * migration 0070): one row per tenant and window. A request locks its tenant's rows for one
 * short transaction (an upsert that also resets a window whose start moved, then the increment),
 * so N `folio serve` processes together admit at most the configured requests per window.
 * Window starts come from the caller's clock (`deps.clock`), as for the in-memory counters.
 */
import { sql, type Kysely } from 'kysely';
import type { SharedWindows } from './limits.ts';

export const postgresWindows = (db: Kysely<unknown>): SharedWindows => ({
  take: async (tenantId, windows, count) =>
    db.transaction().execute(async (tx) => {
      const seconds = windows.map((w) => w.seconds);
      const starts = windows.map((w) => w.start);
      // A window whose start moved forward counts from 0; an older start (a process whose clock
      // lags) never resets a newer window.
      const rows = (
        await sql<{ window_seconds: number; count: number }>`
          insert into rate_limit_windows as r (tenant_id, window_seconds, window_start, count)
          select ${tenantId}, w.s, w.st, 0
          from unnest(${seconds}::int[], ${starts}::bigint[]) as w(s, st)
          on conflict (tenant_id, window_seconds) do update set
            count = case when excluded.window_start > r.window_start then 0 else r.count end,
            window_start = greatest(r.window_start, excluded.window_start)
          returning r.window_seconds, r.count`.execute(tx)
      ).rows;
      const byWindow = new Map(rows.map((r) => [Number(r.window_seconds), Number(r.count)]));
      const counts = windows.map((w) => byWindow.get(w.seconds) ?? 0);
      const counted = count && counts.every((c, i) => c < windows[i]!.limit);
      if (!counted) return { counts, counted };
      await sql`update rate_limit_windows set count = count + 1
        where tenant_id = ${tenantId} and window_seconds = any(${seconds}::int[])`.execute(tx);
      return { counts: counts.map((c) => c + 1), counted };
    }),
});
