/**
 * `Idempotency-Key` (CONTRACT C1.8): a POST with the header is claimed by an insert under a
 * unique (tenant, entity, key) constraint *before* its handler runs, so two concurrent requests
 * with one key never both execute, on SQLite and PostgreSQL alike. The finished response
 * (status, headers other than per-request ones, body) is stored and replayed for 24 h by
 * `deps.clock`.
 *
 * Zuora's idempotency guide (developer.zuora.com/docs/guides/idempotent-requests) is followed:
 * the original result comes back on a retry; 409 while the original is still running; 422 when
 * the method, path or body differ. Those statuses (and PUT's 400) are answered by the idempotency
 * layer before any resource code runs, so, like 401 (C7 #22), they ignore the Zuora-Version rule.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import type { Ids } from '../ids.ts';
import { STATUS_VERSION } from './zuora-errors.ts';

export interface IdempotencyKeysTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  key: string;
  method: string;
  /** Path and query string of the original request. */
  path: string;
  /** sha256 of the canonical JSON of the parsed body ('' when none). */
  body_hash: string;
  /** 'running' from the claim until the response is stored, then 'done'. */
  state: string;
  status: number | null;
  /** JSON object of the replayed headers. */
  headers: string | null;
  body: string | null;
  /** 1 when `body` holds base64 of a binary payload. */
  body_base64: number;
  created_at: string;
  expires_at: string;
}

export interface IdempotencyTables {
  idempotency_keys: IdempotencyKeysTable;
}

/** C1.8: records are kept 24 h. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/**
 * A claim still 'running' after this long belongs to a process that died (Zuora times requests
 * out at 120 s, C1.11); it no longer blocks a retry.
 */
export const STALE_CLAIM_MS = 120 * 1000;
const MAX_KEY = 255;

/** Headers that belong to one response only and are never replayed (C1.8). */
const PER_REQUEST = new Set([
  'zuora-request-id',
  'zuora-track-id',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'date',
  'vary',
]);
const isPerRequest = (name: string): boolean =>
  PER_REQUEST.has(name) || name.startsWith('ratelimit-') || name.startsWith('concurrency-limit-');

/** JSON with object keys sorted at every depth, so key order never changes the hash. */
export const canonicalJson = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
};

const hashBody = (body: unknown): string =>
  body === undefined ? '' : createHash('sha256').update(canonicalJson(body)).digest('hex');

export interface IdempotencyDeps {
  db: { db: Kysely<IdempotencyTables> };
  clock: Clock;
  ids: Ids;
}

interface Claim {
  id: string;
  tenantId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim: Claim | null;
  }
}

type Found =
  | { kind: 'claimed'; id: string }
  | { kind: 'replay'; row: IdempotencyKeysTable }
  | { kind: 'in_flight' }
  | { kind: 'mismatch' };

/** Claims `key` for this request or reports what already holds it. */
export const claimKey = async (
  deps: IdempotencyDeps,
  input: {
    tenantId: string;
    entityId: string;
    key: string;
    method: string;
    path: string;
    bodyHash: string;
  },
): Promise<Found> => {
  const db = deps.db.db;
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = deps.clock.now(input.tenantId);
    const id = deps.ids.id();
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({
        id,
        tenant_id: input.tenantId,
        entity_id: input.entityId,
        key: input.key,
        method: input.method,
        path: input.path,
        body_hash: input.bodyHash,
        state: 'running',
        status: null,
        headers: null,
        body: null,
        body_base64: 0,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString(),
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'entity_id', 'key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted !== undefined) return { kind: 'claimed', id };

    const row = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('tenant_id', '=', input.tenantId)
      .where('entity_id', '=', input.entityId)
      .where('key', '=', input.key)
      .executeTakeFirst();
    if (row === undefined) continue; // released between our insert and select: try again
    const stale =
      row.expires_at <= now.toISOString() ||
      (row.state === 'running' &&
        row.created_at <= new Date(now.getTime() - STALE_CLAIM_MS).toISOString());
    if (stale) {
      // Deleting by id means two racing retries delete one row; the unique insert picks one winner.
      await db.deleteFrom('idempotency_keys').where('id', '=', row.id).execute();
      continue;
    }
    if (row.method !== input.method || row.path !== input.path || row.body_hash !== input.bodyHash)
      return { kind: 'mismatch' };
    if (row.state !== 'done') return { kind: 'in_flight' };
    return { kind: 'replay', row };
  }
  return { kind: 'in_flight' };
};

/** Stores the finished response on the claim. */
export const storeResult = async (
  deps: IdempotencyDeps,
  claim: Claim,
  result: { status: number; headers: Record<string, string>; body: string; base64: boolean },
): Promise<void> => {
  await deps.db.db
    .updateTable('idempotency_keys')
    .set({
      state: 'done',
      status: result.status,
      headers: JSON.stringify(result.headers),
      body: result.body,
      body_base64: result.base64 ? 1 : 0,
    })
    .where('id', '=', claim.id)
    .where('tenant_id', '=', claim.tenantId)
    .execute();
};

/** Drops a claim so a retry can run (after a 5xx, or a response that cannot be stored). */
export const releaseClaim = async (deps: IdempotencyDeps, claim: Claim): Promise<void> => {
  await deps.db.db
    .deleteFrom('idempotency_keys')
    .where('id', '=', claim.id)
    .where('tenant_id', '=', claim.tenantId)
    .execute();
};

/** Deletes a tenant's expired records (called opportunistically on claims). */
export const purgeExpired = async (
  deps: IdempotencyDeps,
  tenantId: string,
  entityId: string,
): Promise<void> => {
  await deps.db.db
    .deleteFrom('idempotency_keys')
    .where('tenant_id', '=', tenantId)
    .where('entity_id', '=', entityId)
    .where('expires_at', '<=', deps.clock.now(tenantId).toISOString())
    .execute();
};

const headerValue = (request: FastifyRequest): string | undefined => {
  const h = request.headers['idempotency-key'];
  return Array.isArray(h) ? h.join(', ') : h;
};

/** An idempotency-layer refusal: a real HTTP status whatever the Zuora-Version (module comment). */
const gatewayError = (request: FastifyRequest, err: AppError): AppError => {
  request.zuora.version = STATUS_VERSION;
  return err;
};

/**
 * onRequest check, after authentication: a PUT with the header is refused (C1.8, Zuora's own
 * message) and a key longer than 255 characters is cat20.
 */
export const checkIdempotencyHeader = (request: FastifyRequest): void => {
  const key = headerValue(request);
  if (key === undefined || request.principal === null) return;
  if (request.method === 'PUT')
    throw gatewayError(
      request,
      new AppError('invalid', "Request method 'PUT' not supported with Idempotency-Key header", {
        field: 'Idempotency-Key',
      }),
    );
  if (request.method === 'POST' && (key.length === 0 || key.length > MAX_KEY))
    throw gatewayError(
      request,
      new AppError('invalid', `Idempotency-Key must be 1 to ${MAX_KEY} characters long.`, {
        field: 'Idempotency-Key',
      }),
    );
};

/** Statuses that are never recorded (C1.8), plus 5xx: see `registerIdempotency`. */
const notRecorded = (status: number): boolean =>
  status === 401 || status === 413 || status === 429 || status >= 500;

const replay = (reply: FastifyReply, row: IdempotencyKeysTable): FastifyReply => {
  const headers = JSON.parse(row.headers ?? '{}') as Record<string, string>;
  const body = row.body ?? '';
  return reply
    .code(row.status ?? 200)
    .headers(headers)
    .serializer((b: unknown) => b as string)
    .send(row.body_base64 === 1 ? Buffer.from(body, 'base64') : body);
};

/**
 * Registers the claim (preValidation: after parsing, before validation, so the hash is of the
 * body as sent) and the recording (onSend, before compression). After a 5xx the claim is released
 * so a retry runs again: the failure says nothing about the request, and Zuora's 500 guidance is
 * to retry (a decision; Zuora's guide stores every result).
 */
export const registerIdempotency = (app: FastifyInstance, deps: IdempotencyDeps): void => {
  app.decorateRequest('idempotencyClaim', null);

  app.addHook('preValidation', async (request, reply) => {
    const key = headerValue(request);
    const p = request.principal;
    if (key === undefined || p === null || request.method !== 'POST') return;
    await purgeExpired(deps, p.tenantId, p.entityId);
    const found = await claimKey(deps, {
      tenantId: p.tenantId,
      entityId: p.entityId,
      key,
      method: request.method,
      path: request.url,
      bodyHash: hashBody(request.body),
    });
    switch (found.kind) {
      case 'claimed':
        request.idempotencyClaim = { id: found.id, tenantId: p.tenantId };
        return;
      case 'replay':
        return replay(reply, found.row);
      case 'in_flight':
        throw gatewayError(
          request,
          new AppError(
            'idempotency_in_flight',
            'A request with this Idempotency-Key is still being processed.',
            { field: 'Idempotency-Key' },
          ),
        );
      case 'mismatch':
        throw gatewayError(
          request,
          new AppError(
            'idempotency_mismatch',
            'The Idempotency-Key was already used for a request with a different method, path or body.',
            { field: 'Idempotency-Key' },
          ),
        );
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (claim === null) return payload;
    request.idempotencyClaim = null;
    const status = reply.statusCode;
    const storable = typeof payload === 'string' || Buffer.isBuffer(payload) || payload === null;
    if (notRecorded(status) || !storable) {
      await releaseClaim(deps, claim);
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value === undefined || isPerRequest(name.toLowerCase())) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    await storeResult(deps, claim, {
      status,
      headers,
      body: Buffer.isBuffer(payload) ? payload.toString('base64') : (payload ?? ''),
      base64: Buffer.isBuffer(payload),
    });
    return payload;
  });

  // A request that ends without onSend (aborted before a reply) must not hold its key forever.
  app.addHook('onResponse', async (request) => {
    const claim = request.idempotencyClaim;
    if (claim === null) return;
    request.idempotencyClaim = null;
    await releaseClaim(deps, claim);
  });
};
