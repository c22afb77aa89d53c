// The console's only way to the server: Folio's own APIs with the signed-in credentials.
// Admin: the admin token on /folio/v1; for a tenant's data it signs in as that tenant through an
// OAuth client it creates once per tenant and entity ("Folio console", kept in localStorage so a
// reload reuses it; revoke it on the Tenants page like any client). Tenant: client id + secret.

const SESSION_KEY = 'folio.console.session';
const clientKey = (tenantId, entityId) => `folio.console.client.${tenantId}.${entityId}`;

/** An API failure with the server's own message (Zuora error bodies, `{message}`, RFC 6749). */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const messageOf = (status, body) => {
  if (body && typeof body === 'object') {
    if (Array.isArray(body.reasons) && body.reasons[0]) return body.reasons[0].message;
    if (Array.isArray(body.Errors) && body.Errors[0]) return body.Errors[0].Message;
    if (typeof body.message === 'string') return body.message;
    if (typeof body.error_description === 'string') return body.error_description;
    if (typeof body.error === 'string') return body.error;
  }
  return `HTTP ${status}`;
};

const parse = async (res) => {
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await res.json() : await res.text();
  // v1 answers some failures with 200 and success:false (CONTRACT C1: Zuora-Version < 207).
  if (!res.ok || (body && typeof body === 'object' && body.success === false))
    throw new ApiError(res.status, messageOf(res.status, body));
  return body;
};

/** The saved session: `{kind:'admin', adminToken, tenantId?, entityId?}` or `{kind:'tenant', …}`. */
export const session = () => {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
  } catch {
    return null;
  }
};
export const saveSession = (s) => {
  if (s === null) sessionStorage.removeItem(SESSION_KEY);
  else sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
};
export const isAdmin = () => session()?.kind === 'admin';

let token = null; // { value, expiresAt, key }

const requestToken = async (clientId, clientSecret) => {
  const res = await fetch('/oauth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  const body = await parse(res);
  const entities = String(body.scope ?? '')
    .split(' ')
    .filter((s) => s.startsWith('entity.'))
    .map((s) => s.slice('entity.'.length));
  return {
    value: body.access_token,
    expiresAt: Date.now() + (body.expires_in - 60) * 1000,
    entities,
  };
};

/** Admin calls: the admin token on Folio's admin API. */
export const admin = async (path, { method = 'GET', body } = {}) => {
  const s = session();
  const res = await fetch(path, {
    method,
    headers: {
      Authorization: `Bearer ${s?.adminToken ?? ''}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status === 204) return null;
  return parse(res);
};

/** Signs in with a tenant's OAuth client; returns the entities its token covers. */
export const signInTenant = async (clientId, clientSecret) => {
  const t = await requestToken(clientId, clientSecret);
  token = { ...t, key: clientId };
  saveSession({
    kind: 'tenant',
    clientId,
    clientSecret,
    entityId: t.entities[0] ?? null,
    entities: t.entities,
  });
  return t.entities;
};

const consoleClient = async (tenantId, entityId) => {
  const saved = localStorage.getItem(clientKey(tenantId, entityId));
  if (saved !== null) {
    const c = JSON.parse(saved);
    try {
      return { ...c, token: await requestToken(c.clientId, c.clientSecret) };
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
      localStorage.removeItem(clientKey(tenantId, entityId)); // revoked or tenant recreated
    }
  }
  const created = await admin(`/folio/v1/tenants/${encodeURIComponent(tenantId)}/oauth-clients`, {
    method: 'POST',
    body: { name: 'Folio console', entityIds: [entityId] },
  });
  const c = { clientId: created.clientId, clientSecret: created.clientSecret };
  localStorage.setItem(clientKey(tenantId, entityId), JSON.stringify(c));
  return { ...c, token: await requestToken(c.clientId, c.clientSecret) };
};

const bearer = async () => {
  const s = session();
  if (s === null) throw new ApiError(401, 'Not signed in');
  if (s.kind === 'tenant') {
    if (token === null || token.key !== s.clientId || token.expiresAt < Date.now())
      token = { ...(await requestToken(s.clientId, s.clientSecret)), key: s.clientId };
    return { value: token.value, entity: s.entities.length > 1 ? s.entityId : null };
  }
  if (!s.tenantId || !s.entityId) throw new ApiError(400, 'Choose a tenant first (Tenants page).');
  const key = `${s.tenantId}.${s.entityId}`;
  if (token === null || token.key !== key || token.expiresAt < Date.now())
    token = { ...(await consoleClient(s.tenantId, s.entityId)).token, key };
  return { value: token.value, entity: null };
};

/** Tenant calls (`/v1`, `/object-query`) with the tenant token; `raw` returns the Response. */
export const tenant = async (path, { method = 'GET', body, raw = false } = {}) => {
  const t = await bearer();
  const res = await fetch(path, {
    method,
    headers: {
      Authorization: `Bearer ${t.value}`,
      ...(t.entity ? { 'Zuora-Entity-Ids': t.entity } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (raw) {
    if (!res.ok) await parse(res);
    return res;
  }
  return parse(res);
};

/** The tenant the signed-in session looks at (the admin's choice), for the admin reads. */
export const currentTenantId = () => session()?.tenantId ?? null;

export const forgetToken = () => {
  token = null;
};
