import { admin, currentTenantId, tenant } from '../api.js';
import { badge, confirmAction, errorBox, h, link, money, props, table, set } from '../ui.js';
import { isActive } from './bill-runs.js';

const enc = encodeURIComponent;

const summary = (r) =>
  props([
    ['Status', badge(r.status)],
    ['Target date', r.targetDate],
    ['Invoice date', r.invoiceDate],
    ['Batches', (r.batches ?? []).join(', ')],
    ['Bill cycle day', r.billCycleDay],
    ['Accounts', String(r.numberOfAccounts ?? 0)],
    ['Invoices', String(r.numberOfInvoices ?? 0)],
    ['Credit memos', String(r.numberOfCreditMemos ?? 0)],
    ['Auto post', String(r.autoPost)],
    ['Started', r.startDate ?? ''],
    ['Ended', r.endDate ?? ''],
  ]);

export default {
  title: 'Bill run',
  section: 'bill-runs',
  match: /^\/bill-runs\/([^/]+)$/,
  nav: null,
  audience: 'tenant',
  render: async (ctx) => {
    const [id] = ctx.params;
    const load = () => tenant(`/object-query/billing-runs/${enc(id)}`);
    let run = await load();
    const head = h(
      'section',
      { class: 'card', 'aria-live': 'polite', id: 'run-summary' },
      summary(run),
    );
    const message = h('div', { role: 'status' });

    const act = async (label, text, call) => {
      if (!(await confirmAction(text, label))) return;
      set(message);
      try {
        await call();
        ctx.refresh();
      } catch (e) {
        set(message, errorBox(e));
      }
    };
    const actions = ctx.admin
      ? h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              onclick: () =>
                act(
                  'Post',
                  `Post bill run ${run.billingRunNumber}? Its draft invoices become Posted.`,
                  () =>
                    tenant(`/v1/bill-runs/${enc(id)}/post`, {
                      method: 'PUT',
                      body: { invoiceDate: run.invoiceDate },
                    }),
                ),
            },
            'Post',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: () =>
                act(
                  'Cancel run',
                  `Cancel bill run ${run.billingRunNumber}? Its drafts are canceled.`,
                  () => tenant(`/v1/bill-runs/${enc(id)}/cancel`, { method: 'PUT', body: {} }),
                ),
            },
            'Cancel',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: () =>
                act(
                  'Delete',
                  `Delete bill run ${run.billingRunNumber} and its documents?`,
                  async () => {
                    await tenant(`/v1/bill-runs/${enc(id)}`, { method: 'DELETE' });
                    location.hash = '#/bill-runs';
                  },
                ),
            },
            'Delete',
          ),
        )
      : null;

    const docs = h('div', {});
    const errors = h('div', {});
    const loadDetails = async () => {
      if (!ctx.admin) {
        set(
          docs,
          h(
            'p',
            { class: 'note' },
            'The documents of a run are listed for administrators; open an account to see its invoices.',
          ),
        );
        return;
      }
      const [d, e] = await Promise.all([
        admin(`/folio/v1/tenants/${enc(currentTenantId())}/bill-runs/${enc(run.id)}/documents`),
        admin(`/folio/v1/bill-runs/${enc(run.id)}/errors`),
      ]);
      set(
        docs,
        table(
          'Documents of the bill run',
          [
            {
              title: 'Number',
              cell: (x) => link(`#/documents/${x.documentType}/${enc(x.id)}`, x.number),
            },
            { title: 'Type', cell: (x) => x.documentType },
            {
              title: 'Account',
              cell: (x) => link(`#/accounts/${enc(x.accountId)}`, x.accountNumber || x.accountId),
            },
            { title: 'Date', cell: (x) => x.documentDate },
            { title: 'Status', cell: (x) => badge(x.status) },
            { title: 'Amount', cell: (x) => money(x.amount, x.currency), num: true },
          ],
          d.documents,
          'No document.',
        ),
        d.documents.some((x) => x.documentType === 'Invoice')
          ? h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: async () => {
                  const ids = d.documents
                    .filter((x) => x.documentType === 'Invoice')
                    .map((x) => x.id);
                  const res = await tenant('/v1/operations/bulk-pdf', {
                    method: 'POST',
                    body: {
                      documents: [{ docType: 'Invoice', objectIds: ids }],
                      fileName: run.billingRunNumber,
                      name: `${run.billingRunNumber} invoices`.slice(0, 32),
                      indexFileFormat: 'JSON',
                      generateMissingPDF: true,
                    },
                  });
                  sessionStorage.setItem(
                    `folio.console.invalid.${res.jobId}`,
                    JSON.stringify(res.invalidIds ?? []),
                  );
                  location.hash = `#/bulk-pdf/${enc(res.jobId)}`;
                },
              },
              'Export these invoices as PDF ZIPs',
            )
          : null,
      );
      set(
        errors,
        e.errorMessage ? errorBox(e.errorMessage) : null,
        table(
          'Accounts the run could not bill',
          [
            { title: 'Account', cell: (x) => link(`#/accounts/${enc(x.accountId)}`, x.accountId) },
            { title: 'Reason', cell: (x) => x.message },
          ],
          e.errors,
          'No account failed.',
        ),
      );
    };
    await loadDetails();
    if (isActive(run.status))
      ctx.poll(async () => {
        run = await load();
        set(head, summary(run));
        if (isActive(run.status)) return true;
        ctx.refresh();
        return false;
      });
    return h(
      'div',
      {},
      h('h1', {}, `Bill run ${run.billingRunNumber}`),
      head,
      actions,
      message,
      h('h2', {}, 'Documents'),
      docs,
      ctx.admin ? h('h2', {}, 'Per-account errors') : null,
      errors,
    );
  },
};
