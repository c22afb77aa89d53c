import type { Insertable, Selectable } from 'kysely';

/** A bulk PDF → ZIP job (CONTRACT C5.3–C5.4). Booleans are integers, JSON lists text. */
export interface BulkPdfJobsTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  name: string | null;
  file_name: string;
  /** `JSON` | `CSV`. */
  index_file_format: string;
  generate_missing_pdf: number;
  ignore_archived_files: number;
  persist_index_file: number;
  /** Documents per ZIP (C5.5: 1,000). */
  part_size: number;
  /** Submitted | Executing | Completed | Error (C5.4). */
  status: string;
  /** JobCreated | TasksCreated | GenerateMissPDF | PdfToZip | PostProcessing (C5.4). */
  step_status: string;
  part_count: number;
  parts_done: number;
  /** JSON `[{docType, objectIds}]`. */
  skipped_documents: string;
  /** JSON string array, signed once when the job completes (C5.7). */
  file_urls: string;
  message: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** One accepted document of a job, in request order. */
export interface BulkPdfDocumentsTable {
  job_id: string;
  position: number;
  doc_type: string;
  document_id: string;
  /** 1 while the job still has to generate its PDF (`generateMissingPDF`). */
  needs_pdf: number;
  /** 1 when its latest PDF was archived at submission (`ignoreArchivedFiles=false`). */
  archived: number;
  failed: number;
  failure: string | null;
  /** ZIP number (from 1) once the job has cut the list into parts. */
  part: number | null;
}

/** One ZIP of a job. */
export interface BulkPdfPartsTable {
  job_id: string;
  part: number;
  storage_key: string;
  done: number;
  entries: number | null;
  bytes: number | null;
}

export interface BulkPdfTables {
  bulk_pdf_jobs: BulkPdfJobsTable;
  bulk_pdf_documents: BulkPdfDocumentsTable;
  bulk_pdf_parts: BulkPdfPartsTable;
}
export type BulkPdfJobRow = Selectable<BulkPdfJobsTable>;
export type NewBulkPdfJobRow = Insertable<BulkPdfJobsTable>;
export type BulkPdfDocumentRow = Selectable<BulkPdfDocumentsTable>;
export type NewBulkPdfDocumentRow = Insertable<BulkPdfDocumentsTable>;
