import type { Selectable } from 'kysely';

/** A tenant's test clock: frozen at `frozen_at`, or running `offset_ms` ahead of real time. */
export interface TenantClocksTable {
  tenant_id: string;
  frozen_at: string | null;
  /** bigint: PostgreSQL returns it as a string, SQLite as a number; read through `Number()`. */
  offset_ms: number | string;
  updated_at: string;
}
export interface ClocksTables {
  tenant_clocks: TenantClocksTable;
}
export type TenantClockRow = Selectable<TenantClocksTable>;
