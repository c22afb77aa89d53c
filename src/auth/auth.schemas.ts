import { Type, type Static } from '@sinclair/typebox';

/** `POST /oauth/token` form fields (Zuora `createToken`); checked by the service for RFC 6749 errors. */
export const TokenForm = Type.Object(
  {
    client_id: Type.Optional(
      Type.String({ description: 'OAuth client id', examples: ['demo-client'] }),
    ),
    client_secret: Type.Optional(
      Type.String({ description: 'OAuth client secret', examples: ['demo-secret'] }),
    ),
    grant_type: Type.Optional(
      Type.String({
        description: 'Must be `client_credentials`',
        examples: ['client_credentials'],
      }),
    ),
  },
  { additionalProperties: true },
);
export type TokenForm = Static<typeof TokenForm>;

export const ZuoraTokenResponse = Type.Object({
  access_token: Type.String({ description: 'Bearer token (32 hex)' }),
  token_type: Type.String({ examples: ['bearer'] }),
  expires_in: Type.Integer({ examples: [3599] }),
  scope: Type.String(),
  jti: Type.String(),
});

export const OauthError = Type.Object({
  error: Type.String({ examples: ['invalid_client'] }),
  error_description: Type.Optional(Type.String()),
});

/** Admin API (`/folio/v1/tenants/{tenantId}/oauth-clients`): Folio's own, camelCase. */
export const ClientParams = Type.Object({
  tenantId: Type.String({ minLength: 1, maxLength: 64 }),
  clientId: Type.String({ minLength: 1, maxLength: 64 }),
});
export type ClientParams = Static<typeof ClientParams>;

export const CreateClientBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, examples: ['CI client'] })),
    entityIds: Type.Optional(
      Type.Array(Type.String({ minLength: 36, maxLength: 36 }), {
        minItems: 1,
        maxItems: 100,
        description: "Entities the client's tokens cover; default: every entity of the tenant",
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateClientBody = Static<typeof CreateClientBody>;

export const FolioOauthClient = Type.Object({
  clientId: Type.String({ description: '36-char OAuth client id (CONTRACT C1.2)' }),
  tenantId: Type.String(),
  entityIds: Type.Array(Type.String()),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const FolioCreatedOauthClient = Type.Composite([
  FolioOauthClient,
  Type.Object({
    clientSecret: Type.String({ description: 'Shown once; stored only as a hash' }),
  }),
]);
export const FolioOauthClientList = Type.Object({ clients: Type.Array(FolioOauthClient) });
