import type { Insertable, Selectable } from 'kysely';

/** One version of a billing document's PDF (C4 `…/files`, `pdf-status`; C6). */
export interface DocumentFilesTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  /** `Invoice` | `CreditMemo` | `DebitMemo`. */
  document_type: string;
  document_id: string;
  /** Epoch milliseconds of generation (C4: `versionNumber`). */
  version_number: number;
  /** None | Pending | Processing | Generated | Error | Obsolete | Archived (C4). */
  generation_status: string;
  /** ACTIVE | ARCHIVED (`GET /v1/files/{id}/status`). */
  file_status: string;
  /** FileStore key of the bytes, once generated. */
  storage_key: string | null;
  file_name: string | null;
  size: number | null;
  error_category: string | null;
  error_message: string | null;
  created_at: string;
  updated_at: string;
}
export interface FilesTables {
  document_files: DocumentFilesTable;
}
export type DocumentFileRow = Selectable<DocumentFilesTable>;
export type NewDocumentFileRow = Insertable<DocumentFilesTable>;
