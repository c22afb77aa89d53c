// Deterministic ids of the picked tenant (issue 12: GET/PUT …/seed).
import { emu } from '../emu.js';
import { field, h, onSubmit, props, set } from '../ui.js';

export default {
  title: 'Seed',
  match: /^\/emulator\/seed$/,
  nav: '/emulator/seed',
  audience: 'admin',
  render: async () => {
    const view = h('div', { id: 'seed-view', 'aria-live': 'polite' });
    const draw = (s) =>
      set(
        view,
        props([
          ['Seed', s.seed ?? 'none (random ids)'],
          ['From', s.source === 'deployment' ? 'FOLIO_SEED (deployment)' : (s.source ?? '—')],
        ]),
      );
    draw(await emu('/seed'));
    return h(
      'div',
      {},
      h('h1', {}, 'Seed'),
      h(
        'p',
        { class: 'note' },
        "With a seed, the picked tenant's new ids and numbers repeat from run to run.",
      ),
      h('section', { class: 'card', 'aria-label': 'Current seed' }, view),
      h(
        'form',
        {
          class: 'inline card',
          'aria-label': 'Set the seed',
          onsubmit: onSubmit(async (data) => {
            draw(await emu('/seed', { method: 'PUT', body: { seed: String(data.get('seed')) } }));
          }),
        },
        field('Seed', { name: 'seed', required: true, maxlength: 200, size: 24 }),
        h('button', { type: 'submit' }, 'Set seed'),
      ),
      h(
        'form',
        {
          class: 'inline card',
          'aria-label': 'Clear the seed',
          onsubmit: onSubmit(async () => {
            draw(await emu('/seed', { method: 'PUT', body: { seed: null } }));
          }),
        },
        h('button', { type: 'submit', class: 'secondary' }, 'Clear seed'),
      ),
    );
  },
};
