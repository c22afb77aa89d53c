/** Customer accounts and their contacts (CONTRACT C4 "Accounts"). */
import type { Db } from '../database.ts';
import type { Deps } from '../deps.ts';
import { toIso } from '../platform/clock.ts';
import { formatNumber, takeNumbers } from '../platform/db/sequences.ts';
import { invalid, notFound } from '../platform/errors.ts';
import type { Scope } from '../platform/scope.ts';
import * as store from './accounts.store.ts';
import type { AccountRow, ContactRow, NewContactRow } from './accounts.table.ts';

export interface ContactInput {
  firstName: string;
  lastName: string;
  address1?: string | undefined;
  address2?: string | undefined;
  city?: string | undefined;
  state?: string | undefined;
  zipCode?: string | undefined;
  country?: string | undefined;
  county?: string | undefined;
  workEmail?: string | undefined;
  workPhone?: string | undefined;
}

export interface CreateAccountInput {
  name: string;
  currency: string;
  accountNumber?: string | undefined;
  batch?: string | undefined;
  /** 1–31; undefined or 0 = set from the first subscription (C4). */
  billCycleDay?: number | undefined;
  paymentTerm?: string | undefined;
  invoiceTemplateId?: string | undefined;
  notes?: string | undefined;
  billToContact: ContactInput;
  /** Defaults to the bill-to contact (C7 #25). */
  soldToContact?: ContactInput | undefined;
}

export interface Contact extends ContactInput {
  id: string;
}
export interface Account {
  id: string;
  accountNumber: string;
  name: string;
  currency: string;
  status: string;
  batch: string;
  billCycleDay: number | null;
  paymentTerm: string;
  invoiceTemplateId: string | null;
  notes: string | null;
  billToContactId: string | null;
  soldToContactId: string | null;
  createdAt: string;
  updatedAt: string;
}

export const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  accountNumber: r.account_number,
  name: r.name,
  currency: r.currency,
  status: r.status,
  batch: r.batch,
  billCycleDay: r.bill_cycle_day,
  paymentTerm: r.payment_term,
  invoiceTemplateId: r.invoice_template_id,
  notes: r.notes,
  billToContactId: r.bill_to_contact_id,
  soldToContactId: r.sold_to_contact_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toContact = (r: ContactRow): Contact => ({
  id: r.id,
  firstName: r.first_name,
  lastName: r.last_name,
  ...(r.address1 === null ? {} : { address1: r.address1 }),
  ...(r.address2 === null ? {} : { address2: r.address2 }),
  ...(r.city === null ? {} : { city: r.city }),
  ...(r.state === null ? {} : { state: r.state }),
  ...(r.zip_code === null ? {} : { zipCode: r.zip_code }),
  ...(r.country === null ? {} : { country: r.country }),
  ...(r.county === null ? {} : { county: r.county }),
  ...(r.work_email === null ? {} : { workEmail: r.work_email }),
  ...(r.work_phone === null ? {} : { workPhone: r.work_phone }),
});

/** Payment terms Folio knows how to date (C3.4.5: `Due Upon Receipt` = 0 days, `Net N`). */
export const PAYMENT_TERM_RE = /^(Due Upon Receipt|Net \d{1,3})$/;

const contactRow = (
  id: string,
  scope: Scope,
  accountId: string,
  c: ContactInput,
  now: string,
): NewContactRow => ({
  id,
  tenant_id: scope.tenantId,
  entity_id: scope.entityId,
  account_id: accountId,
  first_name: c.firstName,
  last_name: c.lastName,
  address1: c.address1 ?? null,
  address2: c.address2 ?? null,
  city: c.city ?? null,
  state: c.state ?? null,
  zip_code: c.zipCode ?? null,
  country: c.country ?? null,
  county: c.county ?? null,
  work_email: c.workEmail ?? null,
  work_phone: c.workPhone ?? null,
  created_at: now,
});

/**
 * Creates accounts with their contacts in the caller's transaction. Numbers default to `A` + 8
 * digits from the entity's sequence; a number already taken (chosen by a client) is skipped.
 */
export const createAccounts = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  inputs: readonly CreateAccountInput[],
): Promise<Account[]> => {
  const now = toIso(deps.clock.now(scope.tenantId));
  const accounts = [];
  const contacts: NewContactRow[] = [];
  const wanted = inputs.filter((i) => i.accountNumber === undefined).length;
  let next = wanted === 0 ? 0 : await takeNumbers(tx, scope, 'A', wanted);
  for (const input of inputs) {
    if (!/^[A-Z]{3}$/.test(input.currency))
      throw invalid(`Invalid currency ${input.currency}.`, 'currency');
    if (input.paymentTerm !== undefined && !PAYMENT_TERM_RE.test(input.paymentTerm))
      throw invalid(`Unknown paymentTerm ${input.paymentTerm}.`, 'paymentTerm');
    let number = input.accountNumber;
    if (number !== undefined) {
      if (await store.numberExists(tx, scope, number))
        throw invalid(`The account number ${number} is already in use.`, 'accountNumber');
    } else {
      number = formatNumber('A', next++);
      while (inputs.length === 1 && (await store.numberExists(tx, scope, number)))
        number = formatNumber('A', await takeNumbers(tx, scope, 'A'));
    }
    const id = deps.ids.id();
    const billTo = deps.ids.id();
    const soldTo = input.soldToContact === undefined ? billTo : deps.ids.id();
    contacts.push(contactRow(billTo, scope, id, input.billToContact, now));
    if (input.soldToContact !== undefined)
      contacts.push(contactRow(soldTo, scope, id, input.soldToContact, now));
    accounts.push({
      id,
      tenant_id: scope.tenantId,
      entity_id: scope.entityId,
      account_number: number,
      name: input.name,
      currency: input.currency,
      status: 'Active',
      batch: input.batch ?? 'Batch1',
      bill_cycle_day:
        input.billCycleDay === undefined || input.billCycleDay === 0 ? null : input.billCycleDay,
      payment_term: input.paymentTerm ?? 'Due Upon Receipt',
      invoice_template_id: input.invoiceTemplateId ?? null,
      notes: input.notes ?? null,
      bill_to_contact_id: billTo,
      sold_to_contact_id: soldTo,
      created_at: now,
      updated_at: now,
    });
  }
  await store.insertAccounts(tx, accounts);
  await store.insertContacts(tx, contacts);
  return accounts.map(toAccount);
};

export const findAccount = async (
  deps: Deps,
  scope: Scope,
  key: string,
  db: Db = deps.db.read,
): Promise<Account | undefined> => {
  const r = await store.findAccountByKey(db, scope, key);
  return r === undefined ? undefined : toAccount(r);
};

export const getAccount = async (
  deps: Deps,
  scope: Scope,
  key: string,
  db: Db = deps.db.read,
): Promise<Account> => {
  const a = await findAccount(deps, scope, key, db);
  if (a === undefined) throw notFound('Account', key);
  return a;
};

export const listContacts = async (
  deps: Deps,
  scope: Scope,
  accountId: string,
): Promise<Contact[]> => (await store.listContacts(deps.db.read, scope, accountId)).map(toContact);

/** The contacts of several accounts, by account id. */
export const listContactsOfAccounts = async (
  deps: Deps,
  scope: Scope,
  accountIds: readonly string[],
): Promise<Map<string, Contact[]>> => {
  const out = new Map<string, Contact[]>();
  for (const r of await store.listContactsOfAccounts(deps.db.read, scope, accountIds)) {
    const list = out.get(r.account_id) ?? [];
    list.push(toContact(r));
    out.set(r.account_id, list);
  }
  return out;
};

/** Sets the BCD of an account that has none yet (C4: from the first subscription). */
export const setBillCycleDayIfUnset = async (
  deps: Deps,
  tx: Db,
  scope: Scope,
  accountId: string,
  day: number,
): Promise<void> =>
  store.setBillCycleDay(tx, scope, accountId, day, toIso(deps.clock.now(scope.tenantId)));

/** What a bill run selects (C3.4.1), in account terms. */
export interface BillingSelection {
  /** Only this account (single-account runs). */
  accountId?: string;
  /** `null`: every batch. */
  batches: readonly string[] | null;
  /** `any`, or the bill cycle days that match; an account without a day matches only `any`. */
  days: 'any' | readonly number[];
}

/** Ids of the `Active` accounts a bill run bills (C3.4.1), ordered by id. */
export const selectAccountIdsForBilling = async (
  deps: Deps,
  scope: Scope,
  selection: BillingSelection,
  db: Db = deps.db.read,
): Promise<string[]> => store.selectAccountIdsForBilling(db, scope, selection);

/** The accounts with these ids in the scope, ordered by id (unknown ids are left out). */
export const findAccountsByIds = async (
  deps: Deps,
  scope: Scope,
  ids: readonly string[],
  db: Db = deps.db.read,
): Promise<Account[]> => (await store.findAccountsByIds(db, scope, ids)).map(toAccount);

/** Rows per page of the console's account search. */
export const SEARCH_PAGE_SIZE = 50;

/**
 * Accounts of a tenant matching `search` (number, id or name), for the admin console
 * (`GET /folio/v1/tenants/{tenantId}/accounts`); `more` says whether a next page exists.
 */
export const searchAccounts = async (
  deps: Deps,
  q: { tenantId: string; entityId?: string | undefined; search?: string | undefined },
  page: number,
): Promise<{ accounts: Account[]; more: boolean }> => {
  const rows = await store.searchAccounts(
    deps.db.read,
    q,
    SEARCH_PAGE_SIZE + 1,
    (page - 1) * SEARCH_PAGE_SIZE,
  );
  return {
    accounts: rows.slice(0, SEARCH_PAGE_SIZE).map(toAccount),
    more: rows.length > SEARCH_PAGE_SIZE,
  };
};
