// Fault rules of the picked tenant (issue 12 part 3: GET/POST/DELETE …/faults, DELETE …/faults/{id}).
import { emu, choice, when } from '../emu.js';
import { confirmAction, field, h, onSubmit, table } from '../ui.js';

// The statuses POST …/faults accepts (FAULT_STATUSES in src/platform/http/faults.ts).
const STATUSES = ['400', '401', '403', '404', '409', '429', '500', '502', '503', '504'];
const METHODS = ['*', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

export default {
  title: 'Faults',
  match: /^\/emulator\/faults$/,
  nav: '/emulator/faults',
  audience: 'admin',
  render: async (ctx) => {
    const { faults } = await emu('/faults');
    const remove = async (f) => {
      await emu(`/faults/${encodeURIComponent(f.id)}`, { method: 'DELETE' });
      ctx.refresh();
    };
    return h(
      'div',
      {},
      h('h1', {}, 'Faults'),
      h(
        'p',
        { class: 'note' },
        "Rules that answer the picked tenant's Zuora calls with an error, a delay or a dropped connection.",
      ),
      h(
        'form',
        {
          class: 'inline card',
          'aria-label': 'Add a fault rule',
          onsubmit: onSubmit(async (data) => {
            const body = {
              method: String(data.get('method')),
              path: String(data.get('path')).trim(),
            };
            const kind = String(data.get('status'));
            if (kind === 'drop') body.drop = true;
            else if (kind !== 'none') body.status = Number(kind);
            const message = String(data.get('message')).trim();
            if (message && body.status) body.message = message;
            const latency = String(data.get('latencyMs')).trim();
            if (latency) body.latencyMs = Number(latency);
            const times = String(data.get('times')).trim();
            if (times) body.times = Number(times);
            const probability = String(data.get('probability')).trim();
            if (probability) body.probability = Number(probability);
            await emu('/faults', { method: 'POST', body });
            ctx.refresh();
          }),
        },
        choice(
          'Method',
          'method',
          METHODS.map((m) => [m, m === '*' ? 'Any' : m]),
          '*',
        ),
        field('Path pattern', {
          name: 'path',
          required: true,
          maxlength: 500,
          placeholder: '/v1/bill-runs/{billRunId}',
          size: 26,
        }),
        choice(
          'Answer',
          'status',
          [
            ...STATUSES.map((s) => [s, `HTTP ${s}`]),
            ['drop', 'Drop the connection'],
            ['none', 'Delay only'],
          ],
          '503',
        ),
        field('Message', { name: 'message', maxlength: 500, size: 18 }),
        field('Delay (ms)', { name: 'latencyMs', type: 'number', min: 0, max: 60000, size: 7 }),
        field('Times', { name: 'times', type: 'number', min: 1, max: 1000000, size: 6 }),
        field('Probability', {
          name: 'probability',
          type: 'number',
          min: 0,
          max: 1,
          step: 'any',
          size: 5,
        }),
        h('button', { type: 'submit' }, 'Add fault'),
      ),
      table(
        'Fault rules',
        [
          { title: 'Method', cell: (f) => f.method },
          { title: 'Path', cell: (f) => f.path },
          {
            title: 'Answer',
            cell: (f) => (f.drop ? 'drop' : f.status === null ? 'delay' : String(f.status)),
          },
          { title: 'Delay ms', cell: (f) => String(f.latencyMs), num: true },
          {
            title: 'Left',
            cell: (f) => (f.remaining === null ? '∞' : String(f.remaining)),
            num: true,
          },
          { title: 'Probability', cell: (f) => String(f.probability), num: true },
          { title: 'Fired', cell: (f) => String(f.fired), num: true },
          { title: 'Created', cell: (f) => when(f.createdAt) },
          {
            title: '',
            cell: (f) =>
              h(
                'button',
                { type: 'button', class: 'danger', onclick: () => void remove(f) },
                `Delete ${f.method} ${f.path}`,
              ),
          },
        ],
        faults,
        'No fault rule.',
      ),
      faults.length
        ? h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: async () => {
                if (
                  !(await confirmAction(`Clear all ${faults.length} fault rules?`, 'Clear faults'))
                )
                  return;
                await emu('/faults', { method: 'DELETE' });
                ctx.refresh();
              },
            },
            'Clear all faults',
          )
        : null,
    );
  },
};
