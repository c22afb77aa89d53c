/**
 * Picks the FileStore adapter from `FOLIO_FILES_URL` (DESIGN.md "Deployment modes": the mode is
 * chosen by URLs only) and gives it Folio's URL signer; an S3 bucket presigns with S3 instead.
 */
import type { Clock } from '../clock.ts';
import type { Ids } from '../ids.ts';
import type { FileStore } from './files.ts';
import { localFileStore } from './local.ts';
import { memoryFileStore } from './memory.ts';
import type { UrlSigner } from './signed-urls.ts';

/** The S3 settings of the configuration (`s3*` keys), used for `s3://` URLs only. */
export interface S3Settings {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  expirySeconds: number;
  clock: Clock;
}

/** Opens the store; the S3 adapter (and the AWS SDK, ~0.4 s to load) is imported only when used. */
export const openFileStore = async (
  url: string,
  deps: { ids: Ids; signer: UrlSigner; s3?: S3Settings },
): Promise<FileStore> => {
  if (url.startsWith('file:')) return localFileStore({ dir: url.slice('file:'.length), ...deps });
  if (url.startsWith('memory:')) return memoryFileStore({ signer: deps.signer });
  if (url.startsWith('s3://')) {
    if (deps.s3 === undefined) throw new Error(`FOLIO_FILES_URL ${url}: S3 settings missing`);
    const { s3FileStore } = await import('./s3.ts');
    return s3FileStore({ url, ...deps.s3 });
  }
  throw new Error(`FOLIO_FILES_URL ${url}: expected file:DIR, s3://bucket/prefix or memory:`);
};
