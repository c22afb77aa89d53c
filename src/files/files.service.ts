/**
 * PDF file versions of billing documents (C4 `…/files`, C6). The PDF issue writes the rows and the
 * bytes; until then every document's list is empty.
 */
import type { Deps } from '../deps.ts';
import type { Scope } from '../platform/scope.ts';
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
