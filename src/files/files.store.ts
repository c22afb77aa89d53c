import type { Db } from '../database.ts';
import type { Scope } from '../platform/scope.ts';
import type { DocumentFileRow, NewDocumentFileRow } from './files.table.ts';

/** A document's file versions, newest first (C4 `…/files`). */
export const listFilesOfDocument = async (
  db: Db,
  s: Scope,
  documentId: string,
): Promise<DocumentFileRow[]> =>
  db
    .selectFrom('document_files')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('document_id', '=', documentId)
    .orderBy('version_number', 'desc')
    .orderBy('id', 'desc')
    .execute();

const CHUNK = 500;

export const insertDocumentFiles = async (db: Db, rows: NewDocumentFileRow[]): Promise<void> => {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('document_files')
      .values(rows.slice(i, i + CHUNK))
      .execute();
};

export const findDocumentFileById = async (
  db: Db,
  s: Scope,
  id: string,
): Promise<DocumentFileRow | undefined> =>
  db
    .selectFrom('document_files')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', '=', id)
    .executeTakeFirst();

export const findDocumentFilesByIds = async (
  db: Db,
  s: Scope,
  ids: readonly string[],
): Promise<DocumentFileRow[]> =>
  ids.length === 0
    ? []
    : db
        .selectFrom('document_files')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('id', 'in', ids)
        .execute();

/** Every version of these documents (callers pick the latest per document). */
export const listFilesOfDocuments = async (
  db: Db,
  s: Scope,
  documentIds: readonly string[],
): Promise<DocumentFileRow[]> => {
  const out: DocumentFileRow[] = [];
  for (let i = 0; i < documentIds.length; i += CHUNK)
    out.push(
      ...(await db
        .selectFrom('document_files')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('document_id', 'in', documentIds.slice(i, i + CHUNK))
        .execute()),
    );
  return out;
};

/** Changes one version's row; `from` guards the transition (false when the row was elsewhere). */
export const updateDocumentFile = async (
  db: Db,
  s: Scope,
  id: string,
  from: readonly string[],
  set: Partial<Omit<DocumentFileRow, 'id' | 'tenant_id' | 'entity_id'>>,
): Promise<boolean> => {
  const r = await db
    .updateTable('document_files')
    .set(set)
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', '=', id)
    .where('generation_status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
};

/** Marks the Generated versions of documents older than `before` Obsolete (C6.1). */
export const obsoleteOlderVersions = async (
  db: Db,
  s: Scope,
  documentIds: readonly string[],
  beforeVersion: number | undefined,
  now: string,
): Promise<void> => {
  for (let i = 0; i < documentIds.length; i += CHUNK) {
    let q = db
      .updateTable('document_files')
      .set({ generation_status: 'Obsolete', updated_at: now })
      .where('tenant_id', '=', s.tenantId)
      .where('entity_id', '=', s.entityId)
      .where('document_id', 'in', documentIds.slice(i, i + CHUNK))
      .where('generation_status', '=', 'Generated');
    if (beforeVersion !== undefined) q = q.where('version_number', '<', beforeVersion);
    await q.execute();
  }
};

/** Sets the file status (ACTIVE | ARCHIVED) of a document's versions. */
export const setFileStatusOfDocument = async (
  db: Db,
  s: Scope,
  documentId: string,
  fileStatus: string,
  now: string,
): Promise<number> => {
  const r = await db
    .updateTable('document_files')
    .set({ file_status: fileStatus, updated_at: now })
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('document_id', '=', documentId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
};
