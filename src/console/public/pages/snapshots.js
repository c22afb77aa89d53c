// Snapshots and reset of the picked tenant (issue 12 part 4: …/snapshots, …/snapshots/{name}/restore,
// DELETE …/snapshots/{name}, POST …/reset). Restore, delete and reset ask first.
import { emu, when, statusLine } from '../emu.js';
import { confirmAction, field, h, onSubmit, set, table } from '../ui.js';

const enc = encodeURIComponent;
const done = (text) => set(document.getElementById('snapshot-status'), text);

export default {
  title: 'Snapshots',
  match: /^\/emulator\/snapshots$/,
  nav: '/emulator/snapshots',
  audience: 'admin',
  render: async (ctx) => {
    const { snapshots } = await emu('/snapshots');
    const restore = async (s) => {
      if (
        !(await confirmAction(
          `Restore snapshot ${s.name}? The tenant's current data is replaced.`,
          'Restore',
        ))
      )
        return;
      const r = await emu(`/snapshots/${enc(s.name)}/restore`, { method: 'POST' });
      done(`Restored ${s.name}: ${r.restoredRows} rows, ${r.restoredFiles} files.`);
    };
    const remove = async (s) => {
      if (!(await confirmAction(`Delete snapshot ${s.name}?`, 'Delete snapshot'))) return;
      await emu(`/snapshots/${enc(s.name)}`, { method: 'DELETE' });
      ctx.refresh();
    };
    // Errors of the row buttons land in the status line (onSubmit covers only the forms).
    const guarded = (fn) => () =>
      fn().catch((e) => done(e instanceof Error ? e.message : String(e)));
    return h(
      'div',
      {},
      h('h1', {}, 'Snapshots'),
      h(
        'p',
        { class: 'note' },
        "Save the picked tenant's data and files, and put them back later.",
      ),
      h(
        'form',
        {
          class: 'inline card',
          'aria-label': 'Save a snapshot',
          onsubmit: onSubmit(async (data) => {
            await emu('/snapshots', {
              method: 'POST',
              body: { name: String(data.get('name')).trim() },
            });
            ctx.refresh();
          }),
        },
        field('Snapshot name', {
          name: 'name',
          required: true,
          maxlength: 64,
          pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]*',
          placeholder: 'before-bill-run',
          size: 20,
        }),
        h('button', { type: 'submit' }, 'Save snapshot'),
      ),
      statusLine('snapshot-status'),
      table(
        'Snapshots',
        [
          { title: 'Name', cell: (s) => s.name },
          { title: 'Saved', cell: (s) => when(s.createdAt) },
          { title: 'Rows', cell: (s) => String(s.rowCount), num: true },
          { title: 'Files', cell: (s) => String(s.fileCount), num: true },
          { title: 'Schema', cell: (s) => s.schemaVersion },
          {
            title: '',
            cell: (s) =>
              h(
                'span',
                { class: 'actions' },
                h(
                  'button',
                  { type: 'button', onclick: guarded(() => restore(s)) },
                  `Restore ${s.name}`,
                ),
                h(
                  'button',
                  { type: 'button', class: 'danger', onclick: guarded(() => remove(s)) },
                  `Delete ${s.name}`,
                ),
              ),
          },
        ],
        snapshots,
        'No snapshot yet.',
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'reset-h' },
        h('h2', { id: 'reset-h' }, 'Reset tenant'),
        h(
          'p',
          { class: 'note' },
          'Deletes every account, subscription, bill run, document and file of the tenant; the tenant, its entities, clients and snapshots stay.',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            onclick: guarded(async () => {
              if (
                !(await confirmAction(
                  'Reset the tenant? All of its billing data is deleted.',
                  'Reset tenant',
                ))
              )
                return;
              const r = await emu('/reset', { method: 'POST' });
              done(`Tenant reset: ${r.deletedRows} rows deleted.`);
            }),
          },
          'Reset tenant',
        ),
      ),
    );
  },
};
