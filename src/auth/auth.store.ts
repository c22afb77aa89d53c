import type { Db } from '../database.ts';
import type { NewOauthClientRow, NewOauthTokenRow, OauthClientRow } from './auth.table.ts';

export const insertClient = async (db: Db, row: NewOauthClientRow): Promise<void> => {
  await db.insertInto('oauth_clients').values(row).execute();
};

export const updateClientSecret = async (
  db: Db,
  id: string,
  hash: string,
  salt: string,
): Promise<void> => {
  await db
    .updateTable('oauth_clients')
    .set({ secret_hash: hash, secret_salt: salt, revoked_at: null })
    .where('id', '=', id)
    .execute();
};

export const findClient = async (db: Db, id: string): Promise<OauthClientRow | undefined> =>
  db.selectFrom('oauth_clients').selectAll().where('id', '=', id).executeTakeFirst();

export const listClients = async (db: Db, tenantId: string): Promise<OauthClientRow[]> =>
  db
    .selectFrom('oauth_clients')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

export const revokeClient = async (
  db: Db,
  tenantId: string,
  id: string,
  at: string,
): Promise<number> => {
  const r = await db
    .updateTable('oauth_clients')
    .set({ revoked_at: at })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  await db.deleteFrom('oauth_tokens').where('client_id', '=', id).execute();
  return Number(r.numUpdatedRows);
};

export const insertToken = async (db: Db, row: NewOauthTokenRow): Promise<void> => {
  await db.insertInto('oauth_tokens').values(row).execute();
};

export const deleteExpiredTokens = async (db: Db, before: string): Promise<void> => {
  await db.deleteFrom('oauth_tokens').where('expires_at', '<', before).execute();
};

/** The token with its tenant's default Zuora-Version, if the token and its client are live. */
export const findToken = async (db: Db, hash: string) =>
  db
    .selectFrom('oauth_tokens as t')
    .innerJoin('tenants as n', 'n.id', 't.tenant_id')
    .innerJoin('oauth_clients as c', 'c.id', 't.client_id')
    .select([
      't.tenant_id',
      't.client_id',
      't.entity_ids',
      't.expires_at',
      'n.zuora_version_default',
    ])
    .where('t.token_hash', '=', hash)
    .where('c.revoked_at', 'is', null)
    .executeTakeFirst();
