import type { Selectable } from 'kysely';

/** A tenant's webhook subscription (issue 12 part 5). */
export interface CalloutsTable {
  id: string;
  tenant_id: string;
  url: string;
  /** JSON array of event names. */
  events: string;
  /** HMAC-SHA256 key of the signature header. */
  secret: string;
  created_at: string;
}

/** One notification to one subscription, and how its delivery went. */
export interface CalloutDeliveriesTable {
  /** Sorts in the order the deliveries were made. */
  id: string;
  tenant_id: string;
  callout_id: string;
  event: string;
  url: string;
  /** The JSON body sent, fixed when the event happened. */
  body: string;
  /** `pending` | `delivered` | `failed`. */
  status: string;
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface CalloutsTables {
  callouts: CalloutsTable;
  callout_deliveries: CalloutDeliveriesTable;
}
export type CalloutRow = Selectable<CalloutsTable>;
export type CalloutDeliveryRow = Selectable<CalloutDeliveriesTable>;
