/**
 * OAuth clients and bearer tokens (CONTRACT C1.2–C1.4). Secrets and tokens are stored as hashes
 * only. Client secrets are high-entropy random strings (40 hex), so a salted SHA-256 is enough:
 * a slow KDF would only slow `POST /oauth/token` without adding protection against guessing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { toIso } from '../platform/clock.ts';
import { getTenant, checkEntities, listEntities } from '../tenants/tenants.service.ts';
import * as store from './auth.store.ts';
import type { OauthClientRow } from './auth.table.ts';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const hashSecret = (salt: string, secret: string): string => sha256(`${salt}:${secret}`);

/** How long a verified token may be trusted from memory before the database is asked again. */
const TOKEN_CACHE_MS = 10_000;

export interface OauthClient {
  clientId: string;
  tenantId: string;
  entityIds: string[];
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

const toClient = (r: OauthClientRow): OauthClient => ({
  clientId: r.id,
  tenantId: r.tenant_id,
  entityIds: JSON.parse(r.entity_ids) as string[],
  name: r.name,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export interface CreateClientInput {
  tenantId: string;
  name?: string;
  /** Entities the client's tokens cover; default: every entity of the tenant. */
  entityIds?: string[];
  /** A configured id (the demo client); default a new 36-char UUID as Zuora issues. */
  clientId?: string;
  /** A configured secret; default 40 random hex chars (≤ 42, C1.2). */
  clientSecret?: string;
}

/** Creates an OAuth client; the secret is returned once and stored only as a hash. */
export const createClient = async (
  deps: Deps,
  input: CreateClientInput,
): Promise<OauthClient & { clientSecret: string }> => {
  await getTenant(deps, input.tenantId);
  const entityIds = input.entityIds ?? (await listEntities(deps, input.tenantId)).map((e) => e.id);
  if (entityIds.length === 0)
    throw new AppError('invalid', 'A client needs at least one entity.', { field: 'entityIds' });
  await checkEntities(deps, input.tenantId, entityIds);
  const clientSecret = input.clientSecret ?? deps.ids.secret(20);
  const salt = deps.ids.secret(8);
  const row = {
    id: input.clientId ?? deps.ids.uuid(),
    tenant_id: input.tenantId,
    secret_hash: hashSecret(salt, clientSecret),
    secret_salt: salt,
    entity_ids: JSON.stringify(entityIds),
    name: input.name ?? 'API client',
    created_at: toIso(deps.clock.now(input.tenantId)),
    revoked_at: null,
  };
  await store.insertClient(deps.db.db, row);
  return { ...toClient(row), clientSecret };
};

/** Makes sure a configured client exists with the configured secret (the demo client). */
export const ensureClient = async (
  deps: Deps,
  input: CreateClientInput & { clientId: string; clientSecret: string },
): Promise<void> => {
  const existing = await store.findClient(deps.db.db, input.clientId);
  if (existing === undefined) {
    await createClient(deps, input);
    return;
  }
  if (existing.tenant_id !== input.tenantId)
    throw new Error(`client id ${input.clientId} belongs to another tenant`);
  if (
    hashSecret(existing.secret_salt, input.clientSecret) !== existing.secret_hash ||
    existing.revoked_at !== null
  ) {
    const salt = deps.ids.secret(8);
    await store.updateClientSecret(
      deps.db.db,
      input.clientId,
      hashSecret(salt, input.clientSecret),
      salt,
    );
  }
};

export const listClients = async (deps: Deps, tenantId: string): Promise<OauthClient[]> => {
  await getTenant(deps, tenantId);
  return (await store.listClients(deps.db.read, tenantId)).map(toClient);
};

/** Revokes a client: its tokens stop working at once in this process (≤ 10 s in others). */
export const revokeClient = async (
  deps: Deps,
  tenantId: string,
  clientId: string,
): Promise<void> => {
  const n = await store.revokeClient(
    deps.db.db,
    tenantId,
    clientId,
    toIso(deps.clock.now(tenantId)),
  );
  if (n === 0) throw notFound('OAuth client', clientId);
  cacheOf(deps).clear();
};

/** Drops every cached token verdict of this process (after a tenant is deleted). */
export const forgetTokens = (deps: Deps): void => {
  cacheOf(deps).clear();
};

export interface TokenRequest {
  grant_type?: string | undefined;
  client_id?: string | undefined;
  client_secret?: string | undefined;
  /** The `Zuora-Entity-Ids` header: narrows the token to one entity (C1.2). */
  entityIdsHeader?: string | undefined;
  /** The caller's address, for the guessing limit. */
  address?: string | undefined;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope: string;
  jti: string;
}

/**
 * Credential guessing on `/oauth/token` is limited, not slowed: per caller address, at most
 * GUESSES_PER_CLIENT failed checks of one client id and GUESSES_PER_ADDRESS failed checks in all
 * per GUESS_WINDOW_MS; past that the address gets 429 `rate_limited` with Retry-After until the
 * window ends, even with the right secret (else guessing would go on behind the 429s). Keyed by
 * address so that nobody can lock a client out of other addresses. Zuora documents no such
 * limit; the 429 is C1.11's rate-limit answer in the token route's RFC 6749 body (C1.2).
 * Per process: with N nodes an address gets N times the budget, still far below what a
 * 160-bit secret would need.
 */
export const GUESS_WINDOW_MS = 60_000;
export const GUESSES_PER_CLIENT = 10;
export const GUESSES_PER_ADDRESS = 30;

interface GuessWindow {
  start: number;
  failures: number;
}
const guesses = new WeakMap<object, Map<string, GuessWindow>>();

const guessLimit = (deps: Deps, address: string, clientId: string) => {
  let all = guesses.get(deps.db);
  if (all === undefined) guesses.set(deps.db, (all = new Map<string, GuessWindow>()));
  const now = deps.clock.now().getTime();
  const keys: [string, number][] = [
    [`a:${address}`, GUESSES_PER_ADDRESS],
    [`c:${address}:${clientId}`, GUESSES_PER_CLIENT],
  ];
  const current = (k: string): GuessWindow | undefined => {
    const w = all.get(k);
    if (w !== undefined && now - w.start >= GUESS_WINDOW_MS) {
      all.delete(k);
      return undefined;
    }
    return w;
  };
  return {
    check: (): void => {
      for (const [k, max] of keys) {
        const w = current(k);
        if (w !== undefined && w.failures >= max) {
          const retry = Math.max(1, Math.ceil((w.start + GUESS_WINDOW_MS - now) / 1000));
          throw new AppError('rate_limited', 'Too many failed authentication attempts.', {
            headers: { 'Retry-After': String(retry) },
          });
        }
      }
    },
    fail: (): void => {
      if (all.size > 100_000) all.clear();
      for (const [k] of keys) {
        const w = current(k);
        if (w === undefined) all.set(k, { start: now, failures: 1 });
        else w.failures++;
      }
    },
  };
};

const badRequest = (message: string, field: string) => new AppError('invalid', message, { field });

/** `POST /oauth/token` (CONTRACT C1.2): client credentials → a 32-hex bearer token. */
export const issueToken = async (deps: Deps, req: TokenRequest): Promise<TokenResponse> => {
  if (req.grant_type === undefined || req.grant_type === '')
    throw new AppError('missing', 'grant_type is required.', { field: 'grant_type' });
  if (req.grant_type !== 'client_credentials') {
    throw new AppError('invalid', `Unsupported grant type: ${req.grant_type.slice(0, 40)}`, {
      field: 'grant_type',
      crudCode: 'unsupported_grant_type',
    });
  }
  if (req.client_id === undefined || req.client_id === '')
    throw new AppError('missing', 'client_id is required.', { field: 'client_id' });
  if (req.client_secret === undefined || req.client_secret === '')
    throw new AppError('missing', 'client_secret is required.', { field: 'client_secret' });
  if (req.client_id.length > 64 || !/^[\x21-\x7e]+$/.test(req.client_id))
    throw badRequest('client_id is invalid.', 'client_id');
  if (req.client_secret.length > 42) throw badRequest('client_secret is invalid.', 'client_secret');

  const limit = guessLimit(deps, req.address ?? '', req.client_id);
  limit.check();
  const client = await store.findClient(deps.db.read, req.client_id);
  const given = Buffer.from(hashSecret(client?.secret_salt ?? 'x', req.client_secret), 'hex');
  const ok =
    client !== undefined &&
    client.revoked_at === null &&
    timingSafeEqual(given, Buffer.from(client.secret_hash, 'hex'));
  if (!ok) {
    limit.fail();
    throw new AppError('unauthenticated', 'Bad client credentials');
  }

  let entityIds = JSON.parse(client.entity_ids) as string[];
  const wanted = req.entityIdsHeader?.trim().toLowerCase();
  if (wanted !== undefined && wanted !== '') {
    if (!entityIds.includes(wanted))
      throw badRequest(
        'Zuora-Entity-Ids names an entity this client cannot access.',
        'Zuora-Entity-Ids',
      );
    entityIds = [wanted];
  }
  const tenant = await getTenant(deps, client.tenant_id);
  await deps.clock.sync();
  const now = deps.clock.now(tenant.id);
  const ttl = deps.config.tokenTtlSeconds;
  const accessToken = deps.ids.secret(16);
  const jti = deps.ids.id();
  await store.insertToken(deps.db.db, {
    token_hash: sha256(accessToken),
    tenant_id: tenant.id,
    client_id: client.id,
    entity_ids: JSON.stringify(entityIds),
    jti,
    expires_at: toIso(new Date(now.getTime() + ttl * 1000)),
    created_at: toIso(now),
  });
  // Zuora's scope names the user, the entities and the tenant number (C1.2).
  const user = sha256(`user:${client.id}`).slice(0, 32);
  const scope = [
    `user.${user}`,
    ...entityIds.map((e) => `entity.${e}`),
    `tenant.${tenant.number}`,
  ].join(' ');
  // Zuora answers expires_in 3599 for its one-hour tokens.
  return { access_token: accessToken, token_type: 'bearer', expires_in: ttl - 1, scope, jti };
};

interface CachedPrincipal {
  tenantId: string;
  clientId: string;
  entityIds: string[];
  zuoraVersionDefault: string | undefined;
  expiresAt: number;
  cachedAt: number;
}
const caches = new WeakMap<object, Map<string, CachedPrincipal>>();
const cacheOf = (deps: Deps): Map<string, CachedPrincipal> => {
  let c = caches.get(deps.db);
  if (c === undefined) caches.set(deps.db, (c = new Map<string, CachedPrincipal>()));
  return c;
};

/** Resolves a bearer token; undefined when unknown, revoked or expired (by the tenant's clock). */
export const authenticate = async (deps: Deps, token: string) => {
  if (!/^[0-9a-f]{32}$/.test(token)) return undefined;
  const hash = sha256(token);
  const cache = cacheOf(deps);
  let p = cache.get(hash);
  const wall = Date.now();
  if (p === undefined || wall - p.cachedAt > TOKEN_CACHE_MS) {
    const row = await store.findToken(deps.db.read, hash);
    if (row === undefined) {
      cache.delete(hash);
      return undefined;
    }
    p = {
      tenantId: row.tenant_id,
      clientId: row.client_id,
      entityIds: JSON.parse(row.entity_ids) as string[],
      zuoraVersionDefault: row.zuora_version_default ?? undefined,
      expiresAt: Date.parse(row.expires_at),
      cachedAt: wall,
    };
    if (cache.size > 100_000) cache.clear();
    cache.set(hash, p);
  }
  // Every tenant request passes here first: the tenant's test clock is made current for it.
  await deps.clock.sync();
  if (deps.clock.now(p.tenantId).getTime() >= p.expiresAt) return undefined;
  return {
    tenantId: p.tenantId,
    clientId: p.clientId,
    entityIds: p.entityIds,
    zuoraVersionDefault: p.zuoraVersionDefault,
  };
};

/** Removes tokens that expired more than a day ago (housekeeping). */
export const purgeExpiredTokens = async (deps: Deps): Promise<void> => {
  await store.deleteExpiredTokens(
    deps.db.db,
    toIso(new Date(deps.clock.now().getTime() - 86_400_000)),
  );
};

const clientTenants = new WeakMap<object, Map<string, string>>();
/**
 * The tenant owning an OAuth client id, for the emulator controls of `/oauth/token` (issue 12).
 * Known ids are cached per process (a client never changes tenant); unknown ids are not cached,
 * so a client created later is found.
 */
export const findClientTenant = async (
  deps: Deps,
  clientId: string,
): Promise<string | undefined> => {
  let cache = clientTenants.get(deps.db);
  if (cache === undefined) clientTenants.set(deps.db, (cache = new Map<string, string>()));
  const hit = cache.get(clientId);
  if (hit !== undefined) return hit;
  const row = await store.findClient(deps.db.read, clientId);
  if (row === undefined) return undefined;
  if (cache.size > 10_000) cache.clear();
  cache.set(clientId, row.tenant_id);
  return row.tenant_id;
};
