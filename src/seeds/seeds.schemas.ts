/** Wire schemas of deterministic mode's admin API (`/folio/v1/tenants/{id}/seed`, issue 12). */
import { Type } from '@sinclair/typebox';

export const FolioSeed = Type.Object({
  tenantId: Type.String(),
  seed: Type.Union([Type.String(), Type.Null()], {
    description: "The seed the tenant's ids come from; null: random ids",
  }),
  source: Type.Union([Type.Literal('tenant'), Type.Literal('deployment'), Type.Null()]),
});
export const SetSeedBody = Type.Object(
  {
    seed: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], {
      description: 'null: back to FOLIO_SEED, or random ids without it',
      examples: ['my-test-suite'],
    }),
  },
  { additionalProperties: false },
);
