import type { Kysely } from 'kysely';

// Bulk PDF → ZIP jobs (CONTRACT C5; DESIGN.md "Long work"): progress lives on these rows so every
// job step is idempotent and a restarted runner resumes where a crashed one stopped.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('bulk_pdf_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('index_file_format', 'text', (c) => c.notNull())
    .addColumn('generate_missing_pdf', 'integer', (c) => c.notNull())
    .addColumn('ignore_archived_files', 'integer', (c) => c.notNull())
    .addColumn('persist_index_file', 'integer', (c) => c.notNull())
    .addColumn('part_size', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('step_status', 'text', (c) => c.notNull())
    .addColumn('part_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('parts_done', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON arrays: `[{docType, objectIds}]` and the URLs signed once at the end (C5.7).
    .addColumn('skipped_documents', 'text', (c) => c.notNull())
    .addColumn('file_urls', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('bulk_pdf_jobs_scope')
    .on('bulk_pdf_jobs')
    .columns(['tenant_id', 'entity_id', 'id'])
    .execute();
  // One row per accepted document, `position` = request order (C5.5).
  await db.schema
    .createTable('bulk_pdf_documents')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('doc_type', 'text', (c) => c.notNull())
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('needs_pdf', 'integer', (c) => c.notNull())
    .addColumn('archived', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failure', 'text')
    .addColumn('part', 'integer')
    .addPrimaryKeyConstraint('bulk_pdf_documents_pk', ['job_id', 'position'])
    .execute();
  await db.schema
    .createIndex('bulk_pdf_documents_part')
    .on('bulk_pdf_documents')
    .columns(['job_id', 'part', 'position'])
    .execute();
  await db.schema
    .createTable('bulk_pdf_parts')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('entries', 'integer')
    .addColumn('bytes', 'integer')
    .addPrimaryKeyConstraint('bulk_pdf_parts_pk', ['job_id', 'part'])
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('bulk_pdf_parts').execute();
  await db.schema.dropTable('bulk_pdf_documents').execute();
  await db.schema.dropTable('bulk_pdf_jobs').execute();
};
