/** Wire schemas of the test-clock admin API (`/folio/v1/tenants/{tenantId}/clock`, issue 12). */
import { Type } from '@sinclair/typebox';

export const FolioClock = Type.Object({
  tenantId: Type.String(),
  mode: Type.Union([Type.Literal('real'), Type.Literal('frozen'), Type.Literal('offset')], {
    description:
      'real: system time; frozen: stands still at `frozenAt`; offset: runs `offsetMs` from real time',
  }),
  now: Type.String({ format: 'date-time', description: "The tenant's current time" }),
  frozenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  offsetMs: Type.Integer({ description: "The tenant's time minus real time, in milliseconds" }),
});

const instant = Type.String({
  maxLength: 40,
  description: 'ISO-8601 date-time with a time zone, or a date (midnight UTC)',
  examples: ['2027-01-01T00:00:00Z'],
});

export const SetClockBody = Type.Object(
  {
    mode: Type.Union([Type.Literal('real'), Type.Literal('frozen'), Type.Literal('offset')]),
    at: Type.Optional(instant),
  },
  { additionalProperties: false },
);

export const AdvanceClockBody = Type.Object(
  {
    by: Type.Optional(
      Type.String({ maxLength: 40, description: 'ISO-8601 duration', examples: ['P1M', 'PT1H'] }),
    ),
    to: Type.Optional(instant),
  },
  { additionalProperties: false },
);
