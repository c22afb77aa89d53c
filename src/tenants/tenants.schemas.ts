/**
 * Wire schemas of the admin API's tenants and entities (`/folio/v1`, DESIGN.md "Emulator
 * controls"). Folio's own API, so camelCase JSON rather than Zuora's names.
 */
import { Type, type Static } from '@sinclair/typebox';

const name = Type.String({ minLength: 1, maxLength: 100, examples: ['Acme Test'] });

export const TenantParams = Type.Object({
  tenantId: Type.String({ minLength: 1, maxLength: 64, description: 'Tenant id (32 hex)' }),
});
export type TenantParams = Static<typeof TenantParams>;

export const CreateTenantBody = Type.Object(
  {
    name,
    zuoraVersionDefault: Type.Optional(
      Type.Union([
        Type.String({
          pattern: '^(\\d{4}-\\d{2}-\\d{2}|\\d{3}\\.0)$',
          description: 'Zuora-Version applied when a request sends none (CONTRACT C1.6)',
          examples: ['2024-05-20'],
        }),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: false },
);
export type CreateTenantBody = Static<typeof CreateTenantBody>;

export const CreateEntityBody = Type.Object({ name }, { additionalProperties: false });
export type CreateEntityBody = Static<typeof CreateEntityBody>;

export const FolioEntity = Type.Object({
  id: Type.String({ description: 'Entity UUID (CONTRACT C1.4)' }),
  tenantId: Type.String(),
  name: Type.String(),
  isDefault: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const FolioTenant = Type.Object({
  id: Type.String({ description: '32-hex tenant id' }),
  number: Type.Integer({ description: 'Numeric tenant id, as in token scopes (`tenant.<n>`)' }),
  name: Type.String(),
  zuoraVersionDefault: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export const FolioCreatedTenant = Type.Composite([
  FolioTenant,
  Type.Object({ defaultEntity: FolioEntity }),
]);
export const FolioTenantList = Type.Object({ tenants: Type.Array(FolioTenant) });
export const FolioEntityList = Type.Object({ entities: Type.Array(FolioEntity) });

/** The admin API's error body: the v1 `CommonResponse` shape (zuora-errors.ts, surface `admin`). */
export const FolioError = Type.Object({
  success: Type.Boolean(),
  processId: Type.Optional(Type.String()),
  reasons: Type.Optional(
    Type.Array(
      Type.Object({ code: Type.Union([Type.String(), Type.Integer()]), message: Type.String() }),
    ),
  ),
  requestId: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});
