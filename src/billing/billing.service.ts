/**
 * Billing use cases: bill many accounts in one transaction (bill runs will call `billAccounts`
 * per chunk), post documents (`postDocuments`: the single place every path posts through, where
 * PDF generation hooks in), and the subscribe-and-bill flows of `POST /v1/accounts` and
 * `POST /v1/subscriptions` with `runBilling` (C4).
 */
import type { Db } from '../database.ts';
import type { Deps } from '../deps.ts';
import { dateOf, dueDateOf, isDate } from '../platform/dates.ts';
import { invalid, rule } from '../platform/errors.ts';
import type { Scope } from '../platform/scope.ts';
import {
  createAccounts,
  getAccount,
  setBillCycleDayIfUnset,
  type Account,
  type CreateAccountInput,
} from '../accounts/accounts.service.ts';
import {
  applyAdvances,
  billCycleDayFrom,
  createSubscription,
  loadBillable,
  validateSubscription,
  type CreateSubscriptionInput,
  type Subscription,
} from '../subscriptions/subscriptions.service.ts';
import { insertDraftInvoices, postInvoices, type Invoice } from '../invoices/invoices.service.ts';
import { insertDraftMemos, postMemos, type Memo } from '../memos/memos.service.ts';
import { enqueuePdfGeneration } from '../pdfs/pdfs.service.ts';
import { billAccount, type ChargeType } from './billing.engine.ts';

export interface BillAccountsOptions {
  targetDate: string;
  documentDate: string;
  /** `BillRun` | `API` | `ApiSubscribe` (C3.4.5, C7 #25). */
  source: string;
  sourceId: string | null;
  billRunId: string | null;
  createdBy: string;
  chargeTypeToExclude?: readonly ChargeType[];
  /** Bill only these subscriptions (subscription filters, runBilling of one subscription). */
  subscriptionIds?: readonly string[];
}

export interface BillAccountsResult {
  invoices: Invoice[];
  creditMemos: Memo[];
  /** Accounts that could not be billed and why (C3.4.4: only that account fails). */
  errors: { accountId: string; message: string }[];
}

/**
 * Bills many accounts in the caller's transaction: reads their active subscriptions, runs the
 * engine per account, writes every Draft document of the batch with multi-row inserts and
 * advances each charge's chargedThroughDate — all or nothing, so a retried chunk cannot bill twice.
 */
export const billAccounts = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  accounts: readonly Account[],
  options: BillAccountsOptions,
): Promise<BillAccountsResult> => {
  const subs = await loadBillable(
    tx,
    scope,
    accounts.map((a) => a.id),
    options.subscriptionIds,
  );
  const invoices = [];
  const memos = [];
  const errors: BillAccountsResult['errors'] = [];
  const advances = [];
  for (const a of accounts) {
    const r = billAccount(
      { id: a.id, currency: a.currency, billCycleDay: a.billCycleDay },
      subs.get(a.id) ?? [],
      {
        targetDate: options.targetDate,
        ...(options.chargeTypeToExclude === undefined
          ? {}
          : { chargeTypeToExclude: options.chargeTypeToExclude }),
      },
    );
    if (!r.ok) {
      errors.push({ accountId: a.id, message: r.error });
      continue;
    }
    advances.push(...r.advances);
    for (const d of r.documents) {
      const doc = {
        accountId: a.id,
        currency: d.currency,
        amount: d.amount,
        source: options.source,
        sourceId: options.sourceId,
        billRunId: options.billRunId,
        documentDate: options.documentDate,
        targetDate: options.targetDate,
        dueDate: dueDateOf(options.documentDate, a.paymentTerm),
        paymentTerm: a.paymentTerm,
        templateId: a.invoiceTemplateId,
        createdBy: options.createdBy,
        items: d.items,
      };
      if (d.documentType === 'Invoice') invoices.push(doc);
      else memos.push({ ...doc, memoType: 'CreditMemo' as const });
    }
  }
  const writtenInvoices = await insertDraftInvoices(deps, tx, scope, invoices);
  const writtenMemos = await insertDraftMemos(deps, tx, scope, memos);
  await applyAdvances(tx, scope, advances);
  return { invoices: writtenInvoices, creditMemos: writtenMemos, errors };
};

/**
 * Posts Draft documents (C3.4.7) and, in the same transaction, queues their PDFs (C6.1: generated
 * asynchronously on posting). Every posting path goes through here, so PDF generation hooks in
 * at this one place.
 */
export const postDocuments = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  docs: { invoiceIds: readonly string[]; creditMemoIds: readonly string[] },
  postedBy: string,
): Promise<void> => {
  const postedDate = dateOf(deps.clock.now(scope.tenantId));
  await postInvoices(deps, tx, scope, docs.invoiceIds, postedDate, postedBy);
  await postMemos(deps, tx, scope, docs.creditMemoIds, postedDate, postedBy);
  await enqueuePdfGeneration(deps, tx, scope, [
    ...docs.invoiceIds.map((documentId) => ({ documentType: 'Invoice' as const, documentId })),
    ...docs.creditMemoIds.map((documentId) => ({
      documentType: 'CreditMemo' as const,
      documentId,
    })),
  ]);
};

export interface RunBillingInput {
  runBilling?: boolean | undefined;
  targetDate?: string | undefined;
  documentDate?: string | undefined;
}

const checkRunBilling = (input: RunBillingInput): void => {
  if (input.targetDate !== undefined && !isDate(input.targetDate))
    throw invalid('targetDate must be a date yyyy-MM-dd.', 'targetDate');
  if (input.documentDate !== undefined && !isDate(input.documentDate))
    throw invalid('documentDate must be a date yyyy-MM-dd.', 'documentDate');
};

/** Bills one subscription at once into Posted documents (C4 `runBilling`). */
const billNow = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  account: Account,
  subscriptionId: string,
  input: RunBillingInput,
  source: string,
  createdBy: string,
): Promise<{ invoiceId?: string; creditMemoId?: string }> => {
  const today = dateOf(deps.clock.now(scope.tenantId));
  const r = await billAccounts(deps, tx, scope, [account], {
    targetDate: input.targetDate ?? today,
    documentDate: input.documentDate ?? today,
    source,
    sourceId: null,
    billRunId: null,
    createdBy,
    subscriptionIds: [subscriptionId],
  });
  const failure = r.errors[0];
  if (failure !== undefined) throw rule(failure.message);
  await postDocuments(
    deps,
    tx,
    scope,
    { invoiceIds: r.invoices.map((i) => i.id), creditMemoIds: r.creditMemos.map((m) => m.id) },
    createdBy,
  );
  return {
    ...(r.invoices[0] === undefined ? {} : { invoiceId: r.invoices[0].id }),
    ...(r.creditMemos[0] === undefined ? {} : { creditMemoId: r.creditMemos[0].id }),
  };
};

export interface SubscribeInput extends RunBillingInput {
  accountKey: string;
  subscription: CreateSubscriptionInput;
}

/** `POST /v1/subscriptions`: creates the subscription and, by default, bills it (C4). */
export const subscribe = async (
  deps: Deps,
  scope: Scope,
  input: SubscribeInput,
  createdBy: string,
): Promise<{ subscription: Subscription; invoiceId?: string; creditMemoId?: string }> => {
  checkRunBilling(input);
  validateSubscription(input.subscription);
  return deps.db.db.transaction().execute(async (tx) => {
    let account = await getAccount(deps, scope, input.accountKey, tx);
    const subscription = await createSubscription(deps, tx, scope, account, input.subscription);
    if (account.billCycleDay === null) {
      const day = billCycleDayFrom(input.subscription);
      await setBillCycleDayIfUnset(deps, tx, scope, account.id, day);
      account = { ...account, billCycleDay: day };
    }
    if (input.runBilling === false) return { subscription };
    const billed = await billNow(
      deps,
      tx,
      scope,
      account,
      subscription.id,
      input,
      'ApiSubscribe',
      createdBy,
    );
    return { subscription, ...billed };
  });
};

export interface CreateAccountFlowInput extends RunBillingInput {
  account: CreateAccountInput;
  subscription?: CreateSubscriptionInput | undefined;
}

/** `POST /v1/accounts`: the account, its contacts, the inline subscription and its bill (C4). */
export const createAccount = async (
  deps: Deps,
  scope: Scope,
  input: CreateAccountFlowInput,
  createdBy: string,
): Promise<{
  account: Account;
  subscription?: Subscription;
  invoiceId?: string;
  creditMemoId?: string;
}> => {
  checkRunBilling(input);
  if (input.subscription !== undefined) validateSubscription(input.subscription, 'subscription.');
  return deps.db.db.transaction().execute(async (tx) => {
    const sub = input.subscription;
    const bcd =
      input.account.billCycleDay === undefined || input.account.billCycleDay === 0
        ? sub === undefined
          ? undefined
          : billCycleDayFrom(sub)
        : input.account.billCycleDay;
    const [account] = await createAccounts(deps, tx, scope, [
      { ...input.account, billCycleDay: bcd },
    ]);
    if (account === undefined) throw new Error('account not created');
    if (sub === undefined) return { account };
    const subscription = await createSubscription(deps, tx, scope, account, sub);
    if (input.runBilling === false) return { account, subscription };
    const billed = await billNow(
      deps,
      tx,
      scope,
      account,
      subscription.id,
      input,
      'API',
      createdBy,
    );
    return { account, subscription, ...billed };
  });
};
