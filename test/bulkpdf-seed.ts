/**
 * Seeds billing documents for bulk PDF tests: accounts, posted invoices and memos through the
 * billing services, and their PDF file rows (valid, missing, archived) with real stored bytes.
 */
import type { Deps } from '../src/deps.ts';
import type { Scope } from '../src/platform/scope.ts';
import { createAccounts } from '../src/accounts/accounts.service.ts';
import { insertDraftInvoices, postInvoices } from '../src/invoices/invoices.service.ts';
import { insertDraftMemos, postMemos } from '../src/memos/memos.service.ts';
import { createFileVersions, finishFileGeneration } from '../src/files/files.service.ts';
import { pdfFileName } from '../src/pdfs/pdfs.service.ts';

export type PdfState = 'valid' | 'none' | 'archived' | 'error';

export interface SeededDoc {
  id: string;
  docType: 'Invoice' | 'CreditMemo' | 'DebitMemo';
  number: string;
  accountNumber: string;
  documentDate: string;
  createdAt: string;
  /** The stored PDF bytes, when the state is valid or archived. */
  pdf: Buffer | undefined;
  pdfName: string;
  pdfCreatedAt: string | undefined;
}

const item = {
  subscriptionId: 's',
  subscriptionNumber: 'A-S00000001',
  chargeId: 'c',
  chargeNumber: 'C-00000001',
  chargeName: 'Fee',
  chargeType: 'Recurring' as const,
  productName: 'Gold',
  ratePlanName: 'Monthly',
  serviceStartDate: '2026-03-01',
  serviceEndDate: '2026-03-31',
  quantity: '1',
  unitPrice: '30',
  amount: '30',
};

/** `n` posted documents of one type on one new account, each with a PDF in `state`. */
export const seedDocuments = async (
  deps: Deps,
  scope: Scope,
  n: number,
  options: {
    docType?: SeededDoc['docType'];
    state?: PdfState;
    accountName?: string;
    /** The PDF bytes to store (default: a tiny distinct PDF-like file per document). */
    pdfBytes?: Buffer;
  } = {},
): Promise<SeededDoc[]> => {
  const docType = options.docType ?? 'Invoice';
  const state = options.state ?? 'valid';
  const docs = await deps.db.db.transaction().execute(async (tx) => {
    const [account] = await createAccounts(deps, tx, scope, [
      {
        name: options.accountName ?? 'Acme',
        currency: 'USD',
        billToContact: { firstName: 'Ada', lastName: 'Lovelace' },
      },
    ]);
    const base = {
      accountId: account!.id,
      currency: 'USD',
      amount: '30',
      source: 'API',
      sourceId: null,
      billRunId: null,
      documentDate: '2026-03-12',
      targetDate: null,
      dueDate: null,
      paymentTerm: null,
      templateId: null,
      createdBy: 'test',
      items: [item],
    };
    const many = Array.from({ length: n }, () => base);
    if (docType === 'Invoice') {
      const inv = await insertDraftInvoices(deps, tx, scope, many);
      await postInvoices(
        deps,
        tx,
        scope,
        inv.map((i) => i.id),
        '2026-03-12',
        'test',
      );
      return inv.map((i) => ({
        id: i.id,
        number: i.invoiceNumber,
        createdAt: i.createdAt,
        account: account!,
      }));
    }
    const memos = await insertDraftMemos(
      deps,
      tx,
      scope,
      many.map((m) => ({ ...m, memoType: docType })),
    );
    await postMemos(
      deps,
      tx,
      scope,
      memos.map((m) => m.id),
      '2026-03-12',
      'test',
    );
    return memos.map((m) => ({
      id: m.id,
      number: m.number,
      createdAt: m.createdAt,
      account: account!,
    }));
  });
  const out: SeededDoc[] = [];
  for (const d of docs) {
    const pdfName = pdfFileName({
      number: d.number,
      accountNumber: d.account.accountNumber,
      documentDate: '2026-03-12',
    });
    let pdf: Buffer | undefined;
    let pdfCreatedAt: string | undefined;
    if (state !== 'none') {
      pdf =
        options.pdfBytes ??
        Buffer.from(`%PDF-1.4\n% ${docType} ${d.number} ${deps.ids.id()}\n%%EOF\n`);
      const key = `documents/${scope.tenantId}/${scope.entityId}/${d.id}/seed.pdf`;
      await deps.files.put(key, pdf, { contentType: 'application/pdf' });
      const [file] = await deps.db.db
        .transaction()
        .execute((tx) =>
          createFileVersions(
            deps,
            tx,
            scope,
            [{ documentType: docType, documentId: d.id }],
            'Processing',
          ),
        );
      await finishFileGeneration(deps, scope, file!, {
        storageKey: key,
        fileName: pdfName,
        size: pdf.length,
      });
      pdfCreatedAt = deps.clock.now(scope.tenantId).toISOString();
      if (state === 'archived' || state === 'error')
        await deps.db.db
          .updateTable('document_files')
          .set(state === 'archived' ? { file_status: 'ARCHIVED' } : { generation_status: 'Error' })
          .where('document_id', '=', d.id)
          .execute();
    }
    out.push({
      id: d.id,
      docType,
      number: d.number,
      accountNumber: d.account.accountNumber,
      documentDate: '2026-03-12',
      createdAt: d.createdAt,
      pdf: state === 'valid' ? pdf : undefined,
      pdfName,
      pdfCreatedAt,
    });
  }
  return out;
};
