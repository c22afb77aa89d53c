import type { Db } from '../database.ts';
import type { Scope } from '../platform/scope.ts';
import type { DocumentFileRow } from './files.table.ts';

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
