// Job lifecycle of the picked tenant (issue 12: GET/PUT …/lifecycle) and one job's controls
// (GET /folio/v1/jobs/{id}, PUT …/lifecycle, POST …/advance, POST …/force).
import { admin } from '../api.js';
import { emu, choice } from '../emu.js';
import { badge, errorBox, field, h, onSubmit, props, set } from '../ui.js';

const MODES = [
  ['real', 'Real (the job runner moves jobs)'],
  ['immediately', 'Immediately (finished when the call returns)'],
  ['polls', 'Polls (every n-th status GET moves a step)'],
  ['manual', 'Manual (Advance moves a step)'],
];
// Steps POST /folio/v1/jobs/{id}/force accepts (src/lifecycle/lifecycle.schemas.ts ForceJobBody).
const STEPS = {
  BillRun: ['Processing'],
  BulkPdf: ['TasksCreated', 'GenerateMissPDF', 'PdfToZip', 'PostProcessing'],
};
const jobPath = (id, suffix = '') => `/folio/v1/jobs/${encodeURIComponent(id)}${suffix}`;

const jobCard = (job, ctx) => {
  const redraw = (j) => set(document.getElementById('job-card'), jobCard(j, ctx));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'job-h' },
    h('h2', { id: 'job-h' }, `${job.kind === 'BillRun' ? 'Bill run' : 'Bulk PDF job'} ${job.id}`),
    props([
      ['Status', h('span', { id: 'job-status' }, badge(job.status))],
      ['Step', job.stepStatus],
      [
        'Mode',
        `${job.mode}${job.mode === 'polls' ? ` (${job.polls})` : ''}${job.override ? '' : " (tenant's)"}`,
      ],
      ['Held steps', String(job.heldSteps)],
      ['Pending force', job.force ? `Error at ${job.force.step}: ${job.force.reason}` : null],
    ]),
    h(
      'div',
      { class: 'actions' },
      h(
        'form',
        {
          class: 'inline',
          'aria-label': 'Advance the job',
          onsubmit: onSubmit(async () =>
            redraw(await admin(jobPath(job.id, '/advance'), { method: 'POST' })),
          ),
        },
        h('button', { type: 'submit' }, 'Advance one step'),
      ),
    ),
    h(
      'form',
      {
        class: 'inline',
        'aria-label': "Set the job's mode",
        onsubmit: onSubmit(async (data) => {
          const mode = String(data.get('mode'));
          const polls = Number(data.get('polls'));
          redraw(
            await admin(jobPath(job.id, '/lifecycle'), {
              method: 'PUT',
              body:
                mode === 'tenant'
                  ? { mode: null }
                  : { mode, ...(mode === 'polls' ? { polls } : {}) },
            }),
          );
        }),
      },
      choice(
        'Job mode',
        'mode',
        [['tenant', "The tenant's mode"], ...MODES],
        job.override ? job.mode : 'tenant',
      ),
      field('Polls per step', {
        name: 'polls',
        type: 'number',
        min: 1,
        max: 1000,
        value: job.polls,
        size: 5,
      }),
      h('button', { type: 'submit', class: 'secondary' }, 'Set job mode'),
    ),
    h(
      'form',
      {
        class: 'inline',
        'aria-label': 'Force the job to Error',
        onsubmit: onSubmit(async (data) => {
          const step = String(data.get('step'));
          redraw(
            await admin(jobPath(job.id, '/force'), {
              method: 'POST',
              body: {
                status: 'Error',
                reason: String(data.get('reason')),
                ...(step ? { step } : {}),
              },
            }),
          );
        }),
      },
      field('Error reason', {
        name: 'reason',
        required: true,
        maxlength: 2000,
        value: 'Simulated outage',
        size: 24,
      }),
      choice(
        'At step',
        'step',
        [['', 'Current or next'], ...(STEPS[job.kind] ?? []).map((s) => [s, s])],
        '',
      ),
      h('button', { type: 'submit', class: 'danger' }, 'Force Error'),
    ),
  );
};

export default {
  title: 'Lifecycle',
  match: /^\/emulator\/lifecycle$/,
  nav: '/emulator/lifecycle',
  audience: 'admin',
  render: async (ctx) => {
    const tenantView = h('div', { id: 'lifecycle-view', 'aria-live': 'polite' });
    const drawTenant = (l) =>
      set(
        tenantView,
        props([
          ['Mode', h('span', { id: 'lifecycle-mode' }, l.mode)],
          ['Polls per step', String(l.polls)],
        ]),
      );
    const current = await emu('/lifecycle');
    drawTenant(current);
    const jobBox = h('div', { id: 'job-card', 'aria-live': 'polite' });
    const jobId = ctx.query.get('job');
    if (jobId) {
      try {
        set(jobBox, jobCard(await admin(jobPath(jobId)), ctx));
      } catch (e) {
        set(jobBox, errorBox(e));
      }
    }
    return h(
      'div',
      {},
      h('h1', {}, 'Lifecycle'),
      h(
        'p',
        { class: 'note' },
        "How the picked tenant's bill runs and bulk-PDF jobs move through their statuses.",
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'lc-h' },
        h('h2', { id: 'lc-h' }, 'Tenant lifecycle'),
        tenantView,
        h(
          'form',
          {
            class: 'inline',
            'aria-label': "Set the tenant's mode",
            onsubmit: onSubmit(async (data) => {
              const mode = String(data.get('mode'));
              drawTenant(
                await emu('/lifecycle', {
                  method: 'PUT',
                  body: { mode, ...(mode === 'polls' ? { polls: Number(data.get('polls')) } : {}) },
                }),
              );
            }),
          },
          choice('Tenant mode', 'mode', MODES, current.mode),
          field('Polls per step', {
            name: 'polls',
            type: 'number',
            min: 1,
            max: 1000,
            value: current.polls,
            size: 5,
          }),
          h('button', { type: 'submit' }, 'Set mode'),
        ),
      ),
      h(
        'form',
        {
          class: 'inline card',
          'aria-label': 'Open a job',
          onsubmit: onSubmit(async (data) => {
            location.hash = `#/emulator/lifecycle?job=${encodeURIComponent(String(data.get('job')).trim())}`;
          }),
        },
        field('Bill run or bulk PDF job id', {
          name: 'job',
          required: true,
          maxlength: 64,
          size: 34,
          value: jobId ?? '',
        }),
        h('button', { type: 'submit' }, 'Open job'),
      ),
      jobBox,
    );
  },
};
