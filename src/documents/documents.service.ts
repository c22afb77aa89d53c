/**
 * Billing documents of an account across invoices, credit memos and debit memos
 * (`GET /v1/billing-documents`, CONTRACT C4). The two capabilities keep their own tables, so a page
 * is the merge of each one's first `page × pageSize` rows in the same order.
 */
import type { Deps } from '../deps.ts';
import { invalid, AppError } from '../platform/errors.ts';
import type { Scope } from '../platform/scope.ts';
import { isDate } from '../platform/dates.ts';
import { getAccount } from '../accounts/accounts.service.ts';
import { listInvoicesPage } from '../invoices/invoices.service.ts';
import { listMemosPage } from '../memos/memos.service.ts';

export interface BillingDocument {
  id: string;
  accountId: string;
  documentType: 'Invoice' | 'CreditMemo' | 'DebitMemo';
  documentNumber: string;
  documentDate: string;
  status: string;
  amount: string;
  balance: string;
  currency: string;
}

export interface ListBillingDocumentsInput {
  accountId?: string;
  accountNumber?: string;
  documentDate?: string;
  status?: string;
  sort?: string;
  page: number;
  pageSize: number;
}

/**
 * Deepest row a page may reach: each page merges the first `page × pageSize` rows of both tables,
 * so an unbounded `page` would read unbounded rows.
 */
export const MAX_DOCUMENT_OFFSET = 100_000;

/**
 * `sort` is `[+|-]documentDate` as in Zuora's examples (`sort=+documentDate`, "List billing
 * documents for an account", developer.zuora.com): `+` (or none) ascending, `-` descending. A `+`
 * left unencoded in a query string arrives as a space, so leading spaces mean `+`. Without `sort`
 * Folio lists newest first (Zuora does not document its default order). Ties break on the number.
 */
export const parseSort = (sort: string | undefined): 'asc' | 'desc' => {
  if (sort === undefined) return 'desc';
  const m = /^\s*([+-]?)\s*documentDate\s*$/.exec(sort);
  if (m === null)
    throw invalid(
      `Invalid value for query parameter sort: '${sort}'. Use +documentDate or -documentDate.`,
      'sort',
    );
  return m[1] === '-' ? 'desc' : 'asc';
};

export const listBillingDocuments = async (
  deps: Deps,
  scope: Scope,
  input: ListBillingDocumentsInput,
): Promise<{ documents: BillingDocument[]; total: number }> => {
  // Zuora: "you must specify either accountId or accountNumber in the query parameters".
  if (input.accountId === undefined && input.accountNumber === undefined)
    throw new AppError('missing_parameter', 'accountId or accountNumber is required.', {
      field: 'accountId',
    });
  const direction = parseSort(input.sort);
  if (input.documentDate !== undefined && !isDate(input.documentDate))
    throw invalid('documentDate must be a date yyyy-MM-dd.', 'documentDate');
  if (input.page * input.pageSize > MAX_DOCUMENT_OFFSET)
    throw invalid(
      `page × pageSize may not exceed ${MAX_DOCUMENT_OFFSET}; narrow the list with documentDate or status.`,
      'page',
    );
  const account = await getAccount(deps, scope, input.accountId ?? input.accountNumber!);
  // Both given: they must name the same account, else it is unknown (a key from elsewhere, C1.4).
  if (
    (input.accountId !== undefined && account.id !== input.accountId) ||
    (input.accountNumber !== undefined && account.accountNumber !== input.accountNumber)
  )
    throw new AppError(
      'not_found',
      `Account ${input.accountNumber ?? input.accountId ?? ''} does not exist.`,
    );
  const filter = {
    accountId: account.id,
    ...(input.documentDate === undefined ? {} : { documentDate: input.documentDate }),
    ...(input.status === undefined ? {} : { status: input.status }),
  };
  const limit = input.page * input.pageSize;
  const [inv, memos] = await Promise.all([
    listInvoicesPage(deps, scope, filter, direction, limit),
    listMemosPage(deps, scope, filter, direction, limit),
  ]);
  const all: BillingDocument[] = [
    ...inv.invoices.map((i) => ({
      id: i.id,
      accountId: i.accountId,
      documentType: 'Invoice' as const,
      documentNumber: i.invoiceNumber,
      documentDate: i.invoiceDate,
      status: i.status,
      amount: i.amount,
      balance: i.balance,
      currency: i.currency,
    })),
    ...memos.memos.map((m) => ({
      id: m.id,
      accountId: m.accountId,
      documentType: m.memoType,
      documentNumber: m.number,
      documentDate: m.memoDate,
      status: m.status,
      amount: m.amount,
      balance: m.balance,
      currency: m.currency,
    })),
  ];
  const sign = direction === 'asc' ? 1 : -1;
  all.sort(
    (a, b) =>
      sign *
      (a.documentDate < b.documentDate
        ? -1
        : a.documentDate > b.documentDate
          ? 1
          : a.documentNumber < b.documentNumber
            ? -1
            : a.documentNumber > b.documentNumber
              ? 1
              : 0),
  );
  return {
    documents: all.slice((input.page - 1) * input.pageSize, limit),
    total: inv.total + memos.total,
  };
};
