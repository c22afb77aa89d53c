/**
 * Picks the FileStore adapter from `FOLIO_FILES_URL` (DESIGN.md "Deployment modes": the mode is
 * chosen by URLs only) and gives it Folio's URL signer.
 */
import type { Ids } from '../ids.ts';
import type { FileStore } from './files.ts';
import { localFileStore } from './local.ts';
import { memoryFileStore } from './memory.ts';
import type { UrlSigner } from './signed-urls.ts';

export const openFileStore = (url: string, deps: { ids: Ids; signer: UrlSigner }): FileStore => {
  if (url.startsWith('file:')) return localFileStore({ dir: url.slice('file:'.length), ...deps });
  if (url.startsWith('memory:')) return memoryFileStore({ signer: deps.signer });
  // TODO: the S3 adapter (s3://bucket/prefix) is the scale-out work of a later issue.
  throw new Error(`FOLIO_FILES_URL ${url}: only file: and memory: stores exist yet`);
};
