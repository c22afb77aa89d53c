import { admin, currentTenantId, session, tenant } from '../api.js';
import { badge, h, link, onSubmit, table, field } from '../ui.js';

const enc = encodeURIComponent;
export const DONE = ['Completed', 'Error', 'Aborted', 'Cancelled'];

const knownJobs = () => JSON.parse(sessionStorage.getItem('folio.console.jobs') ?? '[]');
export const rememberJob = (id) =>
  sessionStorage.setItem(
    'folio.console.jobs',
    JSON.stringify([id, ...knownJobs().filter((j) => j !== id)].slice(0, 50)),
  );

export default {
  title: 'Bulk PDF jobs',
  section: 'bulk-pdf',
  match: /^\/bulk-pdf$/,
  nav: '/bulk-pdf',
  audience: 'tenant',
  render: async (ctx) => {
    const open = h(
      'form',
      {
        class: 'inline card',
        onsubmit: (e) => {
          e.preventDefault();
          location.hash = `#/bulk-pdf/${enc(String(new FormData(e.currentTarget).get('jobId')).trim())}`;
        },
      },
      field('Job id', { name: 'jobId', required: true }),
      h('button', { type: 'submit' }, 'Open job'),
    );
    const create = ctx.admin
      ? h(
          'form',
          {
            class: 'card',
            'aria-label': 'Create a bulk PDF job',
            onsubmit: onSubmit(async (data) => {
              const ids = String(data.get('ids'))
                .split(/[\s,]+/)
                .filter(Boolean);
              const res = await tenant('/v1/operations/bulk-pdf', {
                method: 'POST',
                body: {
                  documents: [{ docType: String(data.get('docType')), objectIds: ids }],
                  fileName: String(data.get('fileName')),
                  indexFileFormat: String(data.get('indexFileFormat')),
                  generateMissingPDF: data.get('generateMissingPDF') === 'on',
                },
              });
              sessionStorage.setItem(
                `folio.console.invalid.${res.jobId}`,
                JSON.stringify(res.invalidIds ?? []),
              );
              location.hash = `#/bulk-pdf/${enc(res.jobId)}`;
            }),
          },
          h('h2', {}, 'New export'),
          h(
            'div',
            { class: 'inline form' },
            h(
              'label',
              {},
              'Document type',
              h(
                'select',
                { name: 'docType' },
                ['Invoice', 'CreditMemo', 'DebitMemo'].map((t) => h('option', { value: t }, t)),
              ),
            ),
            field('ZIP file name', {
              name: 'fileName',
              required: true,
              maxlength: 32,
              value: 'invoices',
            }),
            h(
              'label',
              {},
              'Index file',
              h(
                'select',
                { name: 'indexFileFormat' },
                h('option', { value: 'JSON' }, 'JSON'),
                h('option', { value: 'CSV' }, 'CSV'),
              ),
            ),
            h(
              'label',
              { class: 'check' },
              h('input', { type: 'checkbox', name: 'generateMissingPDF', checked: true }),
              'Generate missing PDFs',
            ),
          ),
          h(
            'label',
            {},
            'Document ids (one per line or comma-separated)',
            h('textarea', { name: 'ids', rows: 4, required: true }),
          ),
          h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Start export')),
        )
      : null;
    let list;
    if (ctx.admin) {
      const s = session();
      const res = await admin(
        `/folio/v1/tenants/${enc(currentTenantId())}/bulk-pdf-jobs${s.entityId ? `?entityId=${enc(s.entityId)}` : ''}`,
      );
      list = table(
        'Bulk PDF jobs',
        [
          { title: 'Job', cell: (j) => link(`#/bulk-pdf/${enc(j.jobId)}`, j.jobName || j.jobId) },
          { title: 'Status', cell: (j) => badge(j.status) },
          { title: 'Step', cell: (j) => j.stepStatus },
          { title: 'Documents', cell: (j) => j.documents, num: true },
          { title: 'ZIPs', cell: (j) => `${j.partsDone} / ${j.partCount}`, num: true },
          { title: 'Failed', cell: (j) => j.failedDocuments, num: true },
          { title: 'Created', cell: (j) => j.createdOn.slice(0, 19).replace('T', ' ') },
        ],
        res.jobs,
        'No bulk PDF job yet.',
      );
      if (res.jobs.some((j) => !DONE.includes(j.status)))
        ctx.poll(async () => (ctx.refresh(), false), 2000);
    } else {
      const ids = knownJobs();
      list = ids.length
        ? h(
            'ul',
            {},
            ids.map((id) => h('li', {}, link(`#/bulk-pdf/${enc(id)}`, id))),
          )
        : h(
            'p',
            { class: 'note' },
            'Jobs opened in this tab are listed here (the v1 API has no job list).',
          );
    }
    return h('div', {}, h('h1', {}, 'Bulk PDF jobs'), create, open, h('h2', {}, 'Jobs'), list);
  },
};
