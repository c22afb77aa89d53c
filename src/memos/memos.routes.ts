/**
 * `GET /v1/credit-memos/{creditMemoKey}`, `GET /v1/debit-memos/{debitMemoKey}` and their `…/files`
 * lists (CONTRACT C4 "Documents"). Keys are ids or numbers (`CM00000001`, `DM00000001`).
 */
import { dueDateOf } from '../platform/dates.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { toV1DateTime, type Scope } from '../platform/scope.ts';
import { toWire } from '../platform/money.ts';
import { nextPageUrl, PageQuery } from '../platform/http/pagination.ts';
import { getAccount } from '../accounts/accounts.service.ts';
import { listDocumentFiles, type DocumentFile } from '../files/files.service.ts';
import { getMemo, type Memo, type MemoType } from './memos.service.ts';
import {
  CreditMemoFilesResponse,
  CreditMemoKeyParams,
  DebitMemoFilesResponse,
  DebitMemoKeyParams,
  GetCreditMemoResponse,
  GetDebitMemoResponse,
} from './memos.schemas.ts';

const scopeOf = (r: FastifyRequest): Scope => ({
  tenantId: r.principal!.tenantId,
  entityId: r.principal!.entityId,
});

/**
 * Zuora's default reason code of memos created without one (Zuora Knowledge Center, "Reason
 * codes": the system reason code "Correcting invoice error"); `reasonCode` is not nullable in
 * `GETCreditMemoType`/`GETDebitMemoType`.
 */
const DEFAULT_REASON = 'Correcting invoice error';

/**
 * `sourceType` (an enum of `GETCreditMemoType`): a memo referring to an invoice is `Invoice`; one
 * made by a bill run from subscription charges is `Subscription`; the loader's others `Standalone`.
 */
const sourceTypeOf = (m: Memo): string =>
  m.invoiceId !== null ? 'Invoice' : m.billRunId !== null ? 'Subscription' : 'Standalone';

const memoCommon = (m: Memo, accountNumber: string, files: readonly DocumentFile[]) => ({
  success: true,
  id: m.id,
  number: m.number,
  accountId: m.accountId,
  accountNumber,
  amount: toWire(m.amount, m.currency),
  currency: m.currency,
  status: m.status,
  targetDate: m.targetDate,
  taxAmount: 0,
  totalTaxExemptAmount: 0,
  reasonCode: m.reasonCode ?? DEFAULT_REASON,
  referredInvoiceId: m.invoiceId,
  comment: null,
  cancelledById: null,
  cancelledOn: m.status === 'Canceled' ? toV1DateTime(m.updatedAt) : null,
  postedById: m.postedBy,
  postedOn: m.postedDate === null ? null : toV1DateTime(m.updatedAt),
  transferredToAccounting: 'No',
  sourceType: sourceTypeOf(m),
  ...(files[0] === undefined ? {} : { latestPDFFileId: files[0].id }),
  createdById: m.createdBy,
  createdDate: toV1DateTime(m.createdAt),
  updatedById: m.createdBy,
  updatedDate: toV1DateTime(m.updatedAt),
});

const toFileList = (files: readonly DocumentFile[], page: number, pageSize: number) =>
  files.slice((page - 1) * pageSize, page * pageSize).map((f) => ({
    id: f.id,
    pdfFileUrl: `/v1/files/${f.id}`,
    versionNumber: f.versionNumber,
  }));

export const memosRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  const load = async (req: FastifyRequest, type: MemoType, key: string) => {
    const scope = scopeOf(req);
    const m = await getMemo(deps, scope, type, key);
    const [account, files] = await Promise.all([
      getAccount(deps, scope, m.accountId),
      listDocumentFiles(deps, scope, m.id),
    ]);
    return { m, account, files };
  };

  r.get(
    '/v1/credit-memos/:creditMemoKey',
    {
      schema: {
        operationId: 'GET_CreditMemo',
        summary: 'Retrieve a credit memo',
        tags: ['Credit Memos'],
        params: CreditMemoKeyParams,
        response: { 200: GetCreditMemoResponse },
      },
    },
    async (req) => {
      const { m, account, files } = await load(req, 'CreditMemo', req.params.creditMemoKey);
      return {
        ...memoCommon(m, account.accountNumber, files),
        creditMemoDate: m.memoDate,
        appliedAmount: 0,
        refundAmount: 0,
        unappliedAmount: toWire(m.balance, m.currency),
        autoApplyUponPosting: false,
        excludeFromAutoApplyRules: false,
        reversed: false,
        billToContactId: account.billToContactId,
        source: m.source,
        sourceId: m.sourceId,
      };
    },
  );

  r.get(
    '/v1/debit-memos/:debitMemoKey',
    {
      schema: {
        operationId: 'GET_DebitMemo',
        summary: 'Retrieve a debit memo',
        tags: ['Debit Memos'],
        params: DebitMemoKeyParams,
        response: { 200: GetDebitMemoResponse },
      },
    },
    async (req) => {
      const { m, account, files } = await load(req, 'DebitMemo', req.params.debitMemoKey);
      return {
        ...memoCommon(m, account.accountNumber, files),
        debitMemoDate: m.memoDate,
        // A memo row keeps no payment term of its own when the loader made it: the account's.
        dueDate: m.dueDate ?? dueDateOf(m.memoDate, m.paymentTerm ?? account.paymentTerm),
        paymentTerm: m.paymentTerm ?? account.paymentTerm,
        balance: toWire(m.balance, m.currency),
        beAppliedAmount: 0,
        autoPay: false,
        ...(account.billToContactId === null ? {} : { billToContactId: account.billToContactId }),
        soldToContactId: account.soldToContactId,
      };
    },
  );

  r.get(
    '/v1/credit-memos/:creditMemoKey/files',
    {
      schema: {
        operationId: 'GET_CreditMemoFiles',
        summary: 'List all files of a credit memo',
        tags: ['Credit Memos'],
        params: CreditMemoKeyParams,
        querystring: PageQuery,
        response: { 200: CreditMemoFilesResponse },
      },
    },
    async (req) => {
      const { files } = await load(req, 'CreditMemo', req.params.creditMemoKey);
      const page = req.query.page ?? 1;
      const pageSize = req.query.pageSize ?? 20;
      return {
        success: true,
        creditMemoFiles: toFileList(files, page, pageSize),
        ...nextPageUrl(req, page, pageSize, files.length),
      };
    },
  );

  r.get(
    '/v1/debit-memos/:debitMemoKey/files',
    {
      schema: {
        operationId: 'GET_DebitMemoFiles',
        summary: 'List all files of a debit memo',
        tags: ['Debit Memos'],
        params: DebitMemoKeyParams,
        querystring: PageQuery,
        response: { 200: DebitMemoFilesResponse },
      },
    },
    async (req) => {
      const { files } = await load(req, 'DebitMemo', req.params.debitMemoKey);
      const page = req.query.page ?? 1;
      const pageSize = req.query.pageSize ?? 20;
      return {
        success: true,
        debitMemoFiles: toFileList(files, page, pageSize),
        ...nextPageUrl(req, page, pageSize, files.length),
      };
    },
  );
};
