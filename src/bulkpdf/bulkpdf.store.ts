/** Kysely queries of the bulk PDF job tables; `db` may be a transaction. */
import type { Db } from '../database.ts';
import type { Scope } from '../platform/scope.ts';
import type {
  BulkPdfDocumentRow,
  BulkPdfJobRow,
  NewBulkPdfDocumentRow,
  NewBulkPdfJobRow,
} from './bulkpdf.table.ts';

/** Rows per multi-row insert: 9 columns × 1,000 stays under SQLite's 32,766 bind parameters. */
const INSERT_BATCH = 1000;
/** Positions per `IN` list. */
const UPDATE_BATCH = 1000;

export const insertJob = async (
  db: Db,
  job: NewBulkPdfJobRow,
  docs: readonly NewBulkPdfDocumentRow[],
): Promise<void> => {
  await db.insertInto('bulk_pdf_jobs').values(job).execute();
  for (let i = 0; i < docs.length; i += INSERT_BATCH)
    await db
      .insertInto('bulk_pdf_documents')
      .values(docs.slice(i, i + INSERT_BATCH))
      .execute();
};

export const findJob = async (db: Db, s: Scope, id: string): Promise<BulkPdfJobRow | undefined> =>
  db
    .selectFrom('bulk_pdf_jobs')
    .selectAll()
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', '=', id)
    .executeTakeFirst();

/** Updates a job only while it is in one of `from` statuses; true when it did. */
export const updateJob = async (
  db: Db,
  s: Scope,
  id: string,
  from: readonly string[],
  set: Partial<Omit<BulkPdfJobRow, 'id' | 'tenant_id' | 'entity_id'>>,
): Promise<boolean> => {
  const r = await db
    .updateTable('bulk_pdf_jobs')
    .set(set)
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
};

export const listDocuments = async (
  db: Db,
  jobId: string,
  filter: { failed?: boolean; needsPdf?: boolean; archived?: boolean; part?: number } = {},
  limit?: number,
): Promise<BulkPdfDocumentRow[]> => {
  let q = db.selectFrom('bulk_pdf_documents').selectAll().where('job_id', '=', jobId);
  if (filter.failed !== undefined) q = q.where('failed', '=', filter.failed ? 1 : 0);
  if (filter.needsPdf !== undefined) q = q.where('needs_pdf', '=', filter.needsPdf ? 1 : 0);
  if (filter.archived !== undefined) q = q.where('archived', '=', filter.archived ? 1 : 0);
  if (filter.part !== undefined) q = q.where('part', '=', filter.part);
  q = q.orderBy('position');
  if (limit !== undefined) q = q.limit(limit);
  return q.execute();
};

export const failDocuments = async (
  db: Db,
  jobId: string,
  positions: readonly number[],
  failure: string,
): Promise<void> => {
  for (let i = 0; i < positions.length; i += UPDATE_BATCH)
    await db
      .updateTable('bulk_pdf_documents')
      .set({ failed: 1, failure, part: null })
      .where('job_id', '=', jobId)
      .where('position', 'in', positions.slice(i, i + UPDATE_BATCH))
      .execute();
};

/** Marks documents of a job as having their PDF now (one statement per batch of generated PDFs). */
export const markGeneratedMany = async (
  db: Db,
  jobId: string,
  positions: readonly number[],
): Promise<void> => {
  if (positions.length === 0) return;
  await db
    .updateTable('bulk_pdf_documents')
    .set({ needs_pdf: 0 })
    .where('job_id', '=', jobId)
    .where('position', 'in', positions)
    .execute();
};

export const assignPart = async (
  db: Db,
  jobId: string,
  part: number,
  positions: readonly number[],
  storageKey: string,
): Promise<void> => {
  for (let i = 0; i < positions.length; i += UPDATE_BATCH)
    await db
      .updateTable('bulk_pdf_documents')
      .set({ part })
      .where('job_id', '=', jobId)
      .where('position', 'in', positions.slice(i, i + UPDATE_BATCH))
      .execute();
  await db
    .insertInto('bulk_pdf_parts')
    .values({ job_id: jobId, part, storage_key: storageKey, done: 0, entries: null, bytes: null })
    .execute();
};

export const listParts = async (db: Db, jobId: string) =>
  db.selectFrom('bulk_pdf_parts').selectAll().where('job_id', '=', jobId).orderBy('part').execute();

/**
 * Marks a part written and counts it on its job, once: a retried part finds `done = 1` and
 * counts nothing. Returns the job's parts done and part count after the update, or undefined
 * when the part was already done. The job row's UPDATE takes its row lock, so two parts
 * finishing at once see each other's count (the last one sees all parts done).
 */
export const completePart = async (
  db: Db,
  jobId: string,
  part: number,
  entries: number,
  bytes: number,
): Promise<{ partsDone: number; partCount: number } | undefined> => {
  const r = await db
    .updateTable('bulk_pdf_parts')
    .set({ done: 1, entries, bytes })
    .where('job_id', '=', jobId)
    .where('part', '=', part)
    .where('done', '=', 0)
    .executeTakeFirst();
  if (r.numUpdatedRows === 0n) return undefined;
  const j = await db
    .updateTable('bulk_pdf_jobs')
    .set((eb) => ({ parts_done: eb('parts_done', '+', 1) }))
    .where('id', '=', jobId)
    .returning(['parts_done', 'part_count'])
    .executeTakeFirstOrThrow();
  return { partsDone: j.parts_done, partCount: j.part_count };
};

/** Jobs of a tenant (one entity when given), newest first: the console's job list. */
export const listJobsOfTenant = async (
  db: Db,
  q: { tenantId: string; entityId?: string | undefined },
  limit: number,
  offset: number,
): Promise<BulkPdfJobRow[]> => {
  let query = db.selectFrom('bulk_pdf_jobs').selectAll().where('tenant_id', '=', q.tenantId);
  if (q.entityId !== undefined) query = query.where('entity_id', '=', q.entityId);
  return query.orderBy('created_at', 'desc').orderBy('id').limit(limit).offset(offset).execute();
};

/** Per job: documents, those still waiting for a PDF, and failed ones. */
export const countDocumentsOfJobs = async (
  db: Db,
  jobIds: readonly string[],
): Promise<{ job_id: string; total: number; waiting: number; failed: number }[]> => {
  if (jobIds.length === 0) return [];
  const rows = await db
    .selectFrom('bulk_pdf_documents')
    .select((eb) => [
      'job_id',
      eb.fn.countAll<number | string>().as('total'),
      eb.fn.sum<number | string | null>('needs_pdf').as('waiting'),
      eb.fn.sum<number | string | null>('failed').as('failed'),
    ])
    .where('job_id', 'in', jobIds)
    .groupBy('job_id')
    .execute();
  return rows.map((r) => ({
    job_id: r.job_id,
    total: Number(r.total),
    waiting: Number(r.waiting ?? 0),
    failed: Number(r.failed ?? 0),
  }));
};

/** Deletes a job with its documents and parts (C5.3 purge). */
export const deleteJob = async (db: Db, s: Scope, id: string): Promise<void> => {
  const job = await findJob(db, s, id);
  if (job === undefined) return;
  await db.deleteFrom('bulk_pdf_documents').where('job_id', '=', id).execute();
  await db.deleteFrom('bulk_pdf_parts').where('job_id', '=', id).execute();
  await db
    .deleteFrom('bulk_pdf_jobs')
    .where('tenant_id', '=', s.tenantId)
    .where('entity_id', '=', s.entityId)
    .where('id', '=', id)
    .execute();
};

/** The scope, status and step of a job by id alone (admin API: a job id names one job). */
export const findJobScope = async (
  db: Db,
  id: string,
): Promise<
  { tenant_id: string; entity_id: string; status: string; step_status: string } | undefined
> =>
  db
    .selectFrom('bulk_pdf_jobs')
    .select(['tenant_id', 'entity_id', 'status', 'step_status'])
    .where('id', '=', id)
    .executeTakeFirst();
