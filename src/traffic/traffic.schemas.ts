/**
 * Wire schemas of the traffic controls (issue 12, parts 3 and 7): fault rules and the request
 * log, under `/folio/v1/tenants/{tenantId}`. Folio's own API: camelCase JSON.
 */
import { Type, type Static } from '@sinclair/typebox';
import { FAULT_STATUSES } from '../platform/http/faults.ts';

export const TenantParams = Type.Object({
  tenantId: Type.String({ minLength: 1, maxLength: 64, description: 'Tenant id (32 hex)' }),
});
export const FaultParams = Type.Object({
  tenantId: Type.String({ minLength: 1, maxLength: 64 }),
  faultId: Type.String({ minLength: 1, maxLength: 64 }),
});

const status = Type.Union(
  FAULT_STATUSES.map((s) => Type.Literal(s)),
  { description: 'Answer with this HTTP status and the Zuora error body of the route' },
);

export const CreateFaultBody = Type.Object(
  {
    method: Type.Optional(
      Type.String({
        pattern:
          '^(\\*|GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|get|post|put|delete|patch|head|options)$',
        description: 'HTTP method, or `*` (default) for any',
        examples: ['GET'],
      }),
    ),
    path: Type.String({
      minLength: 1,
      maxLength: 500,
      pattern: '^/(v1|oauth|object-query)(/|$)',
      description:
        'Path pattern on the Zuora routes (/v1, /oauth/token, /object-query): `*` within a segment, `**` across segments, `{name}` or `:name` one segment',
      examples: ['/v1/bill-runs/{billRunId}'],
    }),
    status: Type.Optional(status),
    message: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    latencyMs: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 60000, description: 'Delay before answering' }),
    ),
    drop: Type.Optional(Type.Boolean({ description: 'Close the connection without a response' })),
    times: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000000, description: 'Fire on this many calls' }),
    ),
    probability: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: 'Fire on each call with this chance' }),
    ),
    seed: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Seed of the random draws' }),
    ),
    retryAfter: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 86400, description: 'Retry-After of a 429/503' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateFaultBody = Static<typeof CreateFaultBody>;

export const FolioFault = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  method: Type.String(),
  path: Type.String(),
  status: Type.Union([Type.Integer(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()]),
  latencyMs: Type.Integer(),
  drop: Type.Boolean(),
  remaining: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Calls left before the rule retires (null: unlimited)',
  }),
  probability: Type.Number(),
  seed: Type.Union([Type.Integer(), Type.Null()]),
  retryAfter: Type.Integer(),
  fired: Type.Integer({ description: 'Calls the rule answered or delayed' }),
  passed: Type.Integer({ description: 'Matching calls it let through (probability)' }),
  createdAt: Type.String({ format: 'date-time' }),
});
export const FolioFaultList = Type.Object({ faults: Type.Array(FolioFault) });
export const FolioCleared = Type.Object({ cleared: Type.Integer() });

export const RequestsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
});

export const FolioRequest = Type.Object({
  at: Type.String({ format: 'date-time' }),
  method: Type.String(),
  path: Type.String(),
  status: Type.Integer({ description: '0 when a fault rule dropped the connection' }),
  requestId: Type.String({ description: 'Zuora-Request-Id of the response' }),
  trackId: Type.Union([Type.String(), Type.Null()], { description: 'Zuora-Track-Id sent' }),
  durationMs: Type.Number(),
  faultId: Type.Union([Type.String(), Type.Null()]),
  requestBody: Type.Optional(Type.Unknown()),
  responseBody: Type.Optional(Type.Unknown()),
});
export const FolioRequestList = Type.Object({
  size: Type.Integer({ description: 'Requests kept per tenant in each process (0: log off)' }),
  bodies: Type.Boolean(),
  requests: Type.Array(FolioRequest),
});
