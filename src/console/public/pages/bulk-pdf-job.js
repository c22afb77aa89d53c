import { admin, currentTenantId, tenant } from '../api.js';
import { badge, h, props, table, set } from '../ui.js';
import { DONE, rememberJob } from './bulk-pdf.js';

const enc = encodeURIComponent;
// CONTRACT C5.3: the steps a job goes through, in order.
const STEPS = ['JobCreated', 'TasksCreated', 'GenerateMissPDF', 'PdfToZip', 'PostProcessing'];

const docList = (caption, groups) =>
  table(
    caption,
    [
      { title: 'Type', cell: (d) => d.docType },
      { title: 'Id', cell: (d) => d.id },
    ],
    (groups ?? []).flatMap((g) => g.objectIds.map((id) => ({ docType: g.docType, id }))),
    'None.',
  );

export default {
  title: 'Bulk PDF job',
  section: 'bulk-pdf',
  match: /^\/bulk-pdf\/([^/]+)$/,
  nav: null,
  audience: 'tenant',
  render: async (ctx) => {
    const [jobId] = ctx.params;
    const body = h('div', { 'aria-live': 'polite' });
    const invalid = JSON.parse(sessionStorage.getItem(`folio.console.invalid.${jobId}`) ?? '[]');
    const draw = async () => {
      const job = await tenant(`/v1/operations/bulk-pdf/${enc(jobId)}`);
      let counts = null;
      if (ctx.admin) {
        const res = await admin(`/folio/v1/tenants/${enc(currentTenantId())}/bulk-pdf-jobs`);
        counts = res.jobs.find((j) => j.jobId === jobId) ?? null;
      }
      const at = STEPS.indexOf(job.stepStatus);
      const done = job.status === 'Completed';
      set(
        body,
        h(
          'section',
          { class: 'card' },
          props([
            ['Status', badge(job.status)],
            ['Name', job.jobName],
            ['Created', `${job.createdOn} by ${job.createdBy}`],
            ['Message', job.message ?? ''],
          ]),
          h(
            'ol',
            { class: 'steps', 'aria-label': 'Steps' },
            STEPS.map((s, i) =>
              h(
                'li',
                {
                  class: done || i < at ? 'done' : i === at ? 'current' : '',
                  'aria-current': i === at && !done ? 'step' : null,
                },
                s,
              ),
            ),
          ),
          counts
            ? h(
                'div',
                {},
                h(
                  'label',
                  {},
                  `ZIPs written: ${counts.partsDone} of ${counts.partCount}`,
                  h('progress', { max: Math.max(counts.partCount, 1), value: counts.partsDone }),
                ),
                h(
                  'p',
                  {},
                  `${counts.documents} documents, ${counts.waitingForPdf} waiting for a PDF, ${counts.failedDocuments} failed.`,
                ),
              )
            : null,
        ),
        h('h2', {}, 'ZIP files'),
        job.fileUrls.length
          ? h(
              'ul',
              { id: 'zip-links' },
              job.fileUrls.map((u) =>
                h(
                  'li',
                  {},
                  h(
                    'a',
                    { href: u, download: '' },
                    decodeURIComponent(new URL(u).pathname.split('/').pop()),
                  ),
                ),
              ),
            )
          : h(
              'p',
              { class: 'note' },
              done ? 'No ZIP.' : 'The ZIPs are listed once the job completes.',
            ),
        h('h2', {}, 'Failed documents'),
        docList('Failed documents', job.failedDocuments),
        h('h2', {}, 'Skipped documents'),
        docList('Skipped documents', job.skippedDocuments),
        h('h2', {}, 'Invalid ids'),
        invalid.length
          ? h('p', {}, invalid.join(', '))
          : h('p', { class: 'note' }, 'None (shown only in the tab that created the job).'),
      );
      return !DONE.includes(job.status);
    };
    rememberJob(jobId);
    if (await draw()) ctx.poll(draw, 1000);
    return h('div', {}, h('h1', {}, `Bulk PDF job ${jobId}`), body);
  },
};
