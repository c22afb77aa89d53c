/**
 * Download URLs in S3's presigned form (DESIGN.md "Files and URLs", CONTRACT C5.7), signed and
 * verified by Folio for stores that Folio serves itself (local directory, memory).
 *
 * The URL is `<publicUrl>/files/<key>?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…&
 * X-Amz-Date=…&X-Amz-Expires=…&X-Amz-SignedHeaders=host&X-Amz-Signature=…`. The signature follows
 * SigV4's shape (AWS "Authenticating Requests: Using Query Parameters"): a canonical request of
 * method, canonical path, sorted canonical query (every parameter but the signature), the signed
 * header names and `UNSIGNED-PAYLOAD`; a string to sign of algorithm, date, scope and the
 * request's SHA-256; a signing key derived from the secret through date, region and service.
 * It deviates in one place, on purpose: the Host value is not signed, because a reverse proxy in
 * front of Folio may rewrite it; the path and query still bind the URL to one object and expiry.
 *
 * The credential's access key is the tenant id (or `folio`), so the verifier reads the same
 * tenant-aware clock (`clock.now(tenantId)`) the signer did: a tenant test clock moves both.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.ts';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
/** The path prefix Folio serves downloads under; it cannot collide with `/v1`, `/oauth` or `/object-query`. */
export const FILES_PATH = '/files';
const REGION = 'folio';
const SERVICE = 's3';
/** S3's own ceiling for `X-Amz-Expires` (7 days). */
export const MAX_EXPIRES = 604_800;
const SYSTEM_KEY = 'folio';

export interface UrlSignerOptions {
  /** Absolute base URL clients reach Folio at, without a trailing slash. */
  publicUrl: string;
  /** Default lifetime in seconds (`config.urlExpirySeconds`). */
  expirySeconds: number;
  clock: Clock;
  /** The signing secret; called lazily (it may live in the database, which opens later). */
  secret: () => Promise<string>;
}

export type VerifyResult =
  | { ok: true; key: string; tenantId: string | undefined }
  | { ok: false; reason: 'expired' | 'mismatch' };

/** Signs and verifies Folio's presigned URLs. */
export interface UrlSigner {
  /** The absolute presigned URL of `key`. */
  sign(key: string, options?: { tenantId?: string; expiresIn?: number }): Promise<string>;
  /** Verifies a request's raw (still encoded) path and query string. */
  verify(rawPath: string, rawQuery: string): Promise<VerifyResult>;
}

/** RFC 3986 encoding of one path segment or query component, as SigV4 canonicalises. */
const encode = (s: string): string =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

export const keyToPath = (key: string): string =>
  `${FILES_PATH}/${key.split('/').map(encode).join('/')}`;

const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer =>
  createHmac('sha256', key).update(data).digest();

/** `2026-03-15T10:00:00.000Z` → `20260315T100000Z`. */
const amzDate = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const parseAmzDate = (s: string): Date | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (m === null) return undefined;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

const canonicalQuery = (params: [string, string][]): string =>
  params
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

const signature = (
  secret: string,
  path: string,
  params: [string, string][],
  date: string,
  scope: string,
): string => {
  const request = ['GET', path, canonicalQuery(params), 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = [ALGORITHM, date, scope, sha256Hex(request)].join('\n');
  const day = date.slice(0, 8);
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), REGION), SERVICE), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
};

export const createUrlSigner = (options: UrlSignerOptions): UrlSigner => {
  let secret: Promise<string> | undefined;
  const getSecret = (): Promise<string> => {
    secret ??= options.secret().catch((e: unknown) => {
      secret = undefined;
      throw e;
    });
    return secret;
  };

  return {
    sign: async (key, o = {}) => {
      const expires = o.expiresIn ?? options.expirySeconds;
      if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES)
        throw new RangeError(`expiresIn must be an integer 1–${MAX_EXPIRES}`);
      const date = amzDate(options.clock.now(o.tenantId));
      const scope = `${date.slice(0, 8)}/${REGION}/${SERVICE}/aws4_request`;
      const params: [string, string][] = [
        ['X-Amz-Algorithm', ALGORITHM],
        ['X-Amz-Credential', `${o.tenantId ?? SYSTEM_KEY}/${scope}`],
        ['X-Amz-Date', date],
        ['X-Amz-Expires', String(expires)],
        ['X-Amz-SignedHeaders', 'host'],
      ];
      const path = keyToPath(key);
      const sig = signature(await getSecret(), path, params, date, scope);
      return `${options.publicUrl}${path}?${canonicalQuery([...params, ['X-Amz-Signature', sig]])}`;
    },

    verify: async (rawPath, rawQuery) => {
      const mismatch = { ok: false, reason: 'mismatch' } as const;
      if (!rawPath.startsWith(`${FILES_PATH}/`)) return mismatch;
      let key: string;
      try {
        key = rawPath
          .slice(FILES_PATH.length + 1)
          .split('/')
          .map((s) => decodeURIComponent(s))
          .join('/');
      } catch {
        return mismatch;
      }
      const all = [...new URLSearchParams(rawQuery)];
      const names = all.map(([k]) => k);
      if (new Set(names).size !== names.length) return mismatch;
      const get = (name: string) => all.find(([k]) => k === name)?.[1];
      const given = get('X-Amz-Signature');
      const date = get('X-Amz-Date') ?? '';
      const credential = get('X-Amz-Credential') ?? '';
      const expires = Number(get('X-Amz-Expires'));
      const signedAt = parseAmzDate(date);
      const cred = /^([0-9a-f]{32}|folio)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(
        credential,
      );
      if (
        given === undefined ||
        !/^[0-9a-f]{64}$/.test(given) ||
        get('X-Amz-Algorithm') !== ALGORITHM ||
        get('X-Amz-SignedHeaders') !== 'host' ||
        signedAt === undefined ||
        cred === null ||
        cred[2] !== date.slice(0, 8) ||
        !Number.isInteger(expires) ||
        expires < 1 ||
        expires > MAX_EXPIRES
      )
        return mismatch;
      const scope = credential.slice(credential.indexOf('/') + 1);
      const params = all.filter(([k]) => k !== 'X-Amz-Signature');
      const expected = signature(await getSecret(), keyToPath(key), params, date, scope);
      if (!timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex')))
        return mismatch;
      const tenantId = cred[1] === SYSTEM_KEY ? undefined : cred[1];
      // Checked after the signature, so an altered date or lifetime reads as "altered".
      await options.clock.sync?.(tenantId);
      if (options.clock.now(tenantId).getTime() >= signedAt.getTime() + expires * 1000)
        return { ok: false, reason: 'expired' };
      return { ok: true, key, tenantId };
    },
  };
};

const xmlEscape = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * S3's XML error document (`<Error><Code>…</Code><Message>…</Message>…</Error>`), the body S3
 * answers presigned-URL failures with; clients parse it whether Folio or S3 serves the file.
 */
export const s3ErrorXml = (code: string, message: string, requestId: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message><RequestId>${xmlEscape(requestId)}</RequestId></Error>`;
