// A few DOM helpers: elements are built with h(), so text is never parsed as HTML.

/** h('a', {href}, 'text', child…): attributes, `on*` listeners, `class`; null children skipped. */
export const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
};

export const link = (href, text) => h('a', { href }, text);

const BADGES = {
  ok: ['Completed', 'Posted', 'Active', 'Generated'],
  err: ['Error', 'Canceled', 'Cancelled', 'Aborted', 'Failed'],
  run: [
    'Pending',
    'Processing',
    'Executing',
    'Submitted',
    'PostInProgress',
    'CancelInProgress',
    'RemoveInProgress',
    'Draft',
  ],
};
export const badge = (status) => {
  const cls = Object.entries(BADGES).find(([, list]) => list.includes(status))?.[0] ?? '';
  return h('span', { class: `badge ${cls}` }, status ?? '—');
};

/** A table from columns `{title, cell(row), num?}`; `caption` names it for screen readers. */
export const table = (caption, columns, rows, empty = 'Nothing yet.') => {
  if (rows.length === 0) return h('p', { class: 'note' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'skip' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.title)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.cell(r) ?? '—')),
          ),
        ),
      ),
    ),
  );
};

/** A definition list of label → value. */
export const props = (pairs) =>
  h(
    'dl',
    { class: 'props' },
    pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]),
  );

export const money = (amount, currency) =>
  amount === undefined || amount === null
    ? '—'
    : `${Number(amount).toFixed(2)} ${currency ?? ''}`.trim();

export const errorBox = (e) =>
  h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e));

/** Asks in the page's <dialog>; resolves true only on the Confirm button. */
export const confirmAction = (text, okLabel = 'Confirm') =>
  new Promise((resolve) => {
    const dialog = document.getElementById('confirm');
    document.getElementById('confirm-text').textContent = text;
    document.getElementById('confirm-ok').textContent = okLabel;
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });

/** A labelled input: label text, then the control (so the label names it). */
export const field = (label, attrs) => h('label', {}, label, h('input', attrs));

/** Wraps an async submit handler: shows its error under the form, disables the button meanwhile. */
export const onSubmit = (handler) => async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const button = form.querySelector('button[type=submit]');
  form.querySelector('.error')?.remove();
  if (button) button.disabled = true;
  try {
    await handler(new FormData(form), form);
  } catch (e) {
    form.append(errorBox(e));
  } finally {
    if (button) button.disabled = false;
  }
};

/** Replaces an element's children; null/false children are skipped (the DOM would print "null"). */
export const set = (el, ...children) => {
  el.replaceChildren(
    ...children.flat().filter((c) => c !== null && c !== undefined && c !== false),
  );
  return el;
};
