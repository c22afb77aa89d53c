import { admin, currentTenantId, tenant } from '../api.js';
import { badge, field, h, link, money, props, table } from '../ui.js';

const enc = encodeURIComponent;

export const docLink = (d) =>
  link(
    `#/documents/${d.documentType ?? 'Invoice'}/${enc(d.id)}`,
    d.documentNumber ?? d.number ?? d.id,
  );

export default {
  title: 'Account',
  section: 'accounts',
  match: /^\/accounts\/([^/]+)$/,
  nav: null,
  audience: 'tenant',
  render: async (ctx) => {
    const [key] = ctx.params;
    const a = await tenant(`/v1/accounts/${enc(key)}`);
    const info = a.basicInfo;
    const docs = await tenant(
      `/v1/billing-documents?accountId=${enc(info.id)}&pageSize=40&sort=-documentDate`,
    );
    let subs;
    if (ctx.admin) {
      const res = await admin(
        `/folio/v1/tenants/${enc(currentTenantId())}/accounts/${enc(info.id)}/subscriptions`,
      );
      subs = table(
        'Subscriptions',
        [
          {
            title: 'Number',
            cell: (s) => link(`#/subscriptions/${enc(s.subscriptionNumber)}`, s.subscriptionNumber),
          },
          { title: 'Status', cell: (s) => badge(s.status) },
          { title: 'Term', cell: (s) => s.termType },
          { title: 'Start', cell: (s) => s.termStartDate },
          { title: 'End', cell: (s) => s.termEndDate ?? '' },
        ],
        res.subscriptions,
        'No subscription.',
      );
    } else {
      subs = h(
        'form',
        {
          class: 'inline',
          onsubmit: (e) => {
            e.preventDefault();
            location.hash = `#/subscriptions/${enc(String(new FormData(e.currentTarget).get('key')).trim())}`;
          },
        },
        field('Subscription number or id', { name: 'key', required: true }),
        h('button', { type: 'submit' }, 'Open'),
      );
    }
    const contact = a.billToContact;
    return h(
      'div',
      {},
      h('h1', {}, `Account ${info.accountNumber}`),
      h(
        'div',
        { class: 'grid2' },
        h(
          'section',
          { class: 'card' },
          props([
            ['Name', info.name],
            ['Status', badge(info.status)],
            ['Id', info.id],
            ['Batch', info.batch],
            ['Currency', a.billingAndPayment.currency],
            ['Bill cycle day', a.billingAndPayment.billCycleDay],
            ['Payment term', a.billingAndPayment.paymentTerm],
            ['Balance', money(a.metrics.balance, a.billingAndPayment.currency)],
          ]),
        ),
        h(
          'section',
          { class: 'card' },
          h('h2', {}, 'Bill to'),
          contact
            ? props([
                ['Name', `${contact.firstName} ${contact.lastName}`],
                ['Email', contact.workEmail],
                ['City', contact.city],
                ['Country', contact.country],
              ])
            : h('p', { class: 'note' }, 'None'),
        ),
      ),
      h('h2', {}, 'Subscriptions'),
      subs,
      h('h2', {}, 'Billing documents'),
      table(
        'Billing documents',
        [
          { title: 'Number', cell: docLink },
          { title: 'Type', cell: (d) => d.documentType },
          { title: 'Date', cell: (d) => d.documentDate },
          { title: 'Status', cell: (d) => badge(d.status) },
          { title: 'Amount', cell: (d) => money(d.amount, d.currency), num: true },
          { title: 'Balance', cell: (d) => money(d.balance, d.currency), num: true },
        ],
        docs.documents,
        'No billing document.',
      ),
    );
  },
};
