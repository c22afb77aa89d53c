// Shared by the emulator-control pages (issue 12's admin API, issue 13's pages): they act on the
// tenant picked in the header, through the admin token only.
import { admin, currentTenantId } from './api.js';
import { h } from './ui.js';

/** `/folio/v1/tenants/{picked tenant}{suffix}`; throws a readable error without a tenant. */
export const tenantPath = (suffix) => {
  const id = currentTenantId();
  if (!id) throw new Error('Choose a tenant in the header first.');
  return `/folio/v1/tenants/${encodeURIComponent(id)}${suffix}`;
};

/** Admin call on the picked tenant's emulator API. */
export const emu = (suffix, options) => admin(tenantPath(suffix), options);

/** A labelled <select> from `[value, text]` pairs. */
export const choice = (label, name, options, selected) =>
  h(
    'label',
    {},
    label,
    h(
      'select',
      { name },
      options.map(([value, text]) => h('option', { value, selected: value === selected }, text)),
    ),
  );

/** "2027-01-01 00:00:00Z" from an ISO instant, for tables and lists. */
export const when = (iso) => (iso ? `${iso.slice(0, 19).replace('T', ' ')}Z` : '—');

/** A polite status line a page fills after an action ("Clock frozen at …"). */
export const statusLine = (id) => h('p', { id, class: 'note', role: 'status' });
