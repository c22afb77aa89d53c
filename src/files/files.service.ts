/**
 * The `files` capability: PDF file versions of billing documents (C4 `…/files`, C6; the PDF issue
 * writes the rows and the bytes) and downloads through Folio's presigned URLs (DESIGN.md "Files and
 * URLs", CONTRACT C5.7): checks the signature and expiry, then opens the object, whole or a range.
 */
import type { Readable } from 'node:stream';
import type { Db } from '../database.ts';
import type { Deps } from '../deps.ts';
import type { Scope } from '../platform/scope.ts';
import { checkKey, type FileInfo } from '../platform/files/files.ts';
import { isAppError } from '../platform/errors.ts';
import * as store from './files.store.ts';
import type { DocumentFileRow, NewDocumentFileRow } from './files.table.ts';

export interface DocumentFile {
  id: string;
  /** `Invoice` | `CreditMemo` | `DebitMemo`. */
  documentType: string;
  documentId: string;
  versionNumber: number;
  generationStatus: string;
  fileStatus: string;
  storageKey: string | null;
  fileName: string | null;
  size: number | null;
  errorCategory: string | null;
  errorMessage: string | null;
  createdAt: string;
  updatedAt: string;
}

const toDocumentFile = (r: DocumentFileRow): DocumentFile => ({
  id: r.id,
  documentType: r.document_type,
  documentId: r.document_id,
  versionNumber: r.version_number,
  generationStatus: r.generation_status,
  fileStatus: r.file_status,
  storageKey: r.storage_key,
  fileName: r.file_name,
  size: r.size,
  errorCategory: r.error_category,
  errorMessage: r.error_message,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A document's file versions, newest first (C4 `…/files`). */
export const listDocumentFiles = async (
  deps: Deps,
  scope: Scope,
  documentId: string,
): Promise<DocumentFile[]> =>
  (await store.listFilesOfDocument(deps.db.read, scope, documentId)).map(toDocumentFile);

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

/** C6.1 generation statuses a version row goes through. */
export type GenerationStatus = 'Pending' | 'Processing' | 'Generated' | 'Error' | 'Obsolete';

const LOOKUP_BATCH = 500;

/** The newest version first: by version number, ties (same millisecond) by creation order. */
const newestFirst = (a: DocumentFileRow, b: DocumentFileRow): number =>
  b.version_number - a.version_number || (a.created_at < b.created_at ? 1 : -1);

/**
 * Writes one new PDF version per document in the caller's transaction (C6.1: each generation is
 * a new file version). Version numbers are epoch milliseconds by the tenant's clock (C4
 * `versionNumber`), and strictly greater than the document's previous versions so "latest" is
 * never ambiguous, even for two generations within one millisecond.
 */
export const createFileVersions = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  docs: readonly { documentType: string; documentId: string }[],
  status: 'Pending' | 'Processing',
): Promise<DocumentFile[]> => {
  if (docs.length === 0) return [];
  const nowDate = deps.clock.now(scope.tenantId);
  const now = nowDate.toISOString();
  const latest = new Map<string, number>();
  for (const r of await store.listFilesOfDocuments(
    tx,
    scope,
    docs.map((d) => d.documentId),
  ))
    latest.set(r.document_id, Math.max(latest.get(r.document_id) ?? 0, r.version_number));
  const rows: NewDocumentFileRow[] = docs.map((d) => {
    const version = Math.max(nowDate.getTime(), (latest.get(d.documentId) ?? 0) + 1);
    latest.set(d.documentId, version);
    return {
      id: deps.ids.id(),
      tenant_id: scope.tenantId,
      entity_id: scope.entityId,
      document_type: d.documentType,
      document_id: d.documentId,
      version_number: version,
      generation_status: status,
      file_status: 'ACTIVE',
      storage_key: null,
      file_name: null,
      size: null,
      error_category: null,
      error_message: null,
      created_at: now,
      updated_at: now,
    };
  });
  await store.insertDocumentFiles(tx, rows);
  return (rows as DocumentFileRow[]).map(toDocumentFile);
};

/** One file version of the scope; undefined for an unknown id or another tenant's or entity's. */
export const findDocumentFile = async (
  deps: Deps,
  scope: Scope,
  id: string,
  db: Db = deps.db.read,
): Promise<DocumentFile | undefined> => {
  const r = await store.findDocumentFileById(db, scope, id);
  return r === undefined ? undefined : toDocumentFile(r);
};

export const findDocumentFiles = async (
  deps: Deps,
  scope: Scope,
  ids: readonly string[],
  db: Db = deps.db.db,
): Promise<DocumentFile[]> =>
  (await store.findDocumentFilesByIds(db, scope, ids)).map(toDocumentFile);

/** The latest version of each document that has one (pdf-status, bulk export triage). */
export const latestDocumentFiles = async (
  deps: Deps,
  scope: Scope,
  documentIds: readonly string[],
  db: Db = deps.db.read,
): Promise<Map<string, DocumentFile>> => {
  const rows: DocumentFileRow[] = [];
  // In batches, so a bulk export's tens of thousands of ids stay under every bind-parameter limit.
  for (let i = 0; i < documentIds.length; i += LOOKUP_BATCH)
    rows.push(
      ...(await store.listFilesOfDocuments(db, scope, documentIds.slice(i, i + LOOKUP_BATCH))),
    );
  rows.sort(newestFirst);
  const out = new Map<string, DocumentFile>();
  for (const r of rows) if (!out.has(r.document_id)) out.set(r.document_id, toDocumentFile(r));
  return out;
};

/** `Pending` (or a `Processing` left by a crashed attempt) → `Processing`; false otherwise. */
export const startFileGeneration = async (deps: Deps, scope: Scope, id: string): Promise<boolean> =>
  store.updateDocumentFile(deps.db.db, scope, id, ['Pending', 'Processing'], {
    generation_status: 'Processing',
    updated_at: deps.clock.now(scope.tenantId).toISOString(),
  });

/**
 * `Processing` → `Generated` with the stored bytes' key, and the document's older Generated
 * versions → `Obsolete` (C6.1), in one transaction.
 */
export const finishFileGeneration = async (
  deps: Deps,
  scope: Scope,
  file: DocumentFile,
  out: { storageKey: string; fileName: string; size: number },
): Promise<boolean> => {
  const now = deps.clock.now(scope.tenantId).toISOString();
  return deps.db.db.transaction().execute(async (tx) => {
    const ok = await store.updateDocumentFile(tx, scope, file.id, ['Processing'], {
      generation_status: 'Generated',
      storage_key: out.storageKey,
      file_name: out.fileName,
      size: out.size,
      error_category: null,
      error_message: null,
      updated_at: now,
    });
    if (ok)
      await store.obsoleteOlderVersions(tx, scope, [file.documentId], file.versionNumber, now);
    return ok;
  });
};

/**
 * `finishFileGeneration` for many versions in one transaction (bulk PDF generation: one commit
 * per batch instead of one per document). Returns the ids of the versions it moved to Generated.
 */
export const finishFileGenerations = async (
  deps: Deps,
  scope: Scope,
  done: readonly {
    file: DocumentFile;
    out: { storageKey: string; fileName: string; size: number };
  }[],
): Promise<Set<string>> => {
  const now = deps.clock.now(scope.tenantId).toISOString();
  return deps.db.db.transaction().execute(async (tx) => {
    const moved = new Set<string>();
    const byVersion = new Map<number, string[]>();
    for (const { file, out } of done) {
      const ok = await store.updateDocumentFile(tx, scope, file.id, ['Processing'], {
        generation_status: 'Generated',
        storage_key: out.storageKey,
        file_name: out.fileName,
        size: out.size,
        error_category: null,
        error_message: null,
        updated_at: now,
      });
      if (!ok) continue;
      moved.add(file.id);
      byVersion.set(file.versionNumber, [
        ...(byVersion.get(file.versionNumber) ?? []),
        file.documentId,
      ]);
    }
    for (const [version, documentIds] of byVersion)
      await store.obsoleteOlderVersions(tx, scope, documentIds, version, now);
    return moved;
  });
};

/** `Pending`/`Processing` → `Error` with its category and message (C4 pdf-status). */
export const failFileGeneration = async (
  deps: Deps,
  scope: Scope,
  id: string,
  errorCategory: string,
  errorMessage: string,
): Promise<boolean> =>
  store.updateDocumentFile(deps.db.db, scope, id, ['Pending', 'Processing'], {
    generation_status: 'Error',
    error_category: errorCategory,
    error_message: errorMessage.slice(0, 1000),
    updated_at: deps.clock.now(scope.tenantId).toISOString(),
  });

/**
 * Marks every PDF version of a document archived or active again (C4: "files may be marked
 * archived"). Returns how many versions changed.
 */
export const setDocumentFilesArchived = async (
  deps: Deps,
  scope: Scope,
  documentId: string,
  archived: boolean,
): Promise<number> =>
  store.setFileStatusOfDocument(
    deps.db.db,
    scope,
    documentId,
    archived ? 'ARCHIVED' : 'ACTIVE',
    deps.clock.now(scope.tenantId).toISOString(),
  );
