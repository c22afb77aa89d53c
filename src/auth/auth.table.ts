import type { Insertable, Selectable } from 'kysely';

export interface OauthClientsTable {
  /** The OAuth `client_id`: 36-char UUID for clients Folio creates, any printable ≤ 64 when configured. */
  id: string;
  tenant_id: string;
  /** sha256(salt + secret), hex; the secret itself is never stored. */
  secret_hash: string;
  secret_salt: string;
  /** JSON array of entity UUIDs the client's tokens cover. */
  entity_ids: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

export interface OauthTokensTable {
  /** sha256 of the access token, hex. */
  token_hash: string;
  tenant_id: string;
  client_id: string;
  entity_ids: string;
  jti: string;
  expires_at: string;
  created_at: string;
}

export interface AuthTables {
  oauth_clients: OauthClientsTable;
  oauth_tokens: OauthTokensTable;
}

export type OauthClientRow = Selectable<OauthClientsTable>;
export type NewOauthClientRow = Insertable<OauthClientsTable>;
export type NewOauthTokenRow = Insertable<OauthTokensTable>;
