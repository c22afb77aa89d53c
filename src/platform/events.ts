/**
 * Events port (issue 12 part 5): services announce status changes through `deps.events` without
 * knowing who listens (callouts subscribe), so capabilities do not import each other's stores.
 */
import type { JobConnection } from './jobs/queue.ts';

/** The events a tenant can subscribe to. */
export const EVENT_TYPES = [
  'BillRunStatusChanged',
  'BulkPdfJobStatusChanged',
  'InvoicePosted',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One thing that happened to one object. */
export interface FolioEvent {
  type: EventType;
  tenantId: string;
  /** The object's id (bill run, bulk-PDF job, invoice). */
  objectId: string;
  /** Its status after the change. */
  status: string;
  /** What a receiver needs besides (number, step, …); copied into the notification. */
  data?: Record<string, string | number | null>;
}

export interface Events {
  /**
   * Records `events` through `db`, which must be the transaction of the status change: what a
   * listener does (a queued delivery) commits or rolls back with the change.
   */
  emit(db: JobConnection, events: readonly FolioEvent[]): Promise<void>;
}
