/**
 * Bulk PDF → ZIP export (CONTRACT C5; DESIGN.md "Long work"). `createBulkPdfJob` validates and
 * triages synchronously (C5.1–C5.2) and enqueues the first job in the same transaction; the
 * tasks in `bulkpdf.tasks.ts` then move the job through C5.4's steps, each idempotent:
 * start (TasksCreated) → generate (GenerateMissPDF, when needed) → plan (PdfToZip: cut the final
 * list into parts) → zip (one job per part, streamed to the FileStore) → finish (PostProcessing,
 * URLs signed once, Completed).
 */
import { settleAfter } from '../platform/jobs/settle.ts';
import { PassThrough } from 'node:stream';
import type { Deps } from '../deps.ts';
import type { Db } from '../database.ts';
import type { Scope } from '../platform/scope.ts';
import { toIso } from '../platform/clock.ts';
import { AppError, invalid, notFound } from '../platform/errors.ts';
import { createZipWriter } from '../platform/zip/zip.ts';
import { findInvoices } from '../invoices/invoices.service.ts';
import { findMemos } from '../memos/memos.service.ts';
import { findAccount } from '../accounts/accounts.service.ts';
import { latestDocumentFiles, type DocumentFile } from '../files/files.service.ts';
import { generateDocumentPdfs, pdfFileName } from '../pdfs/pdfs.service.ts';
import { buildIndexFile, type IndexEntry } from './bulkpdf.index.ts';
import * as store from './bulkpdf.store.ts';
import type { BulkPdfDocumentRow, BulkPdfJobRow, NewBulkPdfDocumentRow } from './bulkpdf.table.ts';

export type DocType = 'Invoice' | 'CreditMemo' | 'DebitMemo';
export type IndexFileFormat = 'JSON' | 'CSV';

/** C0.2/C5.1: at most 50,000 ids per job, duplicates counted. */
export const MAX_IDS = 50_000;
/** C0.2/C5.5: at most 1,000 documents per ZIP. */
export const PART_SIZE = 1_000;
/** C5.1: `fileName` and `name` are at most 32 characters. */
export const MAX_NAME = 32;

export interface DocumentList {
  docType: DocType;
  objectIds: string[];
}

export interface CreateBulkPdfJobInput {
  documents: DocumentList[];
  fileName: string;
  name?: string | undefined;
  indexFileFormat: IndexFileFormat;
  generateMissingPDF?: boolean | undefined;
  ignoreArchivedFiles?: boolean | undefined;
  persistIndexFile?: boolean | undefined;
}

export interface CreatedBulkPdfJob {
  jobId: string;
  invalidIds: string[];
  skippedDocuments: DocumentList[];
}

export interface BulkPdfJob {
  jobId: string;
  jobName: string | null;
  status: string;
  stepStatus: string;
  fileUrls: string[];
  failedDocuments: DocumentList[];
  skippedDocuments: DocumentList[];
  message: string | null;
  createdOn: string;
  createdBy: string;
}

export interface CreateOptions {
  /** Documents per ZIP; tests use a small one to cut parts without thousands of documents. */
  partSize?: number;
}

/** The task ids, listed in `src/tasks.ts` through `bulkpdf.tasks.ts`. */
export const TASKS = {
  start: 'bulkpdf.start',
  generate: 'bulkpdf.generate',
  plan: 'bulkpdf.plan',
  zip: 'bulkpdf.zip',
  finish: 'bulkpdf.finish',
  purge: 'bulkpdf.purge',
} as const;

/** C5.3: "Jobs are kept 30 days": then the job and its ZIPs are deleted. */
export const RETENTION_DAYS = 30;
const RETENTION_MS = RETENTION_DAYS * 86_400_000;
/** The time, by the tenant's clock, after which a job created at `createdAt` is gone (C5.3). */
const expiresAt = (createdAt: string): number => new Date(createdAt).getTime() + RETENTION_MS;

/** The payload of every bulk PDF job. */
export interface JobRef {
  jobId: string;
  tenantId: string;
  entityId: string;
  part?: number;
}

/** C5.1: none of `/\:*?"<>|` or control characters. */
// eslint-disable-next-line no-control-regex
const ILLEGAL_FILE_NAME = /[/\\:*?"<>|\x00-\x1f\x7f]/;

const validate = (input: CreateBulkPdfJobInput): void => {
  if (input.fileName.length === 0 || input.fileName.length > MAX_NAME)
    throw invalid(`fileName must be 1 to ${MAX_NAME} characters.`, 'fileName');
  if (ILLEGAL_FILE_NAME.test(input.fileName))
    throw invalid(
      'fileName must not contain / \\ : * ? " < > | or control characters.',
      'fileName',
    );
  if (input.name !== undefined && input.name.length > MAX_NAME)
    throw invalid(`name must be at most ${MAX_NAME} characters.`, 'name');
  if (input.documents.length === 0) throw invalid('documents must not be empty.', 'documents');
  let count = 0;
  for (const d of input.documents) {
    if (d.objectIds.length === 0)
      throw invalid('objectIds must not be empty.', 'documents.objectIds');
    count += d.objectIds.length;
  }
  if (count > MAX_IDS)
    throw invalid(
      `A bulk PDF job takes at most ${MAX_IDS} document IDs; ${count} were given.`,
      'documents',
    );
};

/** Documents and their account numbers, looked up in batches under every bind-parameter limit. */
const LOOKUP_BATCH = 500;

interface DocMeta {
  id: string;
  number: string;
  accountId: string;
  accountNumber: string;
  documentDate: string;
  createdAt: string;
}

const pairKey = (docType: string, id: string): string => `${docType}:${id}`;

/**
 * The documents among `refs` that exist in the scope, keyed by `docType:id`. Only IDs match
 * (C0.3: `objectIds` are document IDs, not numbers), so a number is an invalid id.
 */
const loadDocuments = async (
  deps: Deps,
  scope: Scope,
  refs: readonly { docType: string; id: string }[],
): Promise<Map<string, DocMeta>> => {
  const out = new Map<string, DocMeta>();
  const accounts = new Map<string, string>();
  for (const docType of ['Invoice', 'CreditMemo', 'DebitMemo'] as const) {
    const ids = [...new Set(refs.filter((r) => r.docType === docType).map((r) => r.id))];
    for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
      const batch = ids.slice(i, i + LOOKUP_BATCH);
      const found =
        docType === 'Invoice'
          ? (await findInvoices(deps, scope, batch)).map((d) => ({
              id: d.id,
              number: d.invoiceNumber,
              accountId: d.accountId,
              documentDate: d.invoiceDate,
              createdAt: d.createdAt,
            }))
          : (await findMemos(deps, scope, docType, batch)).map((d) => ({
              id: d.id,
              number: d.number,
              accountId: d.accountId,
              documentDate: d.memoDate,
              createdAt: d.createdAt,
            }));
      const wanted = new Set(batch);
      for (const d of found) {
        if (!wanted.has(d.id)) continue;
        let accountNumber = accounts.get(d.accountId);
        if (accountNumber === undefined) {
          accountNumber = (await findAccount(deps, scope, d.accountId))?.accountNumber ?? '';
          accounts.set(d.accountId, accountNumber);
        }
        out.set(pairKey(docType, d.id), { ...d, accountNumber });
      }
    }
  }
  return out;
};

const isArchived = (f: DocumentFile | undefined): boolean =>
  f !== undefined && (f.fileStatus === 'ARCHIVED' || f.generationStatus === 'Archived');
const isValid = (f: DocumentFile | undefined): f is DocumentFile & { storageKey: string } =>
  f !== undefined && f.generationStatus === 'Generated' && f.storageKey !== null;

/** Groups documents as `[{docType, objectIds}]`, types in order of first appearance. */
const group = (docs: readonly { docType: string; id: string }[]): DocumentList[] => {
  const by = new Map<string, string[]>();
  for (const d of docs) {
    const list = by.get(d.docType) ?? [];
    list.push(d.id);
    by.set(d.docType, list);
  }
  return [...by].map(([docType, objectIds]) => ({ docType: docType as DocType, objectIds }));
};

/** C5.1–C5.2: validates, triages in request order, stores the job and enqueues its first job. */
export const createBulkPdfJob = async (
  deps: Deps,
  scope: Scope,
  input: CreateBulkPdfJobInput,
  createdBy: string,
  options: CreateOptions = {},
): Promise<CreatedBulkPdfJob> => {
  validate(input);
  const generate = input.generateMissingPDF ?? false;
  const ignoreArchived = input.ignoreArchivedFiles ?? false;
  // C5.1: repeated docType+ID pairs are dropped, keeping the first.
  const seen = new Set<string>();
  const refs: { docType: DocType; id: string }[] = [];
  for (const d of input.documents)
    for (const id of d.objectIds) {
      const k = pairKey(d.docType, id);
      if (seen.has(k)) continue;
      seen.add(k);
      refs.push({ docType: d.docType, id });
    }
  const docs = await loadDocuments(deps, scope, refs);
  const files = await latestDocumentFiles(
    deps,
    scope,
    [...docs.values()].map((d) => d.id),
  );
  const jobId = deps.ids.id();
  const invalidIds: string[] = [];
  const skipped: { docType: string; id: string }[] = [];
  const accepted: NewBulkPdfDocumentRow[] = [];
  for (const r of refs) {
    if (!docs.has(pairKey(r.docType, r.id))) {
      invalidIds.push(r.id);
      continue;
    }
    const f = files.get(r.id);
    const archived = isArchived(f);
    if (archived && ignoreArchived) {
      skipped.push(r);
      continue;
    }
    // C5.2: archived PDFs are never regenerated; kept, they make the job fail (C5.4).
    const needsPdf = !archived && !isValid(f);
    if (needsPdf && !generate) {
      invalidIds.push(r.id);
      continue;
    }
    accepted.push({
      job_id: jobId,
      position: accepted.length,
      doc_type: r.docType,
      document_id: r.id,
      needs_pdf: needsPdf ? 1 : 0,
      archived: archived ? 1 : 0,
      failed: 0,
      failure: null,
      part: null,
    });
  }
  const skippedDocuments = group(skipped);
  const now = toIso(deps.clock.now(scope.tenantId));
  const partSize = options.partSize ?? PART_SIZE;
  if (!Number.isInteger(partSize) || partSize < 1 || partSize > PART_SIZE)
    throw new RangeError(`partSize must be an integer 1–${PART_SIZE}`);
  // Lifecycle `immediately` (issue 12): the job's steps are settled once this commits.
  await settleAfter(deps.queue, () =>
    deps.db.db.transaction().execute(async (tx) => {
      await store.insertJob(
        tx,
        {
          id: jobId,
          tenant_id: scope.tenantId,
          entity_id: scope.entityId,
          name: input.name ?? null,
          file_name: input.fileName,
          index_file_format: input.indexFileFormat,
          generate_missing_pdf: generate ? 1 : 0,
          ignore_archived_files: ignoreArchived ? 1 : 0,
          persist_index_file: (input.persistIndexFile ?? true) ? 1 : 0,
          part_size: partSize,
          status: 'Submitted',
          step_status: 'JobCreated',
          part_count: 0,
          parts_done: 0,
          skipped_documents: JSON.stringify(skippedDocuments),
          file_urls: '[]',
          message: null,
          created_by: createdBy,
          created_at: now,
          updated_at: now,
        },
        accepted,
      );
      await enqueue(deps, tx, TASKS.start, { jobId, ...scope });
      // C5.3: the purge is scheduled with the job, in its transaction, so no job outlives it.
      await deps.queue.add(
        tx,
        TASKS.purge,
        { jobId, ...scope },
        {
          runAt: new Date(deps.clock.now().getTime() + RETENTION_MS),
          jobKey: `${TASKS.purge}:${jobId}`,
        },
      );
    }),
  );
  return { jobId, invalidIds, skippedDocuments };
};

const enqueue = async (
  deps: Deps,
  tx: Parameters<Deps['queue']['add']>[0],
  task: string,
  ref: JobRef,
): Promise<void> => {
  await deps.queue.add(tx, task, ref, {
    jobKey: `${task}:${ref.jobId}${ref.part === undefined ? '' : `:${ref.part}`}`,
  });
};

/** C5.3: the job as `GET /v1/operations/bulk-pdf/{jobId}` shows it. */
export const getBulkPdfJob = async (
  deps: Deps,
  scope: Scope,
  jobId: string,
): Promise<BulkPdfJob> => {
  const j = await store.findJob(deps.db.read, scope, jobId);
  // C5.3: past 30 days a job is unknown, even before its purge job has run.
  if (j === undefined || deps.clock.now(scope.tenantId).getTime() >= expiresAt(j.created_at))
    throw notFound('Bulk PDF job', jobId);
  const failed = await store.listDocuments(deps.db.read, j.id, { failed: true });
  return {
    jobId: j.id,
    jobName: j.name,
    status: j.status,
    stepStatus: j.step_status,
    // C5.3: `[]` until Completed.
    fileUrls: j.status === 'Completed' ? (JSON.parse(j.file_urls) as string[]) : [],
    failedDocuments: group(failed.map((d) => ({ docType: d.doc_type, id: d.document_id }))),
    skippedDocuments: JSON.parse(j.skipped_documents) as DocumentList[],
    message: j.message,
    createdOn: j.created_at,
    createdBy: j.created_by,
  };
};

const scopeOf = (ref: JobRef): Scope => ({ tenantId: ref.tenantId, entityId: ref.entityId });
const nowIso = (deps: Deps, scope: Scope): string => toIso(deps.clock.now(scope.tenantId));
const isOver = (j: BulkPdfJobRow): boolean => j.status === 'Completed' || j.status === 'Error';

const loadJob = async (deps: Deps, ref: JobRef): Promise<BulkPdfJobRow | undefined> => {
  const j = await store.findJob(deps.db.db, scopeOf(ref), ref.jobId);
  return j === undefined || isOver(j) ? undefined : j;
};

const fail = async (
  deps: Deps,
  ref: JobRef,
  docs: readonly BulkPdfDocumentRow[],
  failure: string,
): Promise<void> => {
  if (docs.length === 0) return;
  await deps.db.db.transaction().execute(async (tx) => {
    await store.failDocuments(
      tx,
      ref.jobId,
      docs.map((d) => d.position),
      failure,
    );
    // C5.3: `message` is the latest failure.
    await store.updateJob(tx, scopeOf(ref), ref.jobId, ['Executing'], {
      message: failure,
      updated_at: nowIso(deps, scopeOf(ref)),
    });
  });
};

/**
 * A step's job failed for good (its last attempt threw, or its runner died in it): the whole
 * job ends `Error` (C5.4) instead of staying `Executing` forever. Found by the crash harness
 * (docs/reliability.md).
 */
export const failJob = async (deps: Deps, ref: JobRef): Promise<void> => {
  await deps.db.db.transaction().execute(async (tx) => {
    const moved = await store.updateJob(tx, scopeOf(ref), ref.jobId, ['Submitted', 'Executing'], {
      status: 'Error',
      message: 'The bulk PDF job failed: an internal error occurred.',
      updated_at: nowIso(deps, scopeOf(ref)),
    });
    if (moved) await announce(deps, tx, ref, 'Error');
  });
};

/** Tells the events port (callouts) that a job's status changed, in the change's transaction. */
const announce = (deps: Deps, tx: Db, ref: JobRef, status: string): Promise<void> =>
  deps.events.emit(tx, [
    { type: 'BulkPdfJobStatusChanged', tenantId: ref.tenantId, objectId: ref.jobId, status },
  ]);

/**
 * Step 1 (`TasksCreated`): archived PDFs kept by `ignoreArchivedFiles=false` fail the whole job
 * with no ZIPs (C5.4); otherwise generation (when any PDF is missing) or zipping follows.
 */
export const startJob = async (deps: Deps, ref: JobRef): Promise<void> => {
  const scope = scopeOf(ref);
  const j = await loadJob(deps, ref);
  if (j === undefined || j.step_status !== 'JobCreated') return;
  const archived = await store.listDocuments(deps.db.db, j.id, { archived: true, failed: false });
  const needs = await store.listDocuments(deps.db.db, j.id, { needsPdf: true, failed: false }, 1);
  await deps.db.db.transaction().execute(async (tx) => {
    if (archived.length > 0) {
      const message = `${archived.length} document(s) have archived PDFs and ignoreArchivedFiles is false.`;
      await store.failDocuments(
        tx,
        j.id,
        archived.map((d) => d.position),
        'The PDF file is archived.',
      );
      const failed = await store.updateJob(tx, scope, j.id, ['Submitted'], {
        status: 'Error',
        step_status: 'TasksCreated',
        message,
        updated_at: nowIso(deps, scope),
      });
      if (failed) await announce(deps, tx, ref, 'Error');
      return;
    }
    const generating = needs.length > 0;
    const moved = await store.updateJob(tx, scope, j.id, ['Submitted'], {
      status: 'Executing',
      step_status: generating ? 'GenerateMissPDF' : 'PdfToZip',
      updated_at: nowIso(deps, scope),
    });
    if (moved) await enqueue(deps, tx, generating ? TASKS.generate : TASKS.plan, ref);
    if (moved) await announce(deps, tx, ref, 'Executing');
  });
};

/** How many PDFs one generate job renders at once (the pool spreads them over its threads). */
/**
 * Documents generated per round: large enough that the database work (one load, two short
 * transactions, one mark) is amortised, small enough to stay under bind-parameter limits and to
 * lose little work to a crash.
 */
const GENERATE_BATCH = 200;

/**
 * Step 2 (`GenerateMissPDF`): renders missing PDFs in parallel batches; a document whose
 * generation fails goes to `failedDocuments` and the job continues (C5.4). Resumable: each
 * batch is marked as it is done, so a restarted job renders only what is left.
 */
export const generateMissing = async (
  deps: Deps,
  ref: JobRef,
  signal: AbortSignal,
): Promise<void> => {
  const scope = scopeOf(ref);
  const j = await loadJob(deps, ref);
  if (j === undefined || j.step_status !== 'GenerateMissPDF') return;
  for (;;) {
    signal.throwIfAborted();
    const batch = await store.listDocuments(
      deps.db.db,
      j.id,
      { needsPdf: true, failed: false },
      GENERATE_BATCH,
    );
    if (batch.length === 0) break;
    const generated: number[] = [];
    const failed = new Map<string, BulkPdfDocumentRow[]>();
    for (const docType of ['Invoice', 'CreditMemo', 'DebitMemo'] as const) {
      const docs = batch.filter((d) => d.doc_type === docType);
      if (docs.length === 0) continue;
      const results = await generateDocumentPdfs(
        deps,
        scope,
        docType,
        docs.map((d) => d.document_id),
      );
      for (const d of docs) {
        const r = results.get(d.document_id);
        if (r?.ok === true) {
          generated.push(d.position);
          continue;
        }
        const message = `PDF generation failed for ${d.doc_type} ${d.document_id}: ${r === undefined ? 'no result' : r.error.message}`;
        failed.set(message, [...(failed.get(message) ?? []), d]);
      }
    }
    await store.markGeneratedMany(deps.db.db, j.id, generated);
    for (const [message, docs] of failed) await fail(deps, ref, docs, message);
  }
  await deps.db.db.transaction().execute(async (tx) => {
    const moved = await store.updateJob(tx, scope, j.id, ['Executing'], {
      step_status: 'PdfToZip',
      updated_at: nowIso(deps, scope),
    });
    if (moved) await enqueue(deps, tx, TASKS.plan, ref);
  });
};

/** The ZIP key of part `n` (C5.7: the URL path ends in `<fileName>_<N>.zip`). */
export const partKey = (j: { id: string; file_name: string }, n: number): string =>
  `bulk-pdf-generation/${j.id}/${j.file_name}_${n}.zip`;

interface Resolved {
  doc: BulkPdfDocumentRow;
  meta: DocMeta;
  file: DocumentFile & { storageKey: string };
  pdfName: string;
}

/** Documents with their metadata, latest PDF and name; those without a valid PDF are failed. */
const resolve = async (
  deps: Deps,
  ref: JobRef,
  docs: readonly BulkPdfDocumentRow[],
): Promise<Resolved[]> => {
  const scope = scopeOf(ref);
  const metas = await loadDocuments(
    deps,
    scope,
    docs.map((d) => ({ docType: d.doc_type, id: d.document_id })),
  );
  const files = await latestDocumentFiles(
    deps,
    scope,
    docs.map((d) => d.document_id),
  );
  const out: Resolved[] = [];
  const missing: BulkPdfDocumentRow[] = [];
  for (const d of docs) {
    const meta = metas.get(pairKey(d.doc_type, d.document_id));
    const file = files.get(d.document_id);
    if (meta === undefined || !isValid(file)) {
      missing.push(d);
      continue;
    }
    out.push({
      doc: d,
      meta,
      file,
      pdfName: pdfFileName({
        number: meta.number,
        accountNumber: meta.accountNumber,
        documentDate: meta.documentDate,
      }),
    });
  }
  await fail(deps, ref, missing, 'The document has no valid PDF file.');
  return out;
};

/**
 * Step 3 (`PdfToZip`): the final list — accepted documents in request order minus failures
 * (C5.5) — is cut into parts of `part_size`, and one zip job per part is enqueued, all in one
 * transaction so a crashed plan leaves nothing half-planned. A PDF name already used in the job
 * fails that document (C5.4).
 */
export const planParts = async (deps: Deps, ref: JobRef, signal: AbortSignal): Promise<void> => {
  const scope = scopeOf(ref);
  const j = await loadJob(deps, ref);
  if (j === undefined || j.step_status !== 'PdfToZip' || j.part_count > 0) return;
  const docs = await store.listDocuments(deps.db.db, j.id, { failed: false });
  signal.throwIfAborted();
  const resolved = await resolve(deps, ref, docs);
  const names = new Set<string>();
  const survivors: Resolved[] = [];
  const duplicates: BulkPdfDocumentRow[] = [];
  for (const r of resolved) {
    if (names.has(r.pdfName)) duplicates.push(r.doc);
    else {
      names.add(r.pdfName);
      survivors.push(r);
    }
  }
  await fail(deps, ref, duplicates, 'A PDF file with the same name is already in this job.');
  const partCount = Math.ceil(survivors.length / j.part_size);
  await deps.db.db.transaction().execute(async (tx) => {
    for (let n = 1; n <= partCount; n++) {
      const of = survivors.slice((n - 1) * j.part_size, n * j.part_size);
      await store.assignPart(
        tx,
        j.id,
        n,
        of.map((r) => r.doc.position),
        partKey(j, n),
      );
    }
    const moved = await store.updateJob(tx, scope, j.id, ['Executing'], {
      part_count: partCount,
      updated_at: nowIso(deps, scope),
    });
    if (!moved) return;
    if (partCount === 0) await enqueue(deps, tx, TASKS.finish, ref);
    for (let n = 1; n <= partCount; n++) await enqueue(deps, tx, TASKS.zip, { ...ref, part: n });
  });
};

/**
 * One part: streams `<fileName>_<N>.zip` — its PDFs in list order, then the index of exactly
 * those PDFs (C5.5–C5.6) — straight into the FileStore. A retry rewrites the same key (the
 * store replaces atomically), so a crash at any moment leaves no half ZIP and no duplicate.
 */
export const zipPart = async (deps: Deps, ref: JobRef, signal: AbortSignal): Promise<void> => {
  const part = ref.part;
  if (part === undefined) throw new AppError('internal', 'zip job without a part number');
  const j = await loadJob(deps, ref);
  if (j === undefined) return;
  const docs = await store.listDocuments(deps.db.db, j.id, { part, failed: false });
  const resolved = await resolve(deps, ref, docs);
  // A PDF missing from the store is a storage error of that document (C5.4), found before the
  // archive starts so the ZIP never holds a half entry.
  const present: Resolved[] = [];
  const lost: BulkPdfDocumentRow[] = [];
  for (const r of resolved) {
    const info = await deps.files.head(r.file.storageKey);
    if (info === undefined) lost.push(r.doc);
    else present.push({ ...r, file: { ...r.file, size: info.size } });
  }
  await fail(deps, ref, lost, 'The PDF file could not be read from storage.');
  const key = partKey(j, part);
  const out = new PassThrough();
  const stored = deps.files.put(key, out, { contentType: 'application/zip' });
  const write = async () => {
    const zip = createZipWriter(out);
    for (const r of present) {
      signal.throwIfAborted();
      await zip.addStream(r.pdfName, await deps.files.get(r.file.storageKey), {
        size: r.file.size ?? undefined,
        mtime: new Date(r.file.createdAt),
      });
    }
    if (j.persist_index_file === 1) {
      const entries: IndexEntry[] = present.map((r) => ({
        accountNumber: r.meta.accountNumber,
        documentType: r.doc.doc_type as DocType,
        documentNumber: r.meta.number,
        documentCreatedOn: new Date(r.meta.createdAt),
        pdfFileName: r.pdfName,
        pdfFileCreatedOn: new Date(r.file.createdAt),
      }));
      const index = buildIndexFile(j.index_file_format as IndexFileFormat, entries);
      await zip.addBuffer(index.name, index.data, { mtime: new Date(j.created_at) });
    }
    return zip.finish();
  };
  const [summary] = await Promise.all([
    write().catch((e: unknown) => {
      out.destroy(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }),
    stored,
  ]);
  const scope = scopeOf(ref);
  await deps.db.db.transaction().execute(async (tx) => {
    const counted = await store.completePart(tx, j.id, part, summary.entries, summary.bytes);
    if (counted !== undefined && counted.partsDone >= counted.partCount)
      await enqueue(deps, tx, TASKS.finish, ref);
    await store.updateJob(tx, scope, j.id, ['Executing'], { updated_at: nowIso(deps, scope) });
  });
};

/**
 * Step 4 (`PostProcessing` → `Completed`): signs every ZIP's URL once, with the configured
 * lifetime (C5.7: 24 h, never re-signed), and stores them on the job.
 */
export const finishJob = async (deps: Deps, ref: JobRef): Promise<void> => {
  const scope = scopeOf(ref);
  const j = await loadJob(deps, ref);
  if (j === undefined || j.step_status !== 'PdfToZip') return;
  const parts = await store.listParts(deps.db.db, j.id);
  if (parts.length !== j.part_count || parts.some((p) => p.done !== 1)) return;
  const urls: string[] = [];
  for (const p of parts)
    urls.push(await deps.files.signedUrl(p.storage_key, { tenantId: scope.tenantId }));
  await deps.db.db.transaction().execute(async (tx) => {
    const moved = await store.updateJob(tx, scope, j.id, ['Executing'], {
      status: 'Completed',
      step_status: 'PostProcessing',
      file_urls: JSON.stringify(urls),
      updated_at: nowIso(deps, scope),
    });
    if (moved) await announce(deps, tx, ref, 'Completed');
  });
};

/** One job as the console lists it: progress by step and by count. */
export interface BulkPdfJobSummary {
  jobId: string;
  entityId: string;
  jobName: string;
  fileName: string;
  status: string;
  stepStatus: string;
  /** ZIPs the job cuts its documents into, and those written so far. */
  partCount: number;
  partsDone: number;
  documents: number;
  /** Documents whose PDF the job still has to generate. */
  waitingForPdf: number;
  failedDocuments: number;
  message: string | null;
  createdOn: string;
  updatedOn: string;
}

export const JOBS_PAGE_SIZE = 50;

/** Bulk PDF jobs of a tenant, newest first (`GET /folio/v1/tenants/{tenantId}/bulk-pdf-jobs`). */
export const listBulkPdfJobs = async (
  deps: Deps,
  q: { tenantId: string; entityId?: string | undefined },
  page: number,
): Promise<{ jobs: BulkPdfJobSummary[]; more: boolean }> => {
  const rows = await store.listJobsOfTenant(
    deps.db.read,
    q,
    JOBS_PAGE_SIZE + 1,
    (page - 1) * JOBS_PAGE_SIZE,
  );
  const jobs = rows.slice(0, JOBS_PAGE_SIZE);
  const counts = new Map(
    (
      await store.countDocumentsOfJobs(
        deps.db.read,
        jobs.map((j) => j.id),
      )
    ).map((c) => [c.job_id, c]),
  );
  return {
    jobs: jobs.map((j) => {
      const c = counts.get(j.id);
      return {
        jobId: j.id,
        entityId: j.entity_id,
        jobName: j.name ?? '',
        fileName: j.file_name,
        status: j.status,
        stepStatus: j.step_status,
        partCount: j.part_count,
        partsDone: j.parts_done,
        documents: c?.total ?? 0,
        waitingForPdf: c?.waiting ?? 0,
        failedDocuments: c?.failed ?? 0,
        message: j.message,
        createdOn: j.created_at,
        updatedOn: j.updated_at,
      };
    }),
    more: rows.length > JOBS_PAGE_SIZE,
  };
};

/** Every object of a job's ZIPs lives under this prefix (see `partKey`). */
const jobPrefix = (jobId: string): string => `bulk-pdf-generation/${jobId}/`;

/**
 * Task `bulkpdf.purge` (C5.3: jobs are kept 30 days): deletes the job's ZIPs from the FileStore,
 * then its rows. Scheduled when the job is created; by the tenant's clock, so a tenant whose test
 * clock is behind gets the purge rescheduled for when its 30 days are over. Idempotent: a retry
 * after a crash deletes what is left.
 */
export const purgeJob = async (deps: Deps, ref: JobRef): Promise<void> => {
  const scope = scopeOf(ref);
  const j = await store.findJob(deps.db.db, scope, ref.jobId);
  if (j === undefined) return;
  const left = expiresAt(j.created_at) - deps.clock.now(scope.tenantId).getTime();
  if (left > 0) {
    await deps.db.db.transaction().execute(async (tx) => {
      // No jobKey: this very job still holds the key while it runs.
      await deps.queue.add(tx, TASKS.purge, ref, {
        runAt: new Date(deps.clock.now().getTime() + left),
      });
    });
    return;
  }
  const keys: string[] = [];
  for await (const f of deps.files.list(jobPrefix(j.id))) keys.push(f.key);
  for (const p of await store.listParts(deps.db.db, j.id))
    if (!keys.includes(p.storage_key)) keys.push(p.storage_key);
  for (const key of keys) await deps.files.delete(key);
  await deps.db.db.transaction().execute((tx) => store.deleteJob(tx, scope, j.id));
};

/** A job by id in any tenant, for the admin API's job controls (issue 12): scope, status, step. */
export const findBulkPdfJobForAdmin = async (
  deps: Deps,
  jobId: string,
): Promise<
  { tenantId: string; entityId: string; status: string; stepStatus: string } | undefined
> => {
  if (!/^[0-9a-f]{32}$/.test(jobId)) return undefined;
  const r = await store.findJobScope(deps.db.db, jobId);
  return r === undefined
    ? undefined
    : {
        tenantId: r.tenant_id,
        entityId: r.entity_id,
        status: r.status,
        stepStatus: r.step_status,
      };
};

/**
 * Ends a job in `Error` at `step` with `message` (the emulator's `force`, issue 12). Only from
 * `Submitted`/`Executing`, so the status still moves forward only (C5.4); false when it was over.
 */
export const failBulkPdfJob = async (
  deps: Deps,
  ref: JobRef,
  step: string,
  message: string,
): Promise<boolean> =>
  deps.db.db.transaction().execute(async (tx) => {
    const moved = await store.updateJob(tx, scopeOf(ref), ref.jobId, ['Submitted', 'Executing'], {
      status: 'Error',
      step_status: step,
      message: message.slice(0, 2000),
      updated_at: nowIso(deps, scopeOf(ref)),
    });
    if (moved) await announce(deps, tx, ref, 'Error');
    return moved;
  });
