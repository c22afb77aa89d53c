// Request log of the picked tenant (issue 12 part 7: GET/DELETE …/requests), refreshed every 2 s.
import { emu, when } from '../emu.js';
import { h, set, table } from '../ui.js';

const rowsTable = (log) =>
  table(
    'Requests',
    [
      { title: 'At', cell: (r) => when(r.at) },
      { title: 'Method', cell: (r) => r.method },
      { title: 'Path', cell: (r) => r.path },
      { title: 'Status', cell: (r) => (r.status === 0 ? 'dropped' : String(r.status)), num: true },
      { title: 'ms', cell: (r) => String(Math.round(r.durationMs)), num: true },
      {
        title: 'Fault',
        cell: (r) => (r.faultId ? h('span', { class: 'badge err' }, 'fault') : ''),
      },
      { title: 'Request id', cell: (r) => r.requestId },
    ],
    log.requests,
    log.size === 0 ? 'The request log is off (FOLIO_REQUEST_LOG_SIZE=0).' : 'No request yet.',
  );

export default {
  title: 'Request log',
  match: /^\/emulator\/requests$/,
  nav: '/emulator/requests',
  audience: 'admin',
  render: async (ctx) => {
    const list = h('div', { id: 'request-log' });
    const load = async () => set(list, rowsTable(await emu('/requests?limit=200')));
    await load();
    const auto = h('input', { type: 'checkbox', checked: true, id: 'auto-refresh' });
    ctx.poll(async () => {
      if (auto.checked) await load();
      return true;
    }, 2000);
    return h(
      'div',
      {},
      h('h1', {}, 'Request log'),
      h('p', { class: 'note' }, "The picked tenant's latest Zuora API calls, newest first."),
      h(
        'div',
        { class: 'actions' },
        h('label', { class: 'check' }, auto, 'Refresh every 2 s'),
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => void load() },
          'Refresh now',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            onclick: async () => {
              await emu('/requests', { method: 'DELETE' });
              await load();
            },
          },
          'Clear log',
        ),
      ),
      list,
    );
  },
};
