/**
 * The embedded adapter's job table (migration 0004_jobs). Jobs are platform rows, not tenant
 * data: no API reads them, and the tenant a job works for is inside its payload, where the
 * task's service scopes every query by it.
 */
export interface JobsTable {
  id: string;
  task_id: string;
  /** JSON text. */
  payload: string;
  job_key: string | null;
  /** ISO-8601 UTC; the job is ready once this is ≤ now. */
  run_at: string;
  /** Attempts started so far (incremented when claimed). */
  attempts: number;
  max_attempts: number;
  /** Last failure message, kept after a permanent failure. */
  last_error: string | null;
  /** Set while a runner holds the job; a lock older than the lease is stale (crashed runner). */
  locked_at: string | null;
  locked_by: string | null;
  /** Set when the job failed permanently; such jobs are never claimed again. */
  failed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface JobsTables {
  jobs: JobsTable;
}
