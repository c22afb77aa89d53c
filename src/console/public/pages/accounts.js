import { admin, currentTenantId, session } from '../api.js';
import { field, h, link, table, badge } from '../ui.js';

export default {
  title: 'Accounts',
  section: 'accounts',
  match: /^\/accounts$/,
  nav: '/accounts',
  audience: 'tenant',
  render: async (ctx) => {
    const search = ctx.query.get('search') ?? '';
    const form = h(
      'form',
      {
        class: 'inline card',
        role: 'search',
        onsubmit: (e) => {
          e.preventDefault();
          const q = String(new FormData(e.currentTarget).get('search')).trim();
          location.hash = ctx.admin
            ? `#/accounts?search=${encodeURIComponent(q)}`
            : `#/accounts/${encodeURIComponent(q)}`;
        },
      },
      field(ctx.admin ? 'Account number, id or name' : 'Account number or id', {
        name: 'search',
        type: 'search',
        value: search,
        required: !ctx.admin,
      }),
      h('button', { type: 'submit' }, ctx.admin ? 'Search' : 'Open'),
    );
    if (!ctx.admin)
      return h(
        'div',
        {},
        h('h1', {}, 'Accounts'),
        form,
        h(
          'p',
          { class: 'note' },
          'Open an account by its number or id (the v1 API has no account list).',
        ),
      );
    const tenantId = currentTenantId();
    const page = Number(ctx.query.get('page') ?? '1');
    const qs = new URLSearchParams({
      page: String(page),
      ...(search ? { search } : {}),
      ...(session().entityId ? { entityId: session().entityId } : {}),
    });
    const res = await admin(`/folio/v1/tenants/${encodeURIComponent(tenantId)}/accounts?${qs}`);
    return h(
      'div',
      {},
      h('h1', {}, 'Accounts'),
      form,
      table(
        'Accounts',
        [
          {
            title: 'Number',
            cell: (a) => link(`#/accounts/${encodeURIComponent(a.id)}`, a.accountNumber),
          },
          { title: 'Name', cell: (a) => a.name },
          { title: 'Status', cell: (a) => badge(a.status) },
          { title: 'Currency', cell: (a) => a.currency },
          { title: 'Batch', cell: (a) => a.batch },
          { title: 'Bill cycle day', cell: (a) => a.billCycleDay, num: true },
        ],
        res.accounts,
        'No account matches.',
      ),
      h(
        'div',
        { class: 'actions' },
        page > 1
          ? link(
              `#/accounts?${new URLSearchParams({ search, page: String(page - 1) })}`,
              'Previous page',
            )
          : null,
        res.nextPage
          ? link(
              `#/accounts?${new URLSearchParams({ search, page: String(res.nextPage) })}`,
              'Next page',
            )
          : null,
      ),
    );
  },
};
