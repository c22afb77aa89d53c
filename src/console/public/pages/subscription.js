import { tenant } from '../api.js';
import { badge, h, link, money, props, table } from '../ui.js';

export default {
  title: 'Subscription',
  section: 'accounts',
  match: /^\/subscriptions\/([^/]+)$/,
  nav: null,
  audience: 'tenant',
  render: async (ctx) => {
    const s = await tenant(`/v1/subscriptions/${encodeURIComponent(ctx.params[0])}`);
    const charges = (s.ratePlans ?? []).flatMap((rp) =>
      (rp.ratePlanCharges ?? []).map((c) => ({
        ...c,
        ratePlanName: rp.ratePlanName ?? rp.productRatePlanId,
      })),
    );
    return h(
      'div',
      {},
      h('h1', {}, `Subscription ${s.subscriptionNumber}`),
      h(
        'section',
        { class: 'card' },
        props([
          ['Status', badge(s.status)],
          [
            'Account',
            link(
              `#/accounts/${encodeURIComponent(s.accountId ?? s.accountNumber)}`,
              s.accountNumber ?? s.accountId,
            ),
          ],
          ['Term type', s.termType],
          ['Contract effective', s.contractEffectiveDate],
          ['Term start', s.termStartDate],
          ['Term end', s.termEndDate],
          ['Auto renew', String(s.autoRenew)],
        ]),
      ),
      h('h2', {}, 'Charges'),
      table(
        'Charges',
        [
          { title: 'Rate plan', cell: (c) => c.ratePlanName },
          { title: 'Charge', cell: (c) => c.name },
          { title: 'Type', cell: (c) => c.type },
          { title: 'Period', cell: (c) => c.billingPeriod },
          { title: 'Price', cell: (c) => money(c.price, s.currency), num: true },
          { title: 'Quantity', cell: (c) => c.quantity, num: true },
          { title: 'Charged through', cell: (c) => c.chargedThroughDate },
        ],
        charges,
        'No charge.',
      ),
    );
  },
};
