/**
 * FileStore on an S3-compatible bucket (`FOLIO_FILES_URL=s3://bucket/prefix`), the scale-out
 * mode's store (DESIGN.md "Deployment modes", issue 10 part 3). The only file that imports the
 * AWS SDK (STYLE.md "Dependency rules").
 *
 * - Keys live under `prefix/` in the bucket; `checkKey` keeps them from escaping it (no `..`, no
 *   absolute path, no empty segment), so a store only ever touches its own prefix.
 * - `put` of a stream goes through `@aws-sdk/lib-storage`'s `Upload`: a single PUT below one
 *   part, a multipart upload above, aborted when the source fails. S3 objects appear whole or
 *   not at all, the atomicity the contract asks for.
 * - `signedUrl` is S3's own presigned GET; its signing date is `clock.now(tenantId)`, so a tenant
 *   test clock moves S3 URL expiry as it moves Folio's (C5.7: 24 h by default).
 */
import { PassThrough, Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Clock } from '../clock.ts';
import {
  checkKey,
  checkPrefix,
  fileNotFound,
  resolveRange,
  type FileData,
  type FileInfo,
  type FileStore,
} from './files.ts';
import { MAX_EXPIRES } from './signed-urls.ts';

export interface S3FileStoreOptions {
  /** `s3://bucket` or `s3://bucket/prefix` (the prefix may have several segments). */
  url: string;
  /** Endpoint of an S3-compatible server (MinIO, s3rver, …); empty: AWS's own for the region. */
  endpoint?: string;
  /** Region; S3-compatible servers usually accept any (default `us-east-1`). */
  region?: string;
  /** Static credentials; when both are empty the SDK's default chain is used (env, IAM role…). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle?: boolean;
  /** Default lifetime of presigned URLs in seconds (`config.urlExpirySeconds`). */
  expirySeconds: number;
  clock: Clock;
  /** Multipart part size in bytes (S3's minimum, 5 MiB, by default). */
  partSize?: number;
}

/** A FileStore that also owns a connection pool to release at shutdown. */
export interface S3FileStore extends FileStore {
  close(): void;
}

/** Parses `s3://bucket/prefix` into the bucket and the prefix (no leading or trailing "/"). */
export const parseS3Url = (url: string): { bucket: string; prefix: string } => {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  // S3's bucket naming rules: 3–63 lowercase letters, digits, dots and hyphens.
  if (m === null || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(m[1]!))
    throw new Error(`FOLIO_FILES_URL ${url}: expected s3://bucket/prefix with a DNS-style bucket`);
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  if (prefix !== '') checkKey(prefix);
  return { bucket: m[1]!, prefix };
};

const statusOf = (e: unknown): number | undefined =>
  e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined;
const isNotFound = (e: unknown): boolean =>
  statusOf(e) === 404 ||
  (e instanceof S3ServiceException && (e.name === 'NoSuchKey' || e.name === 'NotFound'));

/** Counts the bytes that pass, so `put` can report the size of a streamed object. */
const counting = (
  data: FileData,
): { body: Readable; size: () => number; failure: () => unknown } => {
  let size = 0;
  let failure: unknown;
  const source = data instanceof Readable ? data : Readable.from(data as AsyncIterable<Uint8Array>);
  const body = new PassThrough();
  body.on('data', (c: Buffer) => {
    size += c.length;
  });
  source.on('error', (e) => {
    failure = e;
    body.destroy(e);
  });
  source.pipe(body);
  return { body, size: () => size, failure: () => failure };
};

export const s3FileStore = (options: S3FileStoreOptions): S3FileStore => {
  const { bucket, prefix } = parseS3Url(options.url);
  const staticCredentials =
    (options.accessKeyId ?? '') !== '' || (options.secretAccessKey ?? '') !== '';
  const client = new S3Client({
    region: options.region === undefined || options.region === '' ? 'us-east-1' : options.region,
    ...(options.endpoint === undefined || options.endpoint === ''
      ? {}
      : { endpoint: options.endpoint }),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(staticCredentials
      ? {
          credentials: {
            accessKeyId: options.accessKeyId ?? '',
            secretAccessKey: options.secretAccessKey ?? '',
          },
        }
      : {}),
    // S3-compatible servers (MinIO, s3rver, older Ceph) reject the CRC32 checksums SDK v3 adds by
    // default since 2025; send them only where S3 requires them (issue 10 part 3).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const full = (key: string): string => (prefix === '' ? key : `${prefix}/${key}`);
  const strip = (s3Key: string): string => (prefix === '' ? s3Key : s3Key.slice(prefix.length + 1));

  const head = async (key: string): Promise<FileInfo | undefined> => {
    checkKey(key);
    try {
      const r = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: full(key) }));
      return {
        key,
        size: r.ContentLength ?? 0,
        contentType: r.ContentType ?? 'application/octet-stream',
      };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };

  return {
    put: async (key, data, { contentType }) => {
      checkKey(key);
      if (Buffer.isBuffer(data) || data instanceof Uint8Array) {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: full(key),
            Body: data,
            ContentType: contentType,
            ContentLength: data.byteLength,
          }),
        );
        return { key, size: data.byteLength, contentType };
      }
      const { body, size, failure } = counting(data);
      // One PUT when the stream ends within the first part, a multipart upload otherwise; on a
      // source error `Upload` aborts the multipart upload, so no part stays billed or visible.
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: full(key), Body: body, ContentType: contentType },
        partSize: options.partSize ?? 5 * 1024 * 1024,
        queueSize: 2,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (e) {
        // The source's own error says what went wrong, not a failed abort that followed it.
        throw failure() ?? e;
      }
      return { key, size: size(), contentType };
    },

    get: async (key, o = {}) => {
      checkKey(key);
      let range: string | undefined;
      if (o.range !== undefined) {
        const info = await head(key);
        if (info === undefined) throw fileNotFound(key);
        const r = resolveRange(key, info.size, o.range);
        range = `bytes=${r.start}-${r.end}`;
      }
      try {
        const r = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: full(key),
            ...(range === undefined ? {} : { Range: range }),
          }),
        );
        // In Node the SDK's body is the response's IncomingMessage (a Readable).
        return r.Body as Readable;
      } catch (e) {
        if (isNotFound(e)) throw fileNotFound(key);
        throw e;
      }
    },

    head,

    // S3's DELETE answers 204 whether or not the object existed, so a HEAD says which it was.
    delete: async (key) => {
      if ((await head(key)) === undefined) return false;
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: full(key) }));
      return true;
    },

    list: (listPrefix) => {
      checkPrefix(listPrefix);
      return (async function* () {
        let token: string | undefined;
        do {
          const page = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: full(listPrefix),
              ...(token === undefined ? {} : { ContinuationToken: token }),
            }),
          );
          for (const o of page.Contents ?? []) {
            if (o.Key === undefined) continue;
            // Listing does not return content types; HEAD gives the one `put` stored.
            const info = await head(strip(o.Key));
            if (info !== undefined) yield info;
          }
          token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
        } while (token !== undefined);
      })();
    },

    signedUrl: async (key, o = {}) => {
      checkKey(key);
      const expiresIn = o.expiresIn ?? options.expirySeconds;
      if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES)
        throw new RangeError(`expiresIn must be an integer 1–${MAX_EXPIRES}`);
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: full(key) }), {
        expiresIn,
        signingDate: options.clock.now(o.tenantId),
      });
    },

    close: () => client.destroy(),
  };
};
