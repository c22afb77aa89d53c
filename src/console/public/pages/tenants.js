import { admin, forgetToken, saveSession, session } from '../api.js';
import { field, h, onSubmit, table, confirmAction, set } from '../ui.js';

const enc = encodeURIComponent;

const tenantDetail = async (t, ctx) => {
  const [{ entities }, { clients }] = await Promise.all([
    admin(`/folio/v1/tenants/${enc(t.id)}/entities`),
    admin(`/folio/v1/tenants/${enc(t.id)}/oauth-clients`),
  ]);
  const secretBox = h('div', { 'aria-live': 'polite' });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `t-${t.id}` },
    h('h2', { id: `t-${t.id}` }, `${t.name} · tenant ${t.number}`),
    h('p', { class: 'note' }, `id ${t.id}`),
    h(
      'button',
      {
        type: 'button',
        class: 'danger',
        onclick: async () => {
          if (!(await confirmAction(`Delete tenant ${t.name} and all its data?`, 'Delete tenant')))
            return;
          await admin(`/folio/v1/tenants/${enc(t.id)}`, { method: 'DELETE' });
          if (session().tenantId === t.id)
            saveSession({ ...session(), tenantId: null, entityId: null });
          forgetToken();
          ctx.refresh();
        },
      },
      `Delete tenant ${t.name}`,
    ),
    h('h3', {}, 'Entities'),
    table(
      'Entities',
      [
        { title: 'Name', cell: (e) => e.name },
        { title: 'Id', cell: (e) => e.id },
        {
          title: '',
          cell: (e) =>
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: () => {
                  saveSession({ ...session(), tenantId: t.id, entityId: e.id });
                  forgetToken();
                  location.hash = '#/accounts';
                },
              },
              `Open ${e.name}`,
            ),
        },
      ],
      entities,
    ),
    h(
      'form',
      {
        class: 'inline',
        onsubmit: onSubmit(async (data) => {
          await admin(`/folio/v1/tenants/${enc(t.id)}/entities`, {
            method: 'POST',
            body: { name: String(data.get('name')) },
          });
          ctx.refresh();
        }),
      },
      field('New entity name', { name: 'name', required: true, maxlength: 100 }),
      h('button', { type: 'submit' }, 'Add entity'),
    ),
    h('h3', {}, 'OAuth clients'),
    table(
      'OAuth clients',
      [
        { title: 'Name', cell: (c) => c.name },
        { title: 'Client id', cell: (c) => c.clientId },
        { title: 'Created', cell: (c) => c.createdAt },
        { title: 'Revoked', cell: (c) => c.revokedAt ?? '' },
        {
          title: '',
          cell: (c) =>
            c.revokedAt
              ? ''
              : h(
                  'button',
                  {
                    type: 'button',
                    class: 'danger',
                    onclick: async () => {
                      if (
                        !(await confirmAction(
                          `Revoke client ${c.clientId}? Its tokens stop working at once.`,
                          'Revoke',
                        ))
                      )
                        return;
                      await admin(
                        `/folio/v1/tenants/${enc(t.id)}/oauth-clients/${enc(c.clientId)}`,
                        { method: 'DELETE' },
                      );
                      ctx.refresh();
                    },
                  },
                  'Revoke',
                ),
        },
      ],
      clients,
    ),
    h(
      'form',
      {
        class: 'inline',
        onsubmit: onSubmit(async (data) => {
          const c = await admin(`/folio/v1/tenants/${enc(t.id)}/oauth-clients`, {
            method: 'POST',
            body: { name: String(data.get('name')) },
          });
          set(
            secretBox,
            h('p', {}, 'Client created. The secret is shown once:'),
            h(
              'p',
              { class: 'secret' },
              `client_id ${c.clientId}`,
              h('br'),
              `client_secret ${c.clientSecret}`,
            ),
          );
        }),
      },
      field('New client name', { name: 'name', required: true, maxlength: 100 }),
      h('button', { type: 'submit' }, 'Create client'),
    ),
    secretBox,
  );
};

export default {
  title: 'Tenants',
  match: /^\/tenants$/,
  nav: '/tenants',
  audience: 'admin',
  render: async (ctx) => {
    const { tenants } = await admin('/folio/v1/tenants');
    const details = await Promise.all(tenants.map((t) => tenantDetail(t, ctx)));
    return h(
      'div',
      {},
      h('h1', {}, 'Tenants'),
      h(
        'form',
        {
          class: 'inline card',
          onsubmit: onSubmit(async (data) => {
            await admin('/folio/v1/tenants', {
              method: 'POST',
              body: { name: String(data.get('name')) },
            });
            ctx.refresh();
          }),
        },
        field('New tenant name', { name: 'name', required: true, maxlength: 100 }),
        h('button', { type: 'submit' }, 'Create tenant'),
      ),
      details,
    );
  },
};
