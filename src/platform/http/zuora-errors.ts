/**
 * THE table from error kind to Zuora category, HTTP status and CRUD code, and the builder of every
 * error body of CONTRACT C1–C2. Nothing else in Folio builds an error body.
 */
import type { AppError, ErrorKind } from '../errors.ts';

/** Which of Zuora's API surfaces a request is on; each has its own error envelope. */
export type Surface = 'v1' | 'crud' | 'objectQuery' | 'oauth' | 'admin';

interface KindRow {
  /** Zuora error category (C2.3); undefined where the body has no code. */
  category: number | undefined;
  /** HTTP status for new Zuora-Versions (and always for the surfaces the version never affects). */
  status: number;
  /** CRUD `Errors[].Code` (C2.5). */
  crud: string;
}

export const KINDS: Record<ErrorKind, KindRow> = {
  forbidden: { category: 10, status: 403, crud: 'INVALID_VALUE' },
  invalid: { category: 20, status: 400, crud: 'INVALID_VALUE' },
  unknown_field: { category: 20, status: 400, crud: 'INVALID_FIELD' },
  missing: { category: 22, status: 400, crud: 'MISSING_REQUIRED_VALUE' },
  missing_parameter: { category: 23, status: 400, crud: 'MISSING_REQUIRED_VALUE' },
  bad_query: { category: 27, status: 400, crud: 'INVALID_VALUE' },
  rule: { category: 30, status: 400, crud: 'INVALID_VALUE' },
  not_found: { category: 40, status: 404, crud: 'INVALID_ID' },
  unsupported: { category: 45, status: 415, crud: 'INVALID_VALUE' },
  busy: { category: 50, status: 409, crud: 'INVALID_VALUE' },
  idempotency_in_flight: { category: 50, status: 409, crud: 'INVALID_VALUE' },
  idempotency_mismatch: { category: 20, status: 422, crud: 'INVALID_VALUE' },
  rate_limited: { category: 70, status: 429, crud: 'INVALID_VALUE' },
  malformed: { category: 90, status: 400, crud: 'INVALID_VALUE' },
  too_large: { category: undefined, status: 413, crud: 'INVALID_VALUE' },
  unrecognised_fields: { category: undefined, status: 400, crud: 'INVALID_FIELD' },
  unauthenticated: { category: undefined, status: 401, crud: 'INVALID_VALUE' },
  internal: { category: 60, status: 500, crud: 'UNKNOWN_ERROR' },
};

/** Payload-less operations use this resource code (C2.2). */
export const DEFAULT_RESOURCE = '500000';

/** C1.3: the header sent with every 401. */
export const WWW_AUTHENTICATE =
  'Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API';

/** The first Zuora-Version whose v1 errors carry their category's HTTP status (C1.6). */
export const STATUS_VERSION = '2024-05-20';

/** A parsed `Zuora-Version`: a date or a legacy number such as `186.0`. Undefined when unparseable. */
export const parseZuoraVersion = (v: string): string | undefined => {
  const s = v.trim();
  if (/^\d{3}\.0$/.test(s)) {
    const n = Number(s);
    return n >= 186 && n <= 341 ? s : undefined;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m === null) return undefined;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) ? s : undefined;
};

/** True when v1 errors get their category status; false for legacy versions (HTTP 200). */
export const usesHttpStatus = (version: string): boolean =>
  /^\d{4}-/.test(version) && version >= STATUS_VERSION;

export interface ErrorContext {
  surface: Surface;
  /** The effective Zuora-Version (header or tenant default). */
  version: string;
  requestId: string;
  processId: string;
  method: string;
  /** 6-digit resource code of the operation (C2.2). */
  resource?: string;
}

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const code8 = (resource: string, category: number): string =>
  `${resource}${String(category).padStart(2, '0')}`;

/**
 * Builds the reply for an AppError on a surface, applying the Zuora-Version rule of C1.6.
 * `crudCode` of the error overrides the table (e.g. `INVALID_VERSION`).
 */
export const toErrorReply = (err: AppError, ctx: ErrorContext): ErrorReply => {
  const row = KINDS[err.kind];
  const headers: Record<string, string> = { ...err.headers };
  const status = err.kind === 'unsupported' && err.status !== undefined ? err.status : row.status;
  const message = err.message;

  // The gateway answers these before any resource code runs: same body everywhere, no version rule.
  if (err.kind === 'unauthenticated' && ctx.surface !== 'oauth') {
    headers['WWW-Authenticate'] = WWW_AUTHENTICATE;
    return { status: 401, headers, body: { message: 'Authentication error' } };
  }
  if (err.kind === 'too_large')
    return { status: 413, headers, body: { message: 'Request size limit exceeded' } };
  // C1.9: a CRUD POST/PUT with `?rejectUnknownFields=true` and a field the operation does not
  // know; the body is the one Zuora's OpenAPI documents for GLOBAL_REQUEST_rejectUnknownFields.
  if (err.kind === 'unrecognised_fields')
    return { status: 400, headers, body: { message: 'Error - unrecognised fields' } };

  switch (ctx.surface) {
    case 'oauth': {
      // RFC 6749 §5.2 (CONTRACT C1.2, C7 #10).
      if (err.kind === 'unauthenticated')
        return {
          status: 401,
          headers,
          body: { error: 'invalid_client', error_description: message },
        };
      if (err.kind === 'internal') return { status: 500, headers, body: { error: 'server_error' } };
      if (err.kind === 'rate_limited')
        return {
          status: 429,
          headers,
          body: { error: 'rate_limited', error_description: message },
        };
      if (err.kind === 'unsupported')
        return { status, headers, body: { error: 'invalid_request', error_description: message } };
      const error =
        err.crudCode === 'unsupported_grant_type' ? 'unsupported_grant_type' : 'invalid_request';
      return { status: 400, headers, body: { error, error_description: message } };
    }
    case 'crud': {
      if (err.kind === 'not_found' && ctx.method === 'GET')
        return { status: 404, headers, body: { done: true, records: [], size: 0 } };
      if (err.kind === 'rate_limited')
        return {
          status: 429,
          headers,
          body: { Success: false, Errors: [{ Code: 'REQUEST_EXCEEDED_LIMIT', Message: message }] },
        };
      const crudStatus =
        err.kind === 'not_found'
          ? 404
          : err.kind === 'internal'
            ? 500
            : err.kind === 'forbidden'
              ? 403
              : err.kind === 'unsupported'
                ? status
                : 400;
      return {
        status: crudStatus,
        headers,
        body: { Success: false, Errors: [{ Code: err.crudCode ?? row.crud, Message: message }] },
      };
    }
    case 'objectQuery': {
      // C2.6: the code is an integer; the version rule never applies (C1.6); 500 too (C7 #30).
      const code = Number(code8(ctx.resource ?? DEFAULT_RESOURCE, row.category ?? 60));
      return { status, headers, body: { reasons: [{ code, message }], requestId: ctx.requestId } };
    }
    case 'v1':
    case 'admin': {
      if (err.kind === 'internal' && ctx.surface === 'v1') {
        return {
          status: 500,
          headers,
          body: { reasons: [{ code: 'SystemError', message: 'internal server error' }] },
        };
      }
      const body = {
        success: false,
        processId: ctx.processId,
        reasons: [{ code: code8(ctx.resource ?? DEFAULT_RESOURCE, row.category ?? 60), message }],
        requestId: ctx.requestId,
      };
      // C1.6: legacy versions answer v1 errors with HTTP 200; 429 and 500 are never affected.
      // 405/415 (`unsupported`) keep their status too: C1.1 and C1.11 name those statuses outright,
      // and like 401/404/413 they are refused before any resource code runs.
      // The admin API is Folio's own and always uses real statuses.
      const keepStatus =
        ctx.surface === 'admin' ||
        err.kind === 'unsupported' ||
        err.kind === 'rate_limited' ||
        err.kind === 'internal' ||
        usesHttpStatus(ctx.version);
      return { status: keepStatus ? status : 200, headers, body };
    }
  }
};

/** 404 for a path no route serves (C1.11). */
export const routeNotFoundReply = (): ErrorReply => ({
  status: 404,
  headers: {},
  body: { message: 'Not Found' },
});
