import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { Scope } from '../platform/scope.ts';
import { add, round } from '../platform/money.ts';
import { createAccount } from '../billing/billing.service.ts';
import { listInvoicesOfAccount } from '../invoices/invoices.service.ts';
import { getAccount, listContacts, type Contact } from './accounts.service.ts';
import {
  AccountKeyParams,
  CreateAccount,
  CreateAccountResponse,
  GetAccountResponse,
} from './accounts.schemas.ts';

const scopeOf = (r: FastifyRequest): Scope => ({
  tenantId: r.principal!.tenantId,
  entityId: r.principal!.entityId,
});

const toZuoraContact = (c: Contact) => c;

export const accountsRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/v1/accounts',
    {
      config: { zuoraResource: '510100' },
      schema: {
        operationId: 'POST_Account',
        summary: 'Create an account',
        tags: ['Accounts'],
        body: CreateAccount,
        response: { 200: CreateAccountResponse },
      },
    },
    async (req) => {
      const b = req.body;
      const out = await createAccount(
        deps,
        scopeOf(req),
        {
          account: {
            name: b.name,
            currency: b.currency,
            accountNumber: b.accountNumber,
            batch: b.batch,
            billCycleDay: b.billCycleDay,
            paymentTerm: b.paymentTerm,
            invoiceTemplateId: b.invoiceTemplateId,
            notes: b.notes,
            billToContact: b.billToContact,
            soldToContact: b.soldToContact,
          },
          subscription: b.subscription,
          runBilling: b.runBilling,
          targetDate: b.targetDate,
          documentDate: b.documentDate,
        },
        req.principal!.clientId,
      );
      return {
        success: true,
        accountId: out.account.id,
        accountNumber: out.account.accountNumber,
        billToContactId: out.account.billToContactId ?? '',
        soldToContactId: out.account.soldToContactId ?? '',
        ...(out.subscription === undefined
          ? {}
          : {
              subscriptionId: out.subscription.id,
              subscriptionNumber: out.subscription.subscriptionNumber,
            }),
        ...(out.invoiceId === undefined ? {} : { invoiceId: out.invoiceId }),
        ...(out.creditMemoId === undefined ? {} : { creditMemoId: out.creditMemoId }),
      };
    },
  );

  r.get(
    '/v1/accounts/:accountKey',
    {
      schema: {
        operationId: 'GET_Account',
        summary: 'Retrieve an account',
        tags: ['Accounts'],
        params: AccountKeyParams,
        response: { 200: GetAccountResponse },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const a = await getAccount(deps, scope, req.params.accountKey);
      const contacts = await listContacts(deps, scope, a.id);
      const billTo = contacts.find((c) => c.id === a.billToContactId) ?? contacts[0];
      const soldTo = contacts.find((c) => c.id === a.soldToContactId) ?? billTo;
      const balance = (await listInvoicesOfAccount(deps, scope, a.id))
        .filter((i) => i.status === 'Posted')
        .reduce((acc, i) => add(acc, i.balance), '0');
      return {
        success: true,
        basicInfo: {
          id: a.id,
          accountNumber: a.accountNumber,
          name: a.name,
          status: a.status,
          batch: a.batch,
          invoiceTemplateId: a.invoiceTemplateId,
          ...(a.notes === null ? {} : { notes: a.notes }),
        },
        billingAndPayment: {
          billCycleDay: a.billCycleDay ?? 0,
          currency: a.currency,
          paymentTerm: a.paymentTerm,
          bcdSettingOption: a.billCycleDay === null ? 'AutoSet' : 'ManualSet',
        },
        // Zuora types these metrics as decimal strings (GETAccountType.metrics).
        metrics: {
          balance: round(balance, a.currency),
          totalInvoiceBalance: round(balance, a.currency),
        },
        billToContact: toZuoraContact(billTo!),
        soldToContact: toZuoraContact(soldTo!),
      };
    },
  );
};
