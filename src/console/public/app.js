// The console shell: hash router, navigation built from the page list, session bar.
import { pages } from './pages/index.js';
import { admin, forgetToken, isAdmin, saveSession, session } from './api.js';
import { errorBox, h, set } from './ui.js';

let current = null; // { controller } of the page on screen

const route = () => {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?', 2);
  return { path, query: new URLSearchParams(qs ?? '') };
};

const allowed = (page) => {
  const s = session();
  if (page.audience === 'public') return true;
  if (s === null) return false;
  if (page.audience === 'admin') return s.kind === 'admin';
  return true;
};

const renderNav = (active) => {
  const nav = document.getElementById('nav');
  const items = pages.filter((p) => p.nav && p.audience !== 'public' && allowed(p));
  set(
    nav,
    h(
      'ul',
      {},
      items.map((p) =>
        h(
          'li',
          {},
          h(
            'a',
            {
              href: `#${p.nav}`,
              'aria-current':
                p === active || (p.section === active?.section && p.section) ? 'page' : null,
            },
            p.title,
          ),
        ),
      ),
    ),
  );
};

const renderSession = async () => {
  const box = document.getElementById('session');
  const s = session();
  if (s === null) return set(box);
  const out = () => {
    saveSession(null);
    forgetToken();
    location.hash = '#/signin';
  };
  const signOut = h('button', { type: 'button', class: 'secondary', onclick: out }, 'Sign out');
  if (s.kind === 'tenant') {
    const pick =
      s.entities.length > 1
        ? h(
            'label',
            { class: 'check' },
            'Entity',
            h(
              'select',
              {
                onchange: (e) => {
                  saveSession({ ...s, entityId: e.target.value });
                  void show();
                },
              },
              s.entities.map((id) => h('option', { value: id, selected: id === s.entityId }, id)),
            ),
          )
        : null;
    return set(box, h('span', {}, `Tenant client ${s.clientId} (read-only)`), pick, signOut);
  }
  let tenants = [];
  try {
    tenants = (await admin('/folio/v1/tenants')).tenants;
  } catch {
    tenants = [];
  }
  const select = h(
    'select',
    {
      id: 'tenant-picker',
      onchange: async (e) => {
        const tenantId = e.target.value;
        const entities = (await admin(`/folio/v1/tenants/${tenantId}/entities`)).entities;
        saveSession({ ...session(), tenantId, entityId: entities[0]?.id ?? null });
        forgetToken();
        void show();
      },
    },
    h('option', { value: '' }, 'Choose a tenant…'),
    tenants.map((t) =>
      h('option', { value: t.id, selected: t.id === s.tenantId }, `${t.name} (${t.number})`),
    ),
  );
  set(box, h('span', {}, 'Admin'), h('label', { class: 'check' }, 'Tenant', select), signOut);
};

/** Renders the page the hash names; polling started by a page stops when the page changes. */
export const show = async () => {
  current?.controller.abort();
  const controller = new AbortController();
  current = { controller };
  const { path, query } = route();
  const main = document.getElementById('main');
  let page;
  let params = [];
  for (const p of pages) {
    const m = p.match.exec(path);
    if (m) {
      page = p;
      params = m.slice(1).map(decodeURIComponent);
      break;
    }
  }
  if (session() === null && page?.audience !== 'public') {
    location.hash = '#/signin';
    return;
  }
  if (page === undefined || !allowed(page)) {
    location.hash = session()?.kind === 'admin' ? '#/tenants' : '#/bill-runs';
    return;
  }
  renderNav(page);
  void renderSession();
  document.title = `${page.title} · Folio console`;
  set(main, h('p', { class: 'note' }, 'Loading…'));
  const ctx = {
    params,
    query,
    signal: controller.signal,
    admin: isAdmin(),
    refresh: () => show(),
    /** Calls `fn` every `ms` until it returns false or the page is left. */
    poll: (fn, ms = 1000) => {
      const tick = async () => {
        if (controller.signal.aborted) return;
        let again = false;
        try {
          again = await fn();
        } catch {
          again = true;
        }
        if (again && !controller.signal.aborted) setTimeout(() => void tick(), ms);
      };
      setTimeout(() => void tick(), ms);
    },
  };
  try {
    const node = await page.render(ctx);
    if (!controller.signal.aborted) set(main, node);
  } catch (e) {
    if (!controller.signal.aborted) set(main, h('h1', {}, page.title), errorBox(e));
  }
  if (!controller.signal.aborted && document.activeElement === document.body)
    main.focus({ preventScroll: true });
};

window.addEventListener('hashchange', () => void show());
void show();
