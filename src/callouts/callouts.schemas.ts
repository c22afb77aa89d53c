/**
 * Wire schemas of callouts (issue 12 part 5), under `/folio/v1/tenants/{tenantId}/callouts`.
 * Folio's own API: camelCase JSON.
 */
import { Type } from '@sinclair/typebox';
import { EVENT_TYPES } from '../platform/events.ts';

export const TenantParams = Type.Object({
  tenantId: Type.String({ minLength: 1, maxLength: 64, description: 'Tenant id (32 hex)' }),
});
export const CalloutParams = Type.Object({
  tenantId: Type.String({ minLength: 1, maxLength: 64 }),
  calloutId: Type.String({ minLength: 1, maxLength: 64 }),
});

const EventName = Type.Union(
  EVENT_TYPES.map((e) => Type.Literal(e)),
  { description: 'An event a callout subscribes to' },
);

export const CreateCalloutBody = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'Where notifications are POSTed (http or https)',
      examples: ['https://hooks.example.com/zuora'],
    }),
    events: Type.Array(EventName, { minItems: 1, maxItems: EVENT_TYPES.length * 2 }),
    secret: Type.Optional(
      Type.String({
        minLength: 16,
        maxLength: 200,
        description: 'HMAC-SHA256 key of the `Folio-Signature` header; generated when absent',
      }),
    ),
  },
  { additionalProperties: false },
);

const calloutFields = {
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(EventName),
  createdAt: Type.String({ format: 'date-time' }),
};
export const FolioCallout = Type.Object(calloutFields);
export const FolioCreatedCallout = Type.Object({
  ...calloutFields,
  secret: Type.String({ description: 'Shown only in this answer' }),
});
export const FolioCalloutList = Type.Object({ callouts: Type.Array(FolioCallout) });

export const DeliveriesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export const FolioDeliveryList = Type.Object({
  deliveries: Type.Array(
    Type.Object({
      id: Type.String(),
      calloutId: Type.String(),
      event: Type.String(),
      url: Type.String(),
      status: Type.Union([
        Type.Literal('pending'),
        Type.Literal('delivered'),
        Type.Literal('failed'),
      ]),
      attempts: Type.Integer(),
      responseStatus: Type.Union([Type.Integer(), Type.Null()]),
      lastError: Type.Union([Type.String(), Type.Null()]),
      createdAt: Type.String(),
      updatedAt: Type.String(),
    }),
  ),
});
