import { admin, saveSession, signInTenant } from '../api.js';
import { field, h, onSubmit } from '../ui.js';

export default {
  title: 'Sign in',
  match: /^\/signin$/,
  nav: null,
  audience: 'public',
  render: async () =>
    h(
      'div',
      {},
      h('h1', {}, 'Sign in'),
      h(
        'div',
        { class: 'grid2' },
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'admin-h' },
          h('h2', { id: 'admin-h' }, 'Administrator'),
          h(
            'p',
            { class: 'note' },
            'The admin token (FOLIO_ADMIN_TOKEN; demo-admin in demo mode): tenants, entities, clients and every action.',
          ),
          h(
            'form',
            {
              class: 'inline',
              onsubmit: onSubmit(async (data) => {
                saveSession({ kind: 'admin', adminToken: String(data.get('token')) });
                try {
                  const { tenants } = await admin('/folio/v1/tenants');
                  const first = tenants[0];
                  if (first) {
                    const { entities } = await admin(`/folio/v1/tenants/${first.id}/entities`);
                    saveSession({
                      kind: 'admin',
                      adminToken: String(data.get('token')),
                      tenantId: first.id,
                      entityId: entities[0]?.id ?? null,
                    });
                  }
                } catch (e) {
                  saveSession(null);
                  throw e;
                }
                location.hash = '#/tenants';
              }),
            },
            field('Admin token', {
              name: 'token',
              type: 'password',
              required: true,
              autocomplete: 'current-password',
            }),
            h('button', { type: 'submit' }, 'Sign in as admin'),
          ),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'tenant-h' },
          h('h2', { id: 'tenant-h' }, 'Tenant (read-only)'),
          h('p', { class: 'note' }, "A tenant's OAuth client: read-only views of that tenant."),
          h(
            'form',
            {
              class: 'inline',
              onsubmit: onSubmit(async (data) => {
                await signInTenant(String(data.get('clientId')), String(data.get('clientSecret')));
                location.hash = '#/bill-runs';
              }),
            },
            field('Client id', { name: 'clientId', required: true, autocomplete: 'username' }),
            field('Client secret', {
              name: 'clientSecret',
              type: 'password',
              required: true,
              autocomplete: 'current-password',
            }),
            h('button', { type: 'submit' }, 'Sign in as tenant'),
          ),
        ),
      ),
    ),
};
