import { tenant } from '../api.js';
import { badge, field, h, link, onSubmit, table, set } from '../ui.js';

const ACTIVE = ['Pending', 'Processing', 'PostInProgress', 'CancelInProgress', 'RemoveInProgress'];

export const isActive = (status) => ACTIVE.includes(status);

const rowsOf = async () => {
  const res = await tenant('/object-query/billing-runs?pageSize=99&sort[]=billingRunNumber.DESC');
  return res.data;
};

const today = () => new Date().toISOString().slice(0, 10);

export default {
  title: 'Bill runs',
  section: 'bill-runs',
  match: /^\/bill-runs$/,
  nav: '/bill-runs',
  audience: 'tenant',
  render: async (ctx) => {
    const list = h('div', { 'aria-live': 'polite' });
    const draw = (runs) =>
      set(
        list,
        table(
          'Bill runs',
          [
            {
              title: 'Number',
              cell: (r) => link(`#/bill-runs/${encodeURIComponent(r.id)}`, r.billingRunNumber),
            },
            { title: 'Status', cell: (r) => badge(r.status) },
            { title: 'Target date', cell: (r) => r.targetDate },
            { title: 'Invoice date', cell: (r) => r.invoiceDate },
            { title: 'Accounts', cell: (r) => r.numberOfAccounts ?? 0, num: true },
            { title: 'Invoices', cell: (r) => r.numberOfInvoices ?? 0, num: true },
            { title: 'Credit memos', cell: (r) => r.numberOfCreditMemos ?? 0, num: true },
            { title: 'Created', cell: (r) => r.createdDate?.slice(0, 19).replace('T', ' ') },
          ],
          runs,
          'No bill run yet.',
        ),
      );
    const runs = await rowsOf();
    draw(runs);
    // Counters move while a run processes: refresh every second while any run is active.
    if (runs.some((r) => isActive(r.status)))
      ctx.poll(async () => {
        const next = await rowsOf();
        draw(next);
        return next.some((r) => isActive(r.status));
      });
    const create = ctx.admin
      ? h(
          'form',
          {
            class: 'inline card',
            'aria-label': 'Create a bill run',
            onsubmit: onSubmit(async (data) => {
              const batches = String(data.get('batches'))
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean);
              const run = await tenant('/v1/bill-runs', {
                method: 'POST',
                body: {
                  targetDate: String(data.get('targetDate')),
                  batches: batches.length ? batches : ['AllBatches'],
                  autoPost: data.get('autoPost') === 'on',
                },
              });
              location.hash = `#/bill-runs/${encodeURIComponent(run.id)}`;
            }),
          },
          field('Target date', {
            name: 'targetDate',
            type: 'date',
            required: true,
            value: today(),
          }),
          field('Batches', { name: 'batches', value: 'AllBatches', size: 14 }),
          h(
            'label',
            { class: 'check' },
            h('input', { type: 'checkbox', name: 'autoPost' }),
            'Post automatically',
          ),
          h('button', { type: 'submit' }, 'Create bill run'),
        )
      : null;
    return h('div', {}, h('h1', {}, 'Bill runs'), create, list);
  },
};
