/** Wire schemas of lifecycle control (`/folio/v1/tenants/{id}/lifecycle`, `/folio/v1/jobs/{id}`; issue 12). */
import { Type } from '@sinclair/typebox';

const mode = Type.Union(
  [
    Type.Literal('real'),
    Type.Literal('immediately'),
    Type.Literal('polls'),
    Type.Literal('manual'),
  ],
  {
    description:
      'real: the job runner moves jobs; immediately: the call returns with the job finished; polls: every `polls`-th GET of the status moves one step; manual: POST /folio/v1/jobs/{id}/advance moves one step',
  },
);
const polls = Type.Integer({
  minimum: 1,
  maximum: 1000,
  description: 'With mode polls: the GETs each step waits for (default 1)',
});

export const FolioTenantLifecycle = Type.Object({
  tenantId: Type.String(),
  mode,
  polls: Type.Integer(),
});

export const SetTenantLifecycleBody = Type.Object(
  { mode, polls: Type.Optional(polls) },
  { additionalProperties: false },
);

export const SetJobLifecycleBody = Type.Object(
  {
    mode: Type.Union([mode, Type.Null()], { description: "null: follow the tenant's mode" }),
    polls: Type.Optional(polls),
  },
  { additionalProperties: false },
);

export const ForceJobBody = Type.Object(
  {
    status: Type.Literal('Error', { description: 'The status to force (only Error)' }),
    reason: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: "Shown as the bill run's ErrorMessage or the bulk-PDF job's message",
      examples: ['Simulated outage'],
    }),
    step: Type.Optional(
      Type.String({
        maxLength: 40,
        description:
          'Bill run: Processing. Bulk PDF: TasksCreated, GenerateMissPDF, PdfToZip or PostProcessing. Default: the current or next step',
      }),
    ),
  },
  { additionalProperties: false },
);

export const JobIdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, description: 'Bill run id or bulk-PDF job id' }),
});

export const FolioControlledJob = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('BillRun'), Type.Literal('BulkPdf')]),
  tenantId: Type.String(),
  entityId: Type.String(),
  status: Type.String({
    description: 'Status as GET shows it; Removed once a deleted run is gone',
  }),
  stepStatus: Type.Union([Type.String(), Type.Null()], {
    description: "The bulk-PDF job's stepStatus; null for a bill run",
  }),
  mode,
  polls: Type.Integer(),
  override: Type.Boolean({ description: "true: the job's own mode; false: its tenant's" }),
  heldSteps: Type.Integer({ description: 'Jobs held back, waiting for an advance or a poll' }),
  force: Type.Union([Type.Object({ step: Type.String(), reason: Type.String() }), Type.Null()]),
});
