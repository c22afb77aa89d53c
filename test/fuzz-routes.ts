/**
 * The route list of the reliability suite, read from the running app (the OpenAPI document
 * @fastify/swagger builds from every registered route's schema), so a new route is fuzzed and
 * isolation-tested without editing a list; and the error-body check of CONTRACT C1–C2 per
 * surface, shared by the fuzz and security tests.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';

type Schema = Record<string, unknown>;

export interface Operation {
  method: string;
  /** OpenAPI form: `/v1/bill-runs/{billRunId}`. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  /** The JSON (or form) request body schema, $refs resolved. */
  body: Schema | undefined;
}

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string }[];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = new Set(['get', 'post', 'put', 'delete', 'patch']);

const deref = (doc: OpenApi, s: unknown, depth = 0): unknown => {
  if (depth > 20 || s === null || typeof s !== 'object') return s;
  if (Array.isArray(s)) return s.map((x) => deref(doc, x, depth + 1));
  const o = s as Schema;
  if (typeof o.$ref === 'string') {
    const name = o.$ref.split('/').pop()!;
    return deref(doc, doc.components?.schemas?.[name], depth + 1);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, deref(doc, v, depth + 1)]));
};

/** Every documented operation of the app (hidden test and ops routes are not documented). */
export const listOperations = (app: FastifyInstance): Operation[] => {
  const doc = (app as unknown as { swagger(): OpenApi }).swagger();
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const content = op.requestBody?.content ?? {};
      const first = Object.values(content)[0];
      ops.push({
        method,
        path,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body: first?.schema === undefined ? undefined : (deref(doc, first.schema) as Schema),
      });
    }
  }
  return ops;
};

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Asserts that `body` is an error body Folio may send for `path` with `status` (CONTRACT C1.2,
 * C1.3, C1.11 and C2.1–C2.6): the `{"message"}` gateway bodies, RFC 6749 on /oauth/token, CRUD's
 * two shapes, Object Query's integer codes, the v1 `CommonResponse` (also on /folio/v1).
 */
export const assertErrorShape = (
  path: string,
  status: number,
  raw: string,
  where: string,
): void => {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    assert.fail(`error body is not JSON: ${where}`);
  }
  assert.ok(isObj(body), where);
  if (status === 401) return assert.deepEqual(body, { message: 'Authentication error' }, where);
  if (status === 413)
    return assert.deepEqual(body, { message: 'Request size limit exceeded' }, where);
  if (status === 404 && body.message === 'Not Found')
    return assert.deepEqual(body, { message: 'Not Found' }, where);
  if (path.startsWith('/oauth/')) {
    assert.equal(typeof body.error, 'string', where);
    return;
  }
  if (path.startsWith('/v1/object/')) {
    if (status === 404 && 'done' in body)
      return assert.deepEqual(body, { done: true, records: [], size: 0 }, where);
    if ('message' in body)
      return assert.deepEqual(body, { message: 'Error - unrecognised fields' }, where);
    if ('Success' in body) {
      assert.equal(body.Success, false, where);
      assert.ok(Array.isArray(body.Errors) && body.Errors.length > 0, where);
      for (const e of body.Errors as unknown[]) {
        assert.ok(isObj(e) && typeof e.Code === 'string' && typeof e.Message === 'string', where);
      }
      return;
    }
    // CRUD answers header errors (before its own rules apply) with the v1 body.
  }
  if (path.startsWith('/object-query/') && !('success' in body)) {
    assert.ok(Array.isArray(body.reasons) && body.reasons.length > 0, where);
    for (const r of body.reasons as unknown[])
      assert.ok(isObj(r) && Number.isInteger(r.code) && typeof r.message === 'string', where);
    assert.equal(typeof body.requestId, 'string', where);
    return;
  }
  assert.equal(body.success, false, where);
  assert.match(String(body.processId), /^[0-9A-F]{16}$/, where);
  assert.match(String(body.requestId), /^[0-9a-f-]{36}$/, where);
  assert.ok(Array.isArray(body.reasons) && body.reasons.length > 0, where);
  for (const r of body.reasons as unknown[]) {
    assert.ok(isObj(r), where);
    assert.match(String(r.code), /^\d{8}$/, where);
    assert.equal(typeof r.message, 'string', where);
  }
};
