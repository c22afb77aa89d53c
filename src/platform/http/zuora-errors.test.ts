import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, type ErrorKind } from '../errors.ts';
import {
  KINDS,
  parseZuoraVersion,
  toErrorReply,
  usesHttpStatus,
  type ErrorContext,
} from './zuora-errors.ts';

const ctx = (over: Partial<ErrorContext> = {}): ErrorContext => ({
  surface: 'v1',
  version: '2024-05-20',
  requestId: '0b5e6c1e-2f0a-4c8e-9d6a-1d2f3e4a5b6c',
  processId: 'CBCFED6580B4E076',
  method: 'POST',
  resource: '560100',
  ...over,
});

// One row per kind: [kind, category, HTTP status on new versions, CRUD code] — STYLE.md "Errors".
const rows: [ErrorKind, number | undefined, number, string][] = [
  ['forbidden', 10, 403, 'INVALID_VALUE'],
  ['invalid', 20, 400, 'INVALID_VALUE'],
  ['unknown_field', 20, 400, 'INVALID_FIELD'],
  ['missing', 22, 400, 'MISSING_REQUIRED_VALUE'],
  ['missing_parameter', 23, 400, 'MISSING_REQUIRED_VALUE'],
  ['bad_query', 27, 400, 'INVALID_VALUE'],
  ['rule', 30, 400, 'INVALID_VALUE'],
  ['not_found', 40, 404, 'INVALID_ID'],
  ['unsupported', 45, 415, 'INVALID_VALUE'],
  ['busy', 50, 409, 'INVALID_VALUE'],
  ['idempotency_in_flight', 50, 409, 'INVALID_VALUE'],
  ['idempotency_mismatch', 20, 422, 'INVALID_VALUE'],
  ['rate_limited', 70, 429, 'INVALID_VALUE'],
  ['malformed', 90, 400, 'INVALID_VALUE'],
];

for (const [kind, category, status, crud] of rows) {
  test(`kind ${kind}: cat${category} → HTTP ${status} on v1 ≥ 2024-05-20, code 560100${category}, CRUD ${crud}`, () => {
    assert.equal(KINDS[kind].category, category);
    const r = toErrorReply(new AppError(kind, 'm'), ctx());
    assert.equal(r.status, status);
    assert.deepEqual(r.body, {
      success: false,
      processId: 'CBCFED6580B4E076',
      reasons: [{ code: `560100${String(category)}`, message: 'm' }],
      requestId: '0b5e6c1e-2f0a-4c8e-9d6a-1d2f3e4a5b6c',
    });
    const legacy = toErrorReply(new AppError(kind, 'm'), ctx({ version: '186.0' }));
    assert.equal(
      legacy.status,
      kind === 'rate_limited' || kind === 'unsupported' ? status : 200,
      'legacy versions answer 200 (429 and 405/415 never change)',
    );
    const c = toErrorReply(new AppError(kind, 'm'), ctx({ surface: 'crud', method: 'PUT' }));
    assert.deepEqual(c.body, {
      Success: false,
      Errors: [{ Code: kind === 'rate_limited' ? 'REQUEST_EXCEEDED_LIMIT' : crud, Message: 'm' }],
    });
    const oq = toErrorReply(
      new AppError(kind, 'm'),
      ctx({ surface: 'objectQuery', version: '186.0', resource: '500000' }),
    );
    assert.equal(oq.status, status, 'Object Query ignores Zuora-Version');
    assert.deepEqual(oq.body, {
      reasons: [{ code: Number(`500000${String(category)}`), message: 'm' }],
      requestId: ctx().requestId,
    });
  });
}

test('kind internal: v1 ErrorResponse 500 on every version; CRUD UNKNOWN_ERROR; Object Query C2.6 shape', () => {
  for (const version of ['186.0', '2025-01-01']) {
    const r = toErrorReply(new AppError('internal', 'x'), ctx({ version }));
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, {
      reasons: [{ code: 'SystemError', message: 'internal server error' }],
    });
  }
  const c = toErrorReply(new AppError('internal', 'x'), ctx({ surface: 'crud' }));
  assert.equal(c.status, 500);
  assert.deepEqual(c.body, { Success: false, Errors: [{ Code: 'UNKNOWN_ERROR', Message: 'x' }] });
  const oq = toErrorReply(
    new AppError('internal', 'x'),
    ctx({ surface: 'objectQuery', resource: '500000' }),
  );
  assert.equal(oq.status, 500);
  assert.deepEqual(oq.body, {
    reasons: [{ code: 50000060, message: 'x' }],
    requestId: ctx().requestId,
  });
});

test('kind unauthenticated: 401 {"message":"Authentication error"} + WWW-Authenticate on every surface and version', () => {
  for (const surface of ['v1', 'crud', 'objectQuery', 'admin'] as const) {
    for (const version of ['186.0', '2025-01-01']) {
      const r = toErrorReply(new AppError('unauthenticated', 'x'), ctx({ surface, version }));
      assert.equal(r.status, 401);
      assert.deepEqual(r.body, { message: 'Authentication error' });
      assert.equal(
        r.headers['WWW-Authenticate'],
        'Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API',
      );
    }
  }
});

test('kind too_large: 413 {"message":"Request size limit exceeded"} on every surface and version', () => {
  for (const surface of ['v1', 'crud', 'objectQuery', 'oauth'] as const) {
    const r = toErrorReply(new AppError('too_large', 'x'), ctx({ surface, version: '186.0' }));
    assert.equal(r.status, 413);
    assert.deepEqual(r.body, { message: 'Request size limit exceeded' });
  }
});

test('kind unrecognised_fields: 400 {"message":"Error - unrecognised fields"} whatever the version (C1.9)', () => {
  for (const version of ['186.0', '2025-01-01']) {
    const r = toErrorReply(
      new AppError('unrecognised_fields', 'x'),
      ctx({ surface: 'crud', version, method: 'PUT' }),
    );
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { message: 'Error - unrecognised fields' });
  }
});

test('CRUD GET of an unknown id: 404 {done:true, records:[], size:0}; PUT/DELETE: 404 INVALID_ID', () => {
  const g = toErrorReply(
    new AppError('not_found', 'nope'),
    ctx({ surface: 'crud', method: 'GET' }),
  );
  assert.equal(g.status, 404);
  assert.deepEqual(g.body, { done: true, records: [], size: 0 });
  const d = toErrorReply(
    new AppError('not_found', 'nope'),
    ctx({ surface: 'crud', method: 'DELETE' }),
  );
  assert.equal(d.status, 404);
  assert.deepEqual(d.body, { Success: false, Errors: [{ Code: 'INVALID_ID', Message: 'nope' }] });
  const v = toErrorReply(
    new AppError('invalid', 'wsdl', { crudCode: 'INVALID_VERSION' }),
    ctx({ surface: 'crud' }),
  );
  assert.deepEqual(v.body, {
    Success: false,
    Errors: [{ Code: 'INVALID_VERSION', Message: 'wsdl' }],
  });
});

test('OAuth errors are RFC 6749 bodies', () => {
  const o = (e: AppError) => toErrorReply(e, ctx({ surface: 'oauth' }));
  assert.deepEqual(
    [
      o(new AppError('unauthenticated', 'bad')).status,
      (o(new AppError('unauthenticated', 'bad')).body as { error: string }).error,
    ],
    [401, 'invalid_client'],
  );
  assert.equal(
    (o(new AppError('missing', 'x')).body as { error: string }).error,
    'invalid_request',
  );
  assert.equal(o(new AppError('missing', 'x')).status, 400);
  const g = o(new AppError('invalid', 'x', { crudCode: 'unsupported_grant_type' }));
  assert.deepEqual(
    [g.status, (g.body as { error: string }).error],
    [400, 'unsupported_grant_type'],
  );
  assert.equal(o(new AppError('unsupported', 'x', { status: 415 })).status, 415);
});

test('the admin surface keeps real statuses whatever the version', () => {
  const r = toErrorReply(
    new AppError('not_found', 'x'),
    ctx({ surface: 'admin', version: '186.0' }),
  );
  assert.equal(r.status, 404);
});

test('Zuora-Version parsing: dates and legacy numbers; the status rule starts at 2024-05-20', () => {
  assert.equal(parseZuoraVersion('2024-05-20'), '2024-05-20');
  assert.equal(parseZuoraVersion('211.0'), '211.0');
  assert.equal(parseZuoraVersion('2024-02-30'), undefined);
  assert.equal(parseZuoraVersion('latest'), undefined);
  assert.equal(parseZuoraVersion('999.0'), undefined);
  assert.equal(usesHttpStatus('2024-05-19'), false);
  assert.equal(usesHttpStatus('2024-05-20'), true);
  assert.equal(usesHttpStatus('341.0'), false);
});
