/**
 * Typed client for Folio and for Zuora's Billing REST API v1 (the same base-URL-relative paths).
 * The wire types are generated (`client/openapi.ts`, from openapi.json by `npm run gen`); this
 * file adds only what a caller would otherwise write by hand around openapi-fetch:
 * - an OAuth token (client credentials), cached and refreshed before it expires, and once more
 *   when the server answers 401 to a token the client still thought valid;
 * - `Zuora-Track-Id` on every call, an `Idempotency-Key` on every POST (kept across retries);
 * - retries on 429 honouring `Retry-After`;
 * - helpers that wait for a bill run or a bulk-PDF job, reporting progress.
 * It imports nothing from Folio's `src/`: it works against any server that speaks the API.
 */
import createOpenapiClient, { type Client } from 'openapi-fetch';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { operations, paths } from './openapi.ts';

type Json<Op extends keyof operations> = operations[Op]['responses'] extends {
  200: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** `GET /v1/operations/bulk-pdf/{jobId}` as the server answers it. */
export type BulkPdfJob = Json<'Get_BulkPDFToZIPGeneration'>;
/** `POST /v1/operations/bulk-pdf` as the server answers it. */
export type CreatedBulkPdfJob = Json<'Create_BulkPDFToZIPGeneration'>;
/** `GET /v1/bill-runs/{billRunId}` as the server answers it. */
export type BillRun = Json<'GET_BillRun'>;
/** `GET /v1/object/bill-run/{id}`: the CRUD view, the one that carries the counters. */
export type BillRunRecord = Json<'Object_GETBillRun'>;
/** `POST /oauth/token`'s answer. */
export type TokenResponse = Json<'createToken'>;
export type BillRunStatus = BillRun['status'];
export type BulkPdfStatus = BulkPdfJob['status'];

export interface ClientOptions {
  /** Base URL of the API: Folio (`http://127.0.0.1:8080`) or a Zuora one (`https://rest.zuora.com`). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** `Zuora-Entity-Ids` sent with every call (multi-entity tokens need it). */
  entityId?: string;
  /**
   * `Zuora-Version` sent with every call. Default `2024-05-20`: the first version whose v1 errors
   * come with their HTTP status rather than 200 + `success:false` (CONTRACT C1.6).
   */
  zuoraVersion?: string;
  /** `Zuora-Track-Id` of every call (≤ 64 printable ASCII, none of `:;"'`; CONTRACT C1.5). */
  trackId?: string | (() => string);
  /** Retries of a call answered 429 (default 5). */
  maxRetries?: number;
  /** Longest wait honoured from one `Retry-After` (default 60 s, Zuora's longest window). */
  maxRetryDelayMs?: number;
  /** Refresh a cached token this long before it expires (default 60 s). */
  refreshBeforeMs?: number;
  /** Called before each retry of a 429. */
  onRetry?: (info: { url: string; attempt: number; delayMs: number }) => void;
  /** Wall clock in ms, for token expiry (default `Date.now`; tests pass their own). */
  now?: () => number;
  /** The fetch used for every call (default `globalThis.fetch`). */
  fetch?: (request: Request) => Promise<Response>;
}

export interface WaitOptions<T> {
  /** Called with each polled state, the first one included. */
  onProgress?: (state: T) => void;
  /** Delay between polls (default 1 s). */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** An answer that is not the one a call needed: the HTTP status and the server's body. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(what: string, status: number, body: unknown) {
    super(`${what}: HTTP ${status} ${JSON.stringify(body)}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/**
 * Bill-run states that `waitForBillRun` waits through: the server moves a run on from these by
 * itself (CONTRACT C3.3); from any other state only a caller's action does.
 */
export const BILL_RUN_MOVING: readonly BillRunStatus[] = [
  'Pending',
  'Processing',
  'PostInProgress',
  'CancelInProgress',
  'RemoveInProgress',
];
/** Bulk-PDF job states that end `waitForBulkPdf` (CONTRACT C5.4). */
export const BULK_PDF_SETTLED: readonly BulkPdfStatus[] = [
  'Completed',
  'Error',
  'Aborted',
  'Cancelled',
];

/** Seconds of a `Retry-After` header (delta-seconds or an HTTP date), in ms; 1 s when absent. */
const retryAfterMs = (header: string | null, now: number): number => {
  if (header === null) return 1000;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now);
};

/** A client: `api` is the typed openapi-fetch client, the rest are the helpers above. */
export interface ZuoraClient {
  api: Client<paths>;
  /** A valid access token, fetched or refreshed when needed. */
  token: () => Promise<string>;
  /** The data of a typed call, or ApiError with the status and body of any other answer. */
  ok: <T>(
    what: string,
    call: Promise<{ data?: T; error?: unknown; response: Response }>,
  ) => Promise<NonNullable<T>>;
  /**
   * Polls a bill run (its CRUD view, which has the counters) until it leaves the states in
   * BILL_RUN_MOVING, or until `until` says so; returns its last state.
   */
  waitForBillRun: (
    billRunKey: string,
    options?: WaitOptions<BillRunRecord> & { until?: (run: BillRunRecord) => boolean },
  ) => Promise<BillRunRecord>;
  /** Polls a bulk-PDF job until it is Completed or failed; returns its last state. */
  waitForBulkPdf: (jobId: string, options?: WaitOptions<BulkPdfJob>) => Promise<BulkPdfJob>;
}

export const createZuoraClient = (options: ClientOptions): ZuoraClient => {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const send = options.fetch ?? ((r: Request) => globalThis.fetch(r));
  const maxRetries = options.maxRetries ?? 5;
  const maxDelay = options.maxRetryDelayMs ?? 60_000;
  const refreshBefore = options.refreshBeforeMs ?? 60_000;
  const trackId = (): string | undefined =>
    typeof options.trackId === 'function' ? options.trackId() : options.trackId;

  /** Sends, retrying 429s; the request is cloned per attempt so its body can be sent again. */
  const withRetries = async (request: Request): Promise<Response> => {
    for (let attempt = 1; ; attempt++) {
      const res = await send(request.clone());
      if (res.status !== 429 || attempt > maxRetries) return res;
      const delayMs = Math.min(maxDelay, retryAfterMs(res.headers.get('retry-after'), now()));
      await res.body?.cancel();
      options.onRetry?.({ url: request.url, attempt, delayMs });
      await sleep(delayMs, undefined, { signal: request.signal });
    }
  };

  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async (): Promise<string> => {
    const tokenClient = createOpenapiClient<paths>({ baseUrl, fetch: withRetries });
    const started = now();
    const { data, error, response } = await tokenClient.POST('/oauth/token', {
      body: {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        grant_type: 'client_credentials',
      },
      bodySerializer: (b) => new URLSearchParams(b as Record<string, string>),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(options.entityId === undefined ? {} : { 'Zuora-Entity-Ids': options.entityId }),
      },
    });
    if (data === undefined) throw new ApiError('POST /oauth/token', response.status, error);
    cached = { token: data.access_token, expiresAt: started + data.expires_in * 1000 };
    return data.access_token;
  };
  const token = async (): Promise<string> => {
    if (cached !== undefined && now() < cached.expiresAt - refreshBefore) return cached.token;
    // One token request at a time: concurrent calls share it.
    pending ??= fetchToken().finally(() => (pending = undefined));
    return pending;
  };

  const authorized = async (request: Request): Promise<Response> => {
    const headers = (t: string): Request => {
      // A clone per use: the first send consumes the body a 401 retry needs again.
      const r = request.clone();
      r.headers.set('Authorization', `Bearer ${t}`);
      return r;
    };
    const used = await token();
    const res = await withRetries(headers(used));
    if (res.status !== 401) return res;
    // The server no longer takes a token the cache still held (revoked, clock skew, restart
    // with a new database): one fresh token, one more try.
    if (cached?.token === used) cached = undefined;
    await res.body?.cancel();
    return withRetries(headers(await token()));
  };

  const api = createOpenapiClient<paths>({ baseUrl, fetch: authorized });
  api.use({
    onRequest: ({ request }) => {
      request.headers.set('Zuora-Version', options.zuoraVersion ?? '2024-05-20');
      if (options.entityId !== undefined) request.headers.set('Zuora-Entity-Ids', options.entityId);
      const track = trackId();
      if (track !== undefined) request.headers.set('Zuora-Track-Id', track);
      // One key per logical POST, the same on each retry: a retried create is not done twice
      // (CONTRACT C1.8). PUT refuses the header, so only POST gets one.
      if (request.method === 'POST' && !request.headers.has('Idempotency-Key'))
        request.headers.set('Idempotency-Key', randomUUID());
      return request;
    },
  });

  const ok: ZuoraClient['ok'] = async (what, call) => {
    const { data, error, response } = await call;
    if (!response.ok || data === undefined || data === null)
      throw new ApiError(what, response.status, error ?? data);
    // v1 REST with an old Zuora-Version answers failures 200 + success:false (C1.6).
    if (typeof data === 'object' && (data as { success?: unknown }).success === false)
      throw new ApiError(what, response.status, data);
    return data;
  };

  const poll = async <T>(
    read: () => Promise<T>,
    done: (state: T) => boolean,
    { onProgress, intervalMs = 1000, signal }: WaitOptions<T>,
  ): Promise<T> => {
    for (;;) {
      signal?.throwIfAborted();
      const state = await read();
      onProgress?.(state);
      if (done(state)) return state;
      await sleep(intervalMs, undefined, { signal });
    }
  };

  return {
    api,
    token,
    ok,
    waitForBillRun: async (billRunKey, { until, ...wait } = {}) => {
      // The CRUD view takes only the ID (32 hex); a number (BR-…) is resolved first.
      const id = /^[0-9a-f]{32}$/.test(billRunKey)
        ? billRunKey
        : (
            await ok(
              `GET bill run ${billRunKey}`,
              api.GET('/v1/bill-runs/{billRunId}', {
                params: { path: { billRunId: billRunKey } },
              }),
            )
          ).id;
      return poll(
        () =>
          ok(
            `GET bill run ${billRunKey}`,
            api.GET('/v1/object/bill-run/{id}', { params: { path: { id } } }),
          ),
        (run) =>
          until !== undefined
            ? until(run)
            : run.Status !== undefined && !BILL_RUN_MOVING.includes(run.Status),
        wait,
      );
    },
    waitForBulkPdf: (jobId, wait = {}) =>
      poll(
        () =>
          ok(
            `GET bulk-PDF job ${jobId}`,
            api.GET('/v1/operations/bulk-pdf/{jobId}', { params: { path: { jobId } } }),
          ),
        (job) => BULK_PDF_SETTLED.includes(job.status),
        wait,
      ),
  };
};
