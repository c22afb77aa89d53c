/**
 * Expected failures. Services throw `AppError`; only `platform/http/zuora-errors.ts` turns a kind
 * into an HTTP status, a Zuora category and a body (STYLE.md "Errors").
 */
export type ErrorKind =
  | 'forbidden'
  | 'invalid'
  | 'unknown_field'
  | 'missing'
  | 'missing_parameter'
  | 'bad_query'
  | 'rule'
  | 'not_found'
  | 'unsupported'
  | 'busy'
  | 'idempotency_in_flight'
  | 'idempotency_mismatch'
  | 'rate_limited'
  | 'malformed'
  | 'too_large'
  | 'unrecognised_fields'
  | 'unauthenticated'
  | 'internal';

export interface AppErrorOptions {
  /** The request field at fault, when there is one (wire name). */
  field?: string;
  cause?: unknown;
  /** HTTP status override inside the kind's family (405/406/415 for `unsupported`). */
  status?: number;
  /** Extra response headers, e.g. `Retry-After` for `rate_limited`. */
  headers?: Record<string, string>;
  /**
   * A specific code where the kind alone does not decide it: a CRUD code such as
   * `INVALID_VERSION` (C3.1), or the RFC 6749 `unsupported_grant_type` on /oauth/token.
   */
  crudCode?: string;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly field: string | undefined;
  readonly status: number | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly crudCode: string | undefined;

  constructor(kind: ErrorKind, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.field = options.field;
    this.status = options.status;
    this.headers = options.headers;
    this.crudCode = options.crudCode;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

export const notFound = (what: string, key: string): AppError =>
  new AppError('not_found', `${what} ${key} does not exist.`);

export const invalid = (message: string, field?: string): AppError =>
  new AppError('invalid', message, field === undefined ? {} : { field });

export const missing = (field: string): AppError =>
  new AppError('missing', `${field} is required.`, { field });

export const rule = (message: string): AppError => new AppError('rule', message);

export const busy = (message: string): AppError => new AppError('busy', message);
