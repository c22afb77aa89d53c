/**
 * Callouts (issue 12 part 5): a tenant's webhook subscriptions, fed by the events port
 * (`deps.events`), delivered by the `callouts.deliver` job with the queue's retries and backoff,
 * and logged per delivery.
 *
 * Shape of a notification (Zuora, "Callout notification overview",
 * docs.zuora.com/zuora-platform/extensibility/events-and-notifications/notifications/callout-notification-overview):
 * an HTTP POST to the subscriber's URL carrying identifiers of the object, not its data — the
 * receiver calls the API back for more; Zuora adds a `Zuora-Request-Id` header (a uuid without
 * hyphens) that is new on every retry. Zuora's callout HMAC authentication signs configured data
 * with a key and puts the result in a chosen header; Folio fixes the choice: HMAC-SHA256 of the
 * raw body with the subscription's secret, hex, in `Folio-Signature: sha256=<hex>`.
 */
import { createHmac } from 'node:crypto';
import type { Database } from '../database.ts';
import type { Deps } from '../deps.ts';
import { toIso } from '../platform/clock.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { EventType, Events, FolioEvent } from '../platform/events.ts';
import type { JobConnection, Queue } from '../platform/jobs/queue.ts';
import type { Ids } from '../platform/ids.ts';
import type { TenantClock } from '../platform/clock.ts';
import type { Kysely } from 'kysely';
import { getTenant } from '../tenants/tenants.service.ts';
import * as store from './callouts.store.ts';
import type { CalloutDeliveryRow, CalloutRow } from './callouts.table.ts';

export const TASKS = { deliver: 'callouts.deliver' } as const;
/** Attempts per delivery: the first and 9 retries, the queue's backoff between them (2 s … 1 h). */
export const DELIVERY_ATTEMPTS = 10;
/** A receiver that does not answer within this is a failed attempt. */
const DELIVERY_TIMEOUT_MS = 10_000;
export const SIGNATURE_HEADER = 'Folio-Signature';

export interface Callout {
  id: string;
  url: string;
  events: EventType[];
  createdAt: string;
}

export interface CalloutDelivery {
  id: string;
  calloutId: string;
  event: string;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

const toCallout = (r: CalloutRow): Callout => ({
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events) as EventType[],
  createdAt: r.created_at,
});

const toDelivery = (r: CalloutDeliveryRow): CalloutDelivery => ({
  id: r.id,
  calloutId: r.callout_id,
  event: r.event,
  url: r.url,
  status: r.status as CalloutDelivery['status'],
  attempts: r.attempts,
  responseStatus: r.response_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The signature a receiver recomputes: `sha256=` + hex HMAC-SHA256 of the raw body. */
export const signBody = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Creates a subscription; without `secret` one is generated (and shown only in this answer). */
export const createCallout = async (
  deps: Deps,
  tenantId: string,
  input: { url: string; events: EventType[]; secret?: string },
): Promise<Callout & { secret: string }> => {
  await getTenant(deps, tenantId);
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new AppError('invalid', `'${input.url}' is not a URL.`, { field: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AppError('invalid', 'A callout URL is http or https.', { field: 'url' });
  const events = [...new Set(input.events)];
  if (events.length === 0) throw new AppError('missing', 'events is empty.', { field: 'events' });
  const row: CalloutRow = {
    id: deps.ids.id(),
    tenant_id: tenantId,
    url: url.href,
    events: JSON.stringify(events),
    secret: input.secret ?? deps.ids.secret(32),
    created_at: toIso(deps.clock.now(tenantId)),
  };
  await store.insertCallout(deps.db.db, row);
  return { ...toCallout(row), secret: row.secret };
};

/** Subscriptions without their secrets. */
export const listCallouts = async (deps: Deps, tenantId: string): Promise<Callout[]> => {
  await getTenant(deps, tenantId);
  return (await store.listCallouts(deps.db.db, tenantId)).map(toCallout);
};

export const deleteCallout = async (deps: Deps, tenantId: string, id: string): Promise<void> => {
  await getTenant(deps, tenantId);
  if ((await store.deleteCallout(deps.db.db, tenantId, id)) === 0) throw notFound('Callout', id);
};

export const listDeliveries = async (
  deps: Deps,
  tenantId: string,
  limit = 100,
): Promise<CalloutDelivery[]> => {
  await getTenant(deps, tenantId);
  return (await store.listDeliveries(deps.db.db, tenantId, limit)).map(toDelivery);
};

/**
 * The events port over callouts: each event a subscription wants becomes a delivery row and a
 * `callouts.deliver` job, both written through the caller's transaction — a rolled-back change
 * sends nothing, a committed one is sent at least once.
 */
export const calloutEvents = (parts: {
  queue: () => Queue;
  ids: Ids;
  clock: TenantClock;
}): Events => ({
  emit: async (conn: JobConnection, events: readonly FolioEvent[]) => {
    const first = events[0];
    if (first === undefined) return;
    // The connection is the caller's transaction over the application's tables.
    const db = conn as unknown as Kysely<Database>;
    const subs = await store.listCallouts(db, first.tenantId);
    if (subs.length === 0) return;
    const rows: CalloutDeliveryRow[] = [];
    for (const e of events) {
      const now = toIso(parts.clock.now(e.tenantId));
      for (const s of subs) {
        if (s.tenant_id !== e.tenantId || !(JSON.parse(s.events) as string[]).includes(e.type))
          continue;
        rows.push({
          id: parts.ids.id(),
          tenant_id: e.tenantId,
          callout_id: s.id,
          event: e.type,
          url: s.url,
          body: JSON.stringify({
            EventType: e.type,
            EventTimestamp: now,
            TenantId: e.tenantId,
            ObjectId: e.objectId,
            Status: e.status,
            ...e.data,
          }),
          status: 'pending',
          attempts: 0,
          response_status: null,
          last_error: null,
          created_at: now,
          updated_at: now,
        });
      }
    }
    await store.insertDeliveries(db, rows);
    for (const r of rows)
      await parts.queue().add(
        conn,
        TASKS.deliver,
        { tenantId: r.tenant_id, deliveryId: r.id },
        {
          maxAttempts: DELIVERY_ATTEMPTS,
        },
      );
  },
});

/**
 * One attempt of one delivery: POST the body, signed; a 2xx ends it `delivered`, anything else
 * throws so the queue retries with backoff, and the last attempt marks it `failed`.
 */
export const deliver = async (
  deps: Deps,
  ref: { tenantId: string; deliveryId: string },
  attempt: { number: number; max: number },
): Promise<void> => {
  const d = await store.findDelivery(deps.db.db, ref.tenantId, ref.deliveryId);
  if (d === undefined || d.status !== 'pending') return;
  const sub = (await store.listCallouts(deps.db.db, ref.tenantId)).find(
    (s) => s.id === d.callout_id,
  );
  const record = (set: {
    status: string;
    response_status: number | null;
    last_error: string | null;
  }) =>
    store.updateDelivery(deps.db.db, ref.tenantId, d.id, {
      ...set,
      attempts: d.attempts + 1,
      updated_at: toIso(deps.clock.now(ref.tenantId)),
    });
  if (sub === undefined) {
    await record({
      status: 'failed',
      response_status: null,
      last_error: 'The callout was deleted.',
    });
    return;
  }
  let error: string;
  let status: number | null = null;
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'zuora-request-id': deps.ids.uuid().replaceAll('-', ''),
        [SIGNATURE_HEADER]: signBody(sub.secret, d.body),
      },
      body: d.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    status = res.status;
    await res.body?.cancel();
    if (res.ok) {
      await record({ status: 'delivered', response_status: status, last_error: null });
      return;
    }
    error = `The receiver answered HTTP ${status}.`;
  } catch (e) {
    error = `The receiver could not be reached: ${(e as Error).message}`;
  }
  const last = attempt.number >= attempt.max;
  await record({ status: last ? 'failed' : 'pending', response_status: status, last_error: error });
  if (!last) throw new Error(error);
};
