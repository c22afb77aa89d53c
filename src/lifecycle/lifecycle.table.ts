import type { Selectable } from 'kysely';

/** A tenant's lifecycle mode for its async jobs (issue 12 part 2). */
export interface LifecycleTenantsTable {
  tenant_id: string;
  /** `real` | `immediately` | `polls` | `manual`. */
  mode: string;
  /** With `polls`: the polls each step waits for. */
  polls: number;
  updated_at: string;
}

/** One bill run's or bulk-PDF job's override and forced failure. */
export interface LifecycleJobsTable {
  /** The bill run id or bulk-PDF job id. */
  object_id: string;
  tenant_id: string;
  /** null: the tenant's mode. */
  mode: string | null;
  polls: number | null;
  /** Polls counted towards the next step (`polls` mode). */
  polls_seen: number;
  /** The step at which the object is forced into `Error`, with the reason; null: none. */
  force_step: string | null;
  force_reason: string | null;
  updated_at: string;
}

/** A job held back from the queue until an advance (or a poll) releases it. */
export interface LifecycleParkedTable {
  /** Sorts in the order the jobs were added. */
  id: string;
  tenant_id: string;
  object_id: string;
  task_id: string;
  /** JSON. */
  payload: string;
  job_key: string | null;
  max_attempts: number | null;
  created_at: string;
}

export interface LifecycleTables {
  lifecycle_tenants: LifecycleTenantsTable;
  lifecycle_jobs: LifecycleJobsTable;
  lifecycle_parked: LifecycleParkedTable;
}
export type LifecycleTenantRow = Selectable<LifecycleTenantsTable>;
export type LifecycleJobRow = Selectable<LifecycleJobsTable>;
export type LifecycleParkedRow = Selectable<LifecycleParkedTable>;
