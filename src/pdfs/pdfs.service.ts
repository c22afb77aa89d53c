/**
 * PDFs of invoices and memos: the render pool of the default template, and file names (C5.6).
 */
import { createRenderPool, type RenderPool } from '../platform/pdf/pool.ts';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { invalid, isAppError, notFound, rule } from '../platform/errors.ts';
import type { Db } from '../database.ts';
import type { Deps } from '../deps.ts';
import type { Scope } from '../platform/scope.ts';
import { sub } from '../platform/money.ts';
import {
  findInvoices,
  listItemsOfInvoices,
  type DocumentItem,
} from '../invoices/invoices.service.ts';
import { findMemos, listItemsOfMemos } from '../memos/memos.service.ts';
import {
  findAccountsByIds,
  listContactsOfAccounts,
  type Contact,
} from '../accounts/accounts.service.ts';
import {
  createFileVersions,
  findDocumentFile,
  latestDocumentFiles,
  failFileGeneration,
  findDocumentFiles,
  finishFileGeneration,
  finishFileGenerations,
  startFileGeneration,
  type DocumentFile,
} from '../files/files.service.ts';
import * as pdfStore from './pdfs.store.ts';
import {
  PDF_LIMITS,
  defaultPdfSettings,
  renderPdf,
  type PdfContact,
  type PdfDocument,
  type PdfItem,
  type PdfSettings,
} from './pdfs.template.ts';
import type { PdfRenderInput } from './pdfs.worker.ts';

export type { PdfRenderInput } from './pdfs.worker.ts';
export type {
  PdfDocument,
  PdfSettings,
  PdfItem,
  PdfContact,
  PdfDocumentKind,
} from './pdfs.template.ts';
export { defaultPdfSettings, renderPdf } from './pdfs.template.ts';

/** The PDF port in `Deps`: renders documents on worker threads. */
export type PdfPool = RenderPool<PdfRenderInput>;

/** A pool of `size` workers (0 = one per core) rendering the default template. */
export const createPdfPool = (size: number): PdfPool =>
  createRenderPool<PdfRenderInput>({ module: new URL('./pdfs.worker.ts', import.meta.url), size });

/**
 * Characters illegal in file names on common systems (Windows' `<>:"/\|?*`, control characters)
 * become `_` (C5.6).
 */
const ILLEGAL = new Set('<>:"/\\|?*');
const clean = (s: string): string =>
  [...s]
    .map((c) => (ILLEGAL.has(c) || c.charCodeAt(0) < 0x20 || c === '\u007f' ? '_' : c))
    .join('');

export interface PdfNameInput {
  /** Invoice or memo number. */
  number: string;
  accountNumber: string;
  /** Invoice or memo date, `yyyy-MM-dd`. */
  documentDate: string;
}

/**
 * The default PDF file name of C5.6: `<Number>_<AccountNumber>_<MMddyyyy>.pdf`, e.g.
 * `INV00000001_A00000001_03122024.pdf`, for invoices, credit memos and debit memos alike.
 */
export const pdfFileName = ({ number, accountNumber, documentDate }: PdfNameInput): string => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(documentDate);
  if (m === null) throw invalid(`Invalid document date ${JSON.stringify(documentDate)}.`);
  return `${clean(number)}_${clean(accountNumber)}_${m[2]}${m[3]}${m[1]}.pdf`;
};

/** Billing document types that have PDFs (C5.1 `docType`). */
export type PdfDocType = 'Invoice' | 'CreditMemo' | 'DebitMemo';

/** Documents per `pdfs.generate` job: a bill run posts thousands at once (payload ≤ 64 KiB). */
export const PDF_JOB_BATCH = 200;

/** FileStore key of one PDF version: tenant and entity first, so a prefix never mixes them. */
export const pdfStorageKey = (
  scope: Scope,
  docType: PdfDocType,
  documentId: string,
  fileId: string,
) => `pdfs/${scope.tenantId}/${scope.entityId}/${docType}/${documentId}/${fileId}.pdf`;

/** What a PDF is made of: the document's view model and the file name of C5.6. */
interface LoadedDocument {
  document: PdfDocument;
  fileName: string;
}

const toPdfContact = (c: Contact | undefined, fallback: string): PdfContact =>
  c === undefined
    ? { name: fallback }
    : {
        name: `${c.firstName} ${c.lastName}`.trim(),
        address1: c.address1,
        address2: c.address2,
        city: c.city,
        state: c.state,
        postalCode: c.zipCode,
        country: c.country,
        email: c.workEmail,
      };

const toPdfItems = (items: readonly DocumentItem[]): PdfItem[] =>
  items.map((it) => ({
    serviceStartDate: it.serviceStartDate,
    serviceEndDate: it.serviceEndDate,
    chargeName: it.chargeName,
    productName: it.productName ?? undefined,
    ratePlanName: it.ratePlanName ?? undefined,
    subscriptionNumber: it.subscriptionNumber ?? undefined,
    quantity: it.quantity,
    unitPrice: it.unitPrice,
    amount: it.amount,
  }));

/** A document's header fields the template needs, whichever its type. */
interface DocumentHead {
  id: string;
  number: string;
  status: string;
  accountId: string;
  documentDate: string;
  dueDate: string | null;
  paymentTerm: string | null;
  currency: string;
  amount: string;
  balance: string;
  createdAt: string;
  referredInvoiceNumber?: string;
  reasonCode?: string;
}

/**
 * Reads documents of one type with their items, accounts and contacts, a few queries per batch
 * whatever its size, and resolves each one's view model (C6.2). Documents not in the scope (or
 * whose account is not) are absent from the map. Keep batches ≤ 500 ids (bind-parameter limits).
 */
export const loadPdfDocuments = async (
  deps: Deps,
  scope: Scope,
  docType: PdfDocType,
  documentIds: readonly string[],
): Promise<Map<string, LoadedDocument>> => {
  const wanted = new Set(documentIds);
  let heads: DocumentHead[];
  let items: Map<string, DocumentItem[]>;
  if (docType === 'Invoice') {
    heads = (await findInvoices(deps, scope, [...wanted]))
      .filter((i) => wanted.has(i.id))
      .map((i) => ({ ...i, number: i.invoiceNumber, documentDate: i.invoiceDate }));
    items = await listItemsOfInvoices(
      deps,
      scope,
      heads.map((h) => h.id),
    );
  } else {
    const memos = (await findMemos(deps, scope, docType, [...wanted])).filter((m) =>
      wanted.has(m.id),
    );
    const referredIds = [
      ...new Set(memos.flatMap((m) => (m.invoiceId === null ? [] : [m.invoiceId]))),
    ];
    const referred = new Map(
      (await findInvoices(deps, scope, referredIds)).map((i) => [i.id, i.invoiceNumber]),
    );
    heads = memos.map((m) => {
      const number = m.invoiceId === null ? undefined : referred.get(m.invoiceId);
      return {
        ...m,
        documentDate: m.memoDate,
        dueDate: null,
        paymentTerm: null,
        ...(number === undefined ? {} : { referredInvoiceNumber: number }),
        reasonCode: m.reasonCode ?? undefined,
      };
    });
    items = await listItemsOfMemos(
      deps,
      scope,
      heads.map((h) => h.id),
    );
  }
  const accountIds = [...new Set(heads.map((h) => h.accountId))];
  const accounts = new Map(
    (await findAccountsByIds(deps, scope, accountIds)).map((a) => [a.id, a]),
  );
  const contactsOf = await listContactsOfAccounts(deps, scope, accountIds);
  const out = new Map<string, LoadedDocument>();
  for (const head of heads) {
    const account = accounts.get(head.accountId);
    if (account === undefined) continue;
    const contacts = contactsOf.get(account.id) ?? [];
    const billTo = contacts.find((c) => c.id === account.billToContactId);
    const soldTo = contacts.find((c) => c.id === account.soldToContactId) ?? billTo;
    const document: PdfDocument = {
      kind: docType,
      number: head.number,
      // C6.1: drafts get a PDF only on request, stamped "DRAFT".
      draft: head.status === 'Draft',
      documentDate: head.documentDate,
      dueDate: head.dueDate ?? undefined,
      paymentTerm: head.paymentTerm ?? undefined,
      accountNumber: account.accountNumber,
      accountName: account.name,
      currency: head.currency,
      billTo: toPdfContact(billTo, account.name),
      soldTo: toPdfContact(soldTo, account.name),
      items: toPdfItems(items.get(head.id) ?? []),
      subtotal: head.amount,
      // C7 #18: no tax is computed, so every document's tax is zero.
      tax: '0',
      total: head.amount,
      applied: sub(head.amount, head.balance),
      balance: head.balance,
      referredInvoiceNumber: head.referredInvoiceNumber,
      reasonCode: head.reasonCode,
      // The document's creation instant, never "now": the same document renders to the same bytes.
      createdOn: head.createdAt,
    };
    out.set(head.id, {
      document,
      fileName: pdfFileName({
        number: head.number,
        accountNumber: account.accountNumber,
        documentDate: head.documentDate,
      }),
    });
  }
  return out;
};

/**
 * Reads a document with its items, account and contacts and resolves the template's view model
 * (C6.2). Undefined when the document is not in the scope.
 */
export const loadPdfDocument = async (
  deps: Deps,
  scope: Scope,
  docType: PdfDocType,
  documentId: string,
): Promise<LoadedDocument | undefined> =>
  (await loadPdfDocuments(deps, scope, docType, [documentId])).get(documentId);

/** The tenant's template settings (C6.2); the defaults until a tenant sets its own. */
export const loadPdfSettings = async (deps: Deps, tenantId: string): Promise<PdfSettings> => {
  const r = await pdfStore.findPdfSettings(deps.db.db, tenantId);
  if (r === undefined) return defaultPdfSettings;
  return {
    companyName: r.company_name,
    companyAddress: JSON.parse(r.company_address) as string[],
    accentColor: r.accent_color,
    footerText: r.footer_text,
    ...(r.logo === null ? {} : { logo: Buffer.from(r.logo, 'base64') }),
  };
};

/**
 * Sets a tenant's template settings after checking them as the template will (colour
 * `#RRGGBB`, ≤ 8 address lines, texts ≤ 500 characters, logo a PNG or JPEG ≤ 2 MiB that pdfkit
 * can draw), so a bad logo is refused here rather than failing every PDF later.
 */
export const setPdfSettings = async (
  deps: Deps,
  tenantId: string,
  settings: PdfSettings,
): Promise<PdfSettings> => {
  if (settings.companyAddress.length > PDF_LIMITS.addressLines)
    throw invalid(`companyAddress has at most ${PDF_LIMITS.addressLines} lines.`, 'companyAddress');
  // A trial render runs every check of the template, the logo's decoding included.
  await renderPdf(SAMPLE, settings);
  await pdfStore.savePdfSettings(deps.db.db, {
    tenant_id: tenantId,
    company_name: settings.companyName,
    company_address: JSON.stringify(settings.companyAddress),
    logo: settings.logo === undefined ? null : Buffer.from(settings.logo).toString('base64'),
    accent_color: settings.accentColor,
    footer_text: settings.footerText,
    updated_at: deps.clock.now(tenantId).toISOString(),
  });
  return settings;
};

const SAMPLE: PdfDocument = {
  kind: 'Invoice',
  number: 'INV00000000',
  draft: false,
  documentDate: '2024-01-01',
  accountNumber: 'A00000000',
  accountName: 'Sample',
  currency: 'USD',
  billTo: { name: 'Sample' },
  soldTo: { name: 'Sample' },
  items: [],
  subtotal: '0',
  tax: '0',
  total: '0',
  applied: '0',
  balance: '0',
  createdOn: '2024-01-01T00:00:00Z',
};

/** Error category of a failed generation: bad data is the document's, anything else ours. */
const categoryOf = (e: unknown): string =>
  isAppError(e) && (e.kind === 'invalid' || e.kind === 'not_found' || e.kind === 'rule')
    ? 'InvalidData'
    : 'InternalError';

/** Renders and stores one version that is already `Processing`, then marks it `Generated`. */
const renderVersion = async (
  deps: Deps,
  scope: Scope,
  file: DocumentFile,
  settings: PdfSettings,
): Promise<DocumentFile> => {
  const docType = file.documentType as PdfDocType;
  const loaded = await loadPdfDocument(deps, scope, docType, file.documentId);
  if (loaded === undefined) throw notFound(docType, file.documentId);
  const bytes = await deps.pdf.run({ document: loaded.document, settings });
  const storageKey = pdfStorageKey(scope, docType, file.documentId, file.id);
  // The key is the version's own: a retried attempt overwrites the same object, atomically.
  await deps.files.put(storageKey, bytes, { contentType: 'application/pdf' });
  await finishFileGeneration(deps, scope, file, {
    storageKey,
    fileName: loaded.fileName,
    size: bytes.length,
  });
  return {
    ...file,
    generationStatus: 'Generated',
    storageKey,
    fileName: loaded.fileName,
    size: bytes.length,
  };
};

/**
 * Creates a `Pending` PDF version of each document and enqueues `pdfs.generate` jobs for them,
 * in batches of `PDF_JOB_BATCH`, all in the caller's transaction (C6.1: generated asynchronously
 * on posting; DESIGN.md "Long work": a row and its job commit together or not at all).
 */
export const enqueuePdfGeneration = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  docs: readonly { documentType: PdfDocType; documentId: string }[],
): Promise<DocumentFile[]> => {
  const files = await createFileVersions(deps, tx, scope, docs, 'Pending');
  for (let i = 0; i < files.length; i += PDF_JOB_BATCH)
    await deps.queue.add(tx, 'pdfs.generate', {
      tenantId: scope.tenantId,
      entityId: scope.entityId,
      fileIds: files.slice(i, i + PDF_JOB_BATCH).map((f) => f.id),
    });
  return files;
};

export interface GenerateBatchContext {
  signal: AbortSignal;
  /** True on the job's last attempt: unexpected failures then become `Error` rows. */
  lastAttempt: boolean;
}

/**
 * The body of a `pdfs.generate` job: renders every version of the batch that is still `Pending`
 * (or `Processing` after a crash) on the pool, in parallel. Idempotent: a version already
 * `Generated`, `Error` or `Obsolete` is skipped, so a retry adds no version. A document the
 * template refuses gets `Error` at once (a per-item failure is data on its row, STYLE.md
 * "Errors"); any other failure retries the job, and on its last attempt becomes `Error` too.
 */
export const generatePdfBatch = async (
  deps: Deps,
  scope: Scope,
  fileIds: readonly string[],
  ctx: GenerateBatchContext,
): Promise<void> => {
  const files = (await findDocumentFiles(deps, scope, fileIds)).filter(
    (f) => f.generationStatus === 'Pending' || f.generationStatus === 'Processing',
  );
  if (files.length === 0) return;
  const settings = await loadPdfSettings(deps, scope.tenantId);
  let next = 0;
  let retry: Error | undefined;
  const worker = async () => {
    while (next < files.length && !ctx.signal.aborted) {
      const file = files[next++]!;
      if (!(await startFileGeneration(deps, scope, file.id))) continue;
      try {
        await renderVersion(deps, scope, file, settings);
      } catch (e) {
        const category = categoryOf(e);
        if (category === 'InternalError' && !ctx.lastAttempt)
          retry ??= e instanceof Error ? e : new Error('PDF generation failed', { cause: e });
        else await failFileGeneration(deps, scope, file.id, category, (e as Error).message);
      }
    }
  };
  // Twice the pool's size keeps every worker busy while the next documents load.
  await Promise.all(Array.from({ length: Math.min(files.length, deps.pdf.size * 2) }, worker));
  if (ctx.signal.aborted) throw new Error('PDF generation aborted; the job is released.');
  if (retry !== undefined) throw retry;
};

/**
 * Generates a document's PDF now, in the caller (the bulk export's `generateMissingPDF`, C5.4):
 * a new version, rendered, stored and `Generated`, returned with its storage key and file name.
 * Unknown documents get `not_found`; a failed render leaves an `Error` version and throws.
 */
export const generateDocumentPdf = async (
  deps: Deps,
  scope: Scope,
  docType: PdfDocType,
  documentId: string,
): Promise<DocumentFile> => {
  if ((await loadPdfDocument(deps, scope, docType, documentId)) === undefined)
    throw notFound(docType, documentId);
  const [file] = await deps.db.db
    .transaction()
    .execute((tx) =>
      createFileVersions(deps, tx, scope, [{ documentType: docType, documentId }], 'Processing'),
    );
  if (file === undefined) throw new Error('PDF version not created');
  try {
    return await renderVersion(deps, scope, file, await loadPdfSettings(deps, scope.tenantId));
  } catch (e) {
    await failFileGeneration(deps, scope, file.id, categoryOf(e), (e as Error).message);
    throw e;
  }
};

/** What became of one document of `generateDocumentPdfs`. */
export type GeneratedPdf =
  { ok: true; file: DocumentFile & { storageKey: string } } | { ok: false; error: Error };

/**
 * `generateDocumentPdf` for a batch of documents of one type (the bulk export's
 * `generateMissingPDF`, C5.4), with a fixed number of database round trips per batch: one load of
 * the documents, one transaction creating their versions, the renders and stores in parallel on
 * the pool, one transaction marking them Generated. Each document gets its own result; a failed
 * one leaves an `Error` version, as the single-document path does.
 */
export const generateDocumentPdfs = async (
  deps: Deps,
  scope: Scope,
  docType: PdfDocType,
  documentIds: readonly string[],
): Promise<Map<string, GeneratedPdf>> => {
  const results = new Map<string, GeneratedPdf>();
  const loaded = await loadPdfDocuments(deps, scope, docType, documentIds);
  for (const id of documentIds)
    if (!loaded.has(id)) results.set(id, { ok: false, error: notFound(docType, id) });
  const found = [...new Set(documentIds)].filter((id) => loaded.has(id));
  if (found.length === 0) return results;
  const files = await deps.db.db.transaction().execute((tx) =>
    createFileVersions(
      deps,
      tx,
      scope,
      found.map((documentId) => ({ documentType: docType, documentId })),
      'Processing',
    ),
  );
  const settings = await loadPdfSettings(deps, scope.tenantId);
  const done: {
    file: DocumentFile;
    out: { storageKey: string; fileName: string; size: number };
  }[] = [];
  const failed: { file: DocumentFile; error: Error }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      const doc = loaded.get(file.documentId)!;
      try {
        const bytes = await deps.pdf.run({ document: doc.document, settings });
        const storageKey = pdfStorageKey(scope, docType, file.documentId, file.id);
        await deps.files.put(storageKey, bytes, { contentType: 'application/pdf' });
        done.push({ file, out: { storageKey, fileName: doc.fileName, size: bytes.length } });
      } catch (e) {
        failed.push({ file, error: e instanceof Error ? e : new Error(String(e)) });
      }
    }
  };
  // Twice the pool's size keeps every render thread busy while stores are written.
  await Promise.all(Array.from({ length: Math.min(files.length, deps.pdf.size * 2) }, worker));
  const moved = await finishFileGenerations(deps, scope, done);
  for (const { file, out } of done)
    results.set(
      file.documentId,
      moved.has(file.id)
        ? {
            ok: true,
            file: { ...file, generationStatus: 'Generated', ...out },
          }
        : { ok: false, error: new Error(`PDF version ${file.id} was changed by another job.`) },
    );
  for (const { file, error } of failed) {
    await failFileGeneration(deps, scope, file.id, categoryOf(error), error.message);
    results.set(file.documentId, { ok: false, error });
  }
  return results;
};

/**
 * Asks for a new PDF of one document (regeneration: C4 `POST …/pdfs`, CRUD
 * `RegenerateInvoicePDF`; drafts only this way, C6.1): a `Pending` version and its job.
 */
export const requestPdfGeneration = async (
  deps: Deps,
  scope: Scope,
  docType: PdfDocType,
  documentId: string,
): Promise<DocumentFile> => {
  const [file] = await deps.db.db
    .transaction()
    .execute((tx) =>
      enqueuePdfGeneration(deps, tx, scope, [{ documentType: docType, documentId }]),
    );
  if (file === undefined) throw new Error('PDF version not created');
  return file;
};

/** C4: `pdf-status` takes at most 50 keys. */
export const MAX_STATUS_KEYS = 50;

/** One document's PDF status (C4 `pdf-status`). */
export interface PdfStatus {
  documentId: string;
  number: string;
  /** C4: None | Pending | Processing | Generated | Error | Obsolete, and Archived for invoices. */
  status: string;
  /** The latest version, when there is one. */
  file: DocumentFile | undefined;
}

/** Splits a comma-separated key list; refuses an empty list or more than 50 keys. */
export const parseKeys = (raw: string, field: string): string[] => {
  const keys = raw
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (keys.length === 0) throw invalid(`${field} must name at least one document.`, field);
  if (keys.length > MAX_STATUS_KEYS)
    throw invalid(`${field} may name at most ${MAX_STATUS_KEYS} documents.`, field);
  return keys;
};

const LABEL: Record<PdfDocType, string> = {
  Invoice: 'Invoice',
  CreditMemo: 'Credit memo',
  DebitMemo: 'Debit memo',
};

/**
 * The PDF status of each document named by `keys` (ids or numbers), in request order; an unknown
 * key (or another tenant's or entity's document) is `not_found`. An archived invoice PDF reports
 * `Archived`; an archived memo PDF reports `Generated`, as the memo enum has no `Archived` (C4).
 */
export const getPdfStatuses = async (
  deps: Deps,
  scope: Scope,
  docType: PdfDocType,
  keys: readonly string[],
): Promise<PdfStatus[]> => {
  const docs: { id: string; number: string }[] =
    docType === 'Invoice'
      ? (await findInvoices(deps, scope, keys)).map((i) => ({ id: i.id, number: i.invoiceNumber }))
      : (await findMemos(deps, scope, docType, keys)).map((m) => ({ id: m.id, number: m.number }));
  const resolved = keys.map((k) => {
    const d = docs.find((x) => x.id === k) ?? docs.find((x) => x.number === k);
    if (d === undefined) throw notFound(LABEL[docType], k);
    return d;
  });
  const latest = await latestDocumentFiles(
    deps,
    scope,
    resolved.map((d) => d.id),
  );
  return resolved.map((d) => {
    const file = latest.get(d.id);
    let status = file?.generationStatus ?? 'None';
    if (status === 'Generated' && file?.fileStatus === 'ARCHIVED' && docType === 'Invoice')
      status = 'Archived';
    return { documentId: d.id, number: d.number, status, file };
  });
};

/** The bytes of a document's latest Generated PDF, or undefined when it has none. */
export const readLatestPdf = async (
  deps: Deps,
  scope: Scope,
  documentId: string,
): Promise<Buffer | undefined> => {
  const file = (await latestDocumentFiles(deps, scope, [documentId])).get(documentId);
  if (file?.generationStatus !== 'Generated' || file.storageKey === null) return undefined;
  return buffer(await deps.files.get(file.storageKey));
};

/** A stored PDF version to serve (`GET /v1/files/{file-id}`). */
export interface PdfDownload {
  file: DocumentFile;
  fileName: string;
  size: number;
  body: Readable;
}

/**
 * Opens a PDF version of the scope for download. Unknown ids, another tenant's or entity's, and
 * versions without bytes (Pending, Error) are `not_found`; an archived file is refused (`rule`):
 * it must be restored first, as its status says `accessible: false`.
 */
export const openPdfFile = async (
  deps: Deps,
  scope: Scope,
  fileId: string,
): Promise<PdfDownload> => {
  const file = await findDocumentFile(deps, scope, fileId);
  if (file?.storageKey == null) throw notFound('File', fileId);
  if (file.fileStatus === 'ARCHIVED') throw rule(`The file ${fileId} is archived.`);
  const info = await deps.files.head(file.storageKey);
  if (info === undefined) throw notFound('File', fileId);
  return {
    file,
    fileName: file.fileName ?? `${file.documentId}.pdf`,
    size: info.size,
    body: await deps.files.get(file.storageKey),
  };
};

/** `GET /v1/files/{file-id}/status`: ACTIVE or ARCHIVED, and whether the bytes can be read. */
export const getPdfFileStatus = async (
  deps: Deps,
  scope: Scope,
  fileId: string,
): Promise<{ status: 'ACTIVE' | 'ARCHIVED'; accessible: boolean }> => {
  const file = await findDocumentFile(deps, scope, fileId);
  if (file?.storageKey == null) throw notFound('File', fileId);
  const archived = file.fileStatus === 'ARCHIVED';
  return {
    status: archived ? 'ARCHIVED' : 'ACTIVE',
    accessible: !archived && (await deps.files.head(file.storageKey)) !== undefined,
  };
};
