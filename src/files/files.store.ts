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

/** Every file version of the given documents (bulk PDF triage and zipping; C5.2). */
export const listFilesOfDocuments = async (
  db: Db,
  s: Scope,
  documentIds: readonly string[],
): Promise<DocumentFileRow[]> =>
  documentIds.length === 0
    ? []
    : db
        .selectFrom('document_files')
        .selectAll()
        .where('tenant_id', '=', s.tenantId)
        .where('entity_id', '=', s.entityId)
        .where('document_id', 'in', documentIds)
        .execute();

export const insertFile = async (db: Db, row: NewDocumentFileRow): Promise<void> => {
  await db.insertInto('document_files').values(row).execute();
};
