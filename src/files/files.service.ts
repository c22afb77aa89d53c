/**
 * The `files` capability: PDF file versions of billing documents (C4 `…/files`, C6; the PDF issue
 * writes the rows and the bytes) and downloads through Folio's presigned URLs (DESIGN.md "Files and
 * URLs", CONTRACT C5.7): checks the signature and expiry, then opens the object, whole or a range.
 */
import type { Readable } from 'node:stream';
import type { Deps } from '../deps.ts';
import type { Scope } from '../platform/scope.ts';
import { checkKey, type FileInfo } from '../platform/files/files.ts';
import { isAppError } from '../platform/errors.ts';
import * as store from './files.store.ts';

export interface DocumentFile {
  id: string;
  documentId: string;
  versionNumber: number;
  generationStatus: string;
  fileStatus: string;
  createdAt: string;
  updatedAt: string;
}

export const listDocumentFiles = async (
  deps: Deps,
  scope: Scope,
  documentId: string,
): Promise<DocumentFile[]> =>
  (await store.listFilesOfDocument(deps.db.read, scope, documentId)).map((r) => ({
    id: r.id,
    documentId: r.document_id,
    versionNumber: r.version_number,
    generationStatus: r.generation_status,
    fileStatus: r.file_status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));

export type Download =
  | { ok: true; info: FileInfo; body: Readable; range: { start: number; end: number } | undefined }
  | { ok: false; reason: 'expired' | 'mismatch' | 'missing' }
  | { ok: false; reason: 'range'; size: number };

export interface DownloadRequest {
  /** The request path as received, still percent-encoded. */
  rawPath: string;
  /** The query string as received, without `?`. */
  rawQuery: string;
  /** The `Range` header, if any. */
  range: string | undefined;
}

/**
 * RFC 9110 byte ranges, one range only as S3 serves them: `bytes=a-b`, `bytes=a-`, `bytes=-n`.
 * Undefined = serve the whole object (no header, or one S3 ignores such as a multi-range);
 * 'unsatisfiable' = 416.
 */
export const parseRange = (
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined => {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (m === null || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return 'unsatisfiable';
  return { start, end };
};

/** Verifies a presigned URL and opens its object; every refusal is a reason, never bytes. */
export const openDownload = async (deps: Deps, req: DownloadRequest): Promise<Download> => {
  const verified = await deps.urls.verify(req.rawPath, req.rawQuery);
  if (!verified.ok) return verified;
  try {
    const info = await deps.files.head(checkKey(verified.key));
    if (info === undefined) return { ok: false, reason: 'missing' };
    const range = parseRange(req.range, info.size);
    if (range === 'unsatisfiable') return { ok: false, reason: 'range', size: info.size };
    const body = await deps.files.get(info.key, range === undefined ? {} : { range });
    return { ok: true, info, body, range };
  } catch (e) {
    // A key refused by the store, or deleted between head and get: no such object.
    if (isAppError(e) && (e.kind === 'invalid' || e.kind === 'not_found'))
      return { ok: false, reason: 'missing' };
    throw e;
  }
};

/** The latest PDF version of a document: what bulk export and downloads use (C5.2). */
export interface LatestFile {
  documentId: string;
  generationStatus: string;
  fileStatus: string;
  storageKey: string | null;
  fileName: string | null;
  size: number | null;
  createdAt: string;
}

/** Looked up in batches so tens of thousands of ids stay under every bind-parameter limit. */
const LOOKUP_BATCH = 500;

/** The latest file version (highest version number, then id) of each document that has one. */
export const findLatestFiles = async (
  deps: Deps,
  scope: Scope,
  documentIds: readonly string[],
): Promise<Map<string, LatestFile>> => {
  const latest = new Map<string, { version: number; id: string; file: LatestFile }>();
  for (let i = 0; i < documentIds.length; i += LOOKUP_BATCH) {
    const rows = await store.listFilesOfDocuments(
      deps.db.read,
      scope,
      documentIds.slice(i, i + LOOKUP_BATCH),
    );
    for (const r of rows) {
      const seen = latest.get(r.document_id);
      if (
        seen !== undefined &&
        (seen.version > r.version_number || (seen.version === r.version_number && seen.id > r.id))
      )
        continue;
      latest.set(r.document_id, {
        version: r.version_number,
        id: r.id,
        file: {
          documentId: r.document_id,
          generationStatus: r.generation_status,
          fileStatus: r.file_status,
          storageKey: r.storage_key,
          fileName: r.file_name,
          size: r.size,
          createdAt: r.created_at,
        },
      });
    }
  }
  return new Map([...latest].map(([k, v]) => [k, v.file]));
};

/** Records a generated PDF (already in the FileStore) as the document's newest version (C6.1). */
export const recordGeneratedFile = async (
  deps: Deps,
  scope: Scope,
  input: {
    documentType: string;
    documentId: string;
    storageKey: string;
    fileName: string;
    size: number;
  },
): Promise<void> => {
  const now = deps.clock.now(scope.tenantId);
  // The column is a 32-bit integer on PostgreSQL, too small for the epoch milliseconds its
  // comment describes; the next version number keeps "latest = highest" without overflowing.
  const versions = await store.listFilesOfDocuments(deps.db.db, scope, [input.documentId]);
  const version = Math.max(0, ...versions.map((v) => v.version_number)) + 1;
  await store.insertFile(deps.db.db, {
    id: deps.ids.id(),
    tenant_id: scope.tenantId,
    entity_id: scope.entityId,
    document_type: input.documentType,
    document_id: input.documentId,
    version_number: version,
    generation_status: 'Generated',
    file_status: 'ACTIVE',
    storage_key: input.storageKey,
    file_name: input.fileName,
    size: input.size,
    error_category: null,
    error_message: null,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  });
};
