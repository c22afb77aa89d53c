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
