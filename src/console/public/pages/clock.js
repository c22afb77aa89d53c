// Test clock of the picked tenant (issue 12 part 1: GET/PUT/DELETE …/clock, POST …/clock/advance).
import { emu, choice, when } from '../emu.js';
import { field, h, onSubmit, props, set } from '../ui.js';

const offsetText = (ms) => {
  if (ms === 0) return '0';
  const sign = ms < 0 ? '−' : '+';
  let s = Math.abs(ms) / 1000;
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const hh = Math.floor(s / 3600);
  s -= hh * 3600;
  const mm = Math.floor(s / 60);
  s -= mm * 60;
  return `${sign}${d ? `${d}d ` : ''}${hh}h ${mm}m ${Math.round(s)}s`;
};

export default {
  title: 'Test clock',
  match: /^\/emulator\/clock$/,
  nav: '/emulator/clock',
  audience: 'admin',
  render: async () => {
    const view = h('div', { id: 'clock-view', 'aria-live': 'polite' });
    const draw = (c) =>
      set(
        view,
        props([
          ['Mode', h('span', { id: 'clock-mode' }, c.mode)],
          ['Now', h('span', { id: 'clock-now' }, when(c.now))],
          ['Frozen at', c.frozenAt ? when(c.frozenAt) : '—'],
          ['Offset from real time', offsetText(c.offsetMs)],
        ]),
      );
    draw(await emu('/clock'));
    const apply = async (p) => draw(await p);
    return h(
      'div',
      {},
      h('h1', {}, 'Test clock'),
      h(
        'p',
        { class: 'note' },
        "The picked tenant's time: bill runs, dates and job timings use it. Real time again with Reset.",
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'clock-now-h' },
        h('h2', { id: 'clock-now-h' }, 'Now'),
        view,
      ),
      h(
        'form',
        {
          class: 'inline card',
          'aria-label': 'Set the clock',
          onsubmit: onSubmit(async (data) => {
            const at = String(data.get('at') ?? '').trim();
            await apply(
              emu('/clock', {
                method: 'PUT',
                body: { mode: String(data.get('mode')), ...(at ? { at } : {}) },
              }),
            );
          }),
        },
        choice('Mode', 'mode', [
          ['frozen', 'Frozen (stands still)'],
          ['offset', 'Offset (runs from a shifted time)'],
          ['real', 'Real time'],
        ]),
        field('At (date or date-time; empty: now)', {
          name: 'at',
          placeholder: '2027-01-01T00:00:00Z',
          maxlength: 40,
          size: 24,
        }),
        h('button', { type: 'submit' }, 'Set clock'),
      ),
      h(
        'form',
        {
          class: 'inline card',
          'aria-label': 'Advance the clock',
          onsubmit: onSubmit(async (data) => {
            const by = String(data.get('by') ?? '').trim();
            const to = String(data.get('to') ?? '').trim();
            await apply(emu('/clock/advance', { method: 'POST', body: to ? { to } : { by } }));
          }),
        },
        field('Advance by (ISO duration)', {
          name: 'by',
          placeholder: 'P1M',
          maxlength: 40,
          size: 10,
        }),
        field('or to (date or date-time)', {
          name: 'to',
          placeholder: '2027-02-01',
          maxlength: 40,
          size: 24,
        }),
        h('button', { type: 'submit' }, 'Advance'),
      ),
      h(
        'form',
        {
          class: 'inline card',
          'aria-label': 'Reset the clock',
          onsubmit: onSubmit(async () => apply(emu('/clock', { method: 'DELETE' }))),
        },
        h('button', { type: 'submit', class: 'secondary' }, 'Reset to real time'),
      ),
    );
  },
};
