/**
 * A real S3-compatible server for tests: s3rver (npm) on 127.0.0.1, files in a temp directory,
 * one DNS-style bucket. It implements PUT/GET/HEAD/DELETE, ListObjectsV2, multipart upload and
 * presigned-GET expiry (403 `AccessDenied`); it does not verify SigV4 signatures, so tampering
 * tests belong to Folio's own signer (`signed-urls.test.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface S3rverInstance {
  on(
    event: 'event',
    listener: (e: { Records: { eventName: string; s3: { object: { key: string } } }[] }) => void,
  ): void;
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** Settings for `s3FileStore`/config: path-style, any static credentials (s3rver's are `S3RVER`). */
  settings: {
    endpoint: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    forcePathStyle: boolean;
  };
  /** S3 events seen so far: `ObjectCreated:Put` (one PUT), `ObjectCreated:Post` (a completed multipart upload), … */
  events: { name: string; key: string }[];
  stop(): Promise<void>;
}

export const startS3Server = async (bucket = 'folio-test'): Promise<S3TestServer> => {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
  const directory = mkdtempSync(join(tmpdir(), 'folio-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const events: { name: string; key: string }[] = [];
  server.on('event', (e) => {
    for (const r of e.Records) events.push({ name: r.eventName, key: r.s3.object.key });
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    events,
    settings: {
      endpoint,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    },
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
};
