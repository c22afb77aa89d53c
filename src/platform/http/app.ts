/**
 * `buildApp(deps, options)`: the Fastify application with Folio's HTTP conventions. It registers
 * request identity, Zuora-Version, authentication, the error and not-found handlers, then every
 * route plugin it is given. It never listens: `main.ts` owns the port, tests use `app.inject()`.
 */
import { randomBytes } from 'node:crypto';
import { runInIdsScope, setIdsTenant } from '../ids.ts';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, isAppError, type ErrorKind } from '../errors.ts';
import type { Clock } from '../clock.ts';
import type { Ids } from '../ids.ts';
import type { Log } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { hasUnknownFields, isValidTrackId, trackRoutes } from './conventions.ts';
import {
  checkIdempotencyHeader,
  registerIdempotency,
  type IdempotencyDeps,
} from './idempotency.ts';
import { concurrencyClassOf, type LimitConfig, type Limiter } from './limits.ts';
import { registerOps, type ReadinessCheck } from './ops.ts';
import type { FaultInjector, FaultStatus, FaultVerdict } from './faults.ts';
import { loggableBody, type RequestLog } from './request-log.ts';
import {
  STATUS_VERSION,
  parseZuoraVersion,
  routeNotFoundReply,
  toErrorReply,
  type ErrorReply,
  type Surface,
} from './zuora-errors.ts';

/** Who is calling: resolved from the bearer token and `Zuora-Entity-Ids` (C1.3–C1.4). */
export interface Principal {
  tenantId: string;
  /** Every entity the token covers. */
  entityIds: string[];
  /** The entity this request acts in (the only one, or the one named by `Zuora-Entity-Ids`). */
  entityId: string;
  clientId: string;
  /** The tenant's default Zuora-Version, when it has one (C1.6). */
  zuoraVersionDefault?: string | undefined;
}

/** Per-request Zuora facts every handler and error body can read. */
export interface ZuoraContext {
  requestId: string;
  processId: string;
  /** The effective Zuora-Version: the header, else the tenant default, else the configured one. */
  version: string;
  surface: Surface;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    zuora: ZuoraContext;
    /** Ends the request's concurrency slot (C1.11); null when the request is not counted. */
    limitRelease: (() => void) | null;
    /** The tenant a Zuora-route request acts for (also for `/oauth/token`), for the emulator controls. */
    folioTenantId: string | null;
    /** The fault rule that answered or delayed this request (issue 12). */
    folioFaultId: string | null;
    /** The request and response bodies kept for the request log (only when bodies are logged). */
    folioRequestBody: unknown;
    folioResponseBody: unknown;
  }
  interface FastifyContextConfig {
    /** 6-digit Zuora resource code of the operation for error codes (C2.2). */
    zuoraResource?: string;
  }
}

/** What the HTTP layer needs from Deps; the full Deps object satisfies it. */
export interface HttpDeps {
  config: { zuoraVersionDefault: string; adminToken: string; demo: boolean } & LimitConfig;
  log: Log;
  ids: Ids;
  clock: Clock;
  metrics: Metrics;
  limits: Limiter;
  /** Fault rules for the Zuora routes (issue 12); absent: none. */
  faults?: FaultInjector;
  /** The last requests of each tenant (issue 12); absent: not kept. */
  requestLog?: RequestLog;
}

/** Resolves a bearer token to its tenant and entity set, or undefined when invalid or expired. */
export type Authenticate = (token: string) => Promise<Omit<Principal, 'entityId'> | undefined>;

export type App = FastifyInstance;
/** A route plugin: registers its routes on an encapsulated scope, with the deps it needs. */
export type RoutePlugin<D> = (app: FastifyInstance, deps: D) => Promise<void>;

export interface AppOptions<D> {
  routes: readonly RoutePlugin<D>[];
  authenticate: Authenticate;
  /** Limit of request bodies after decompression (C1.11: 10 MiB). */
  bodyLimit?: number;
  /** The writer database seen through the idempotency table only (C1.8). */
  idempotencyDb: IdempotencyDeps['db']['db'];
  /** `/readyz`: undefined when ready, else why not (default: always ready). */
  ready?: ReadinessCheck;
  /** The tenant of an OAuth client id, so `/oauth/token` calls reach the emulator controls. */
  tenantOfClient?: (clientId: string) => Promise<string | undefined>;
}

export const BODY_LIMIT = 10 * 1024 * 1024;
/** C1.7: JSON/text responses of more than 1,000 bytes are gzipped. */
export const GZIP_THRESHOLD = 1001;

// processIds (C2.1: 16 uppercase hex) from a pooled random buffer: one randomBytes call per 512
// requests instead of one per request (it showed in the GET /v1/bill-runs/{id} profile).
let pidPool = Buffer.alloc(0);
let pidOffset = 0;
const newProcessId = (): string => {
  if (pidOffset + 8 > pidPool.length) {
    pidPool = randomBytes(4096);
    pidOffset = 0;
  }
  pidOffset += 8;
  return pidPool.toString('hex', pidOffset - 8, pidOffset).toUpperCase();
};

export const surfaceOf = (url: string): Surface => {
  if (url.startsWith('/oauth/')) return 'oauth';
  if (url.startsWith('/v1/object/')) return 'crud';
  if (url.startsWith('/object-query/')) return 'objectQuery';
  if (url.startsWith('/folio/')) return 'admin';
  return 'v1';
};

const needsTenantAuth = (url: string): boolean =>
  url.startsWith('/v1/') || url === '/v1' || url.startsWith('/object-query/');

/** The admin bearer token in effect: configured, else `demo-admin` in demo mode, else none. */
export const adminTokenOf = (config: HttpDeps['config']): string | undefined =>
  config.adminToken !== '' ? config.adminToken : config.demo ? 'demo-admin' : undefined;

const bearer = (req: FastifyRequest): string | undefined => {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
};

/** Fastify and schema failures expressed as AppErrors, so one table answers all of them. */
export const toAppError = (err: FastifyError | Error): AppError => {
  if (isAppError(err)) return err;
  const fe = err as FastifyError & {
    validation?: {
      keyword: string;
      instancePath: string;
      params: Record<string, unknown>;
      message?: string;
    }[];
  };
  if (fe.validation !== undefined && fe.validation.length > 0) {
    const v = fe.validation[0]!;
    const base = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    if (v.keyword === 'required') {
      const field = [base, String(v.params.missingProperty)].filter((s) => s !== '').join('.');
      return new AppError('missing', `${field} is required.`, { field });
    }
    const where =
      fe.validationContext === 'body' || fe.validationContext === undefined
        ? ''
        : `${fe.validationContext} `;
    const field = base === '' ? where.trim() || 'body' : base;
    return new AppError(
      'invalid',
      `Invalid value for ${where}field ${field}: ${v.message ?? 'invalid'}.`,
      { field },
    );
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        'unsupported',
        `Content type '${String((fe as { contentType?: string }).contentType ?? '')}' is not supported; send application/json.`.replace(
          " ''",
          '',
        ),
        { status: 415 },
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('too_large', 'Request size limit exceeded');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed', 'Malformed request body: not valid JSON.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('malformed', 'Content-Length does not match the body.');
    // @fastify/compress: a body that does not inflate is malformed (C1.7: cat90).
    case 'FST_CP_ERR_INVALID_CONTENT':
      return new AppError('malformed', 'Malformed request body: not valid gzip.');
    case 'FST_CP_ERR_INVALID_CONTENT_ENCODING':
      return new AppError('unsupported', 'Content-Encoding not supported; send gzip or none.', {
        status: 415,
      });
    default:
      break;
  }
  if (err instanceof SyntaxError || (fe.statusCode === 400 && /JSON/i.test(fe.message))) {
    return new AppError('malformed', 'Malformed request body: not valid JSON.');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.statusCode === 413) return new AppError('too_large', 'Request size limit exceeded');
    if (fe.statusCode === 415) return new AppError('unsupported', fe.message, { status: 415 });
    return new AppError('invalid', fe.message);
  }
  return new AppError('internal', 'internal server error', { cause: err });
};

/** Sends an ErrorReply without the route's response schema (legacy 200 bodies are errors). */
export const sendErrorReply = (reply: FastifyReply, r: ErrorReply): FastifyReply =>
  reply
    .code(r.status)
    .headers(r.headers)
    .type('application/json; charset=utf-8')
    .serializer((b: unknown) => JSON.stringify(b))
    .send(r.body);

export const replyWithError = (
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
): FastifyReply => {
  const z = request.zuora;
  return sendErrorReply(
    reply,
    toErrorReply(error, {
      surface: z.surface,
      version: z.version,
      requestId: z.requestId,
      processId: z.processId,
      method: request.method,
      ...(request.routeOptions.config.zuoraResource === undefined
        ? {}
        : { resource: request.routeOptions.config.zuoraResource }),
    }),
  );
};

export const buildApp = async <D extends HttpDeps>(
  deps: D,
  options: AppOptions<D>,
): Promise<FastifyInstance> => {
  const logger: FastifyBaseLogger = deps.log;
  const app = Fastify({
    loggerInstance: logger,
    genReqId: () => deps.ids.uuid(),
    // The processId is bound when Fastify makes the request logger, so even its first line
    // ("incoming request") carries it beside reqId (= Zuora-Request-Id).
    childLoggerFactory: (logger, bindings, opts, rawReq) => {
      // From the id port, so deterministic mode (FOLIO_SEED) reproduces it too (issue 12).
      const pid = deps.ids.id().slice(0, 16).toUpperCase();
      (rawReq as { folioProcessId?: string }).folioProcessId = pid;
      return logger.child({ ...bindings, processId: pid }, opts);
    },
    requestIdHeader: false,
    bodyLimit: options.bodyLimit ?? BODY_LIMIT,
    return503OnClosing: true,
    // A path segment longer than the router's limit (100) or with a broken %-escape matches no
    // route: C1.11's unknown-path answer, 404 {"message":"Not Found"}, instead of Fastify's own
    // 400/414 body (found by the fuzz suite, docs/reliability.md). Keys are ≤ 32 chars (C0.3).
    frameworkErrors: (_err, request, reply) => {
      void reply.header('Zuora-Request-Id', request.id);
      void sendErrorReply(reply, routeNotFoundReply());
    },
    ajv: { customOptions: { allErrors: false } },
  });
  const adminToken = adminTokenOf(deps.config);

  app.decorateRequest('principal', null);
  app.decorateRequest('zuora', null as unknown as ZuoraContext);
  app.decorateRequest('limitRelease', null);
  app.decorateRequest('folioTenantId', null);
  app.decorateRequest('folioFaultId', null);
  app.decorateRequest('folioRequestBody', undefined);
  app.decorateRequest('folioResponseBody', undefined);
  const routeIndex = trackRoutes(app);

  // Ids made while serving a request come from its tenant's sequence once it is known (issue 12:
  // deterministic mode). A callback hook, so the rest of the request runs inside the scope.
  app.addHook('onRequest', (_request, _reply, done) => runInIdsScope(done));

  app.addHook('onRequest', async (request, reply) => {
    const surface = surfaceOf(request.url);
    const processId = (request.raw as { folioProcessId?: string }).folioProcessId ?? newProcessId();
    request.zuora = {
      requestId: request.id,
      processId,
      version: deps.config.zuoraVersionDefault,
      surface,
    };
    void reply.header('Zuora-Request-Id', request.id);

    // C1.5: checked before authentication so even a 401 echoes it; an invalid value is refused
    // with 400/cat20 (C7 #10) whatever the version, like other header errors, and never echoed.
    const trackHeader = request.headers['zuora-track-id'];
    if (trackHeader !== undefined) {
      const track = Array.isArray(trackHeader) ? trackHeader.join(', ') : trackHeader;
      if (!isValidTrackId(track)) {
        request.zuora.version = STATUS_VERSION;
        throw new AppError(
          'invalid',
          'Invalid Zuora-Track-Id header: at most 64 printable US-ASCII characters, none of : ; " \'.',
          { field: 'Zuora-Track-Id' },
        );
      }
      void reply.header('Zuora-Track-Id', track);
    }

    const header = request.headers['zuora-version'];
    const parsed = typeof header === 'string' ? parseZuoraVersion(header) : undefined;

    let found: Awaited<ReturnType<Authenticate>>;
    if (surface === 'admin') {
      if (adminToken === undefined)
        throw new AppError('forbidden', 'The admin API is disabled: set FOLIO_ADMIN_TOKEN.');
      if (bearer(request) !== adminToken)
        throw new AppError('unauthenticated', 'Authentication error');
    } else if (needsTenantAuth(request.url)) {
      const token = bearer(request);
      found = token === undefined ? undefined : await options.authenticate(token);
      if (found === undefined) throw new AppError('unauthenticated', 'Authentication error');
    }

    if (typeof header === 'string') {
      if (parsed === undefined) {
        // C1.6: an unparseable version is answered 400/cat20 whatever the default version says.
        request.zuora.version = STATUS_VERSION;
        throw new AppError(
          'invalid',
          `Invalid Zuora-Version header value: ${header.slice(0, 40)}`,
          { field: 'Zuora-Version' },
        );
      }
      request.zuora.version = parsed;
    } else if (found?.zuoraVersionDefault !== undefined) {
      request.zuora.version = found.zuoraVersionDefault;
    }
    if (found !== undefined) {
      setIdsTenant(found.tenantId);
      request.principal = {
        ...found,
        entityId: resolveEntity(found.entityIds, request.headers['zuora-entity-ids']),
      };
      checkIdempotencyHeader(request);
      // C1.11: every authenticated tenant call counts; 401s never reach here.
      const path = request.url.split('?', 1)[0] ?? request.url;
      const decision = await deps.limits.take(
        found.tenantId,
        deps.clock.now(found.tenantId),
        concurrencyClassOf(request.method, path),
      );
      void reply.headers(decision.headers);
      if (!decision.allowed) {
        throw new AppError(
          'rate_limited',
          decision.reason === 'concurrency'
            ? 'Too many concurrent requests for this tenant.'
            : 'Rate limit exceeded for this tenant.',
          { headers: { 'Retry-After': String(decision.retryAfter) } },
        );
      }
      request.limitRelease = decision.release;
    }
  });

  const releaseLimit = async (request: FastifyRequest): Promise<void> => {
    request.limitRelease?.();
    request.limitRelease = null;
  };
  // C1.9: CRUD POST/PUT with `?rejectUnknownFields=true` refuse a body field the operation does
  // not declare (checked before validation, which ignores undeclared fields).
  app.addHook('preValidation', async (request) => {
    if (request.zuora.surface !== 'crud') return;
    if (request.method !== 'POST' && request.method !== 'PUT') return;
    const flag = (request.query as Record<string, unknown> | undefined)?.rejectUnknownFields;
    if (typeof flag !== 'string' || flag.toLowerCase() !== 'true') return;
    const schema = request.routeOptions.schema?.body as Parameters<typeof hasUnknownFields>[1];
    if (hasUnknownFields(request.body, schema))
      throw new AppError('unrecognised_fields', 'Error - unrecognised fields');
  });
  app.addHook('onResponse', releaseLimit);
  app.addHook('onRequestAbort', releaseLimit);

  // C1.1: JSON only (the token route adds its form parser in its own scope); text/plain → 415.
  app.removeContentTypeParser('text/plain');
  // Registered before the idempotency hook, so an injected fault is never recorded as a result.
  registerEmulatorHooks(app, deps, options.tenantOfClient);
  registerIdempotency(app, { db: { db: options.idempotencyDb }, clock: deps.clock, ids: deps.ids });
  registerOps(app, deps.metrics, options.ready ?? (async () => undefined));

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const appErr = toAppError(err);
    if (appErr.kind === 'internal') request.log.error({ err }, 'unhandled error');
    return replyWithError(request, reply, appErr);
  });

  app.setNotFoundHandler((request, reply) => {
    // C1.11: a known path with another method is 405/cat45, an unknown path 404 {"message"}.
    const allowed = routeIndex.methodsFor(request.url);
    if (allowed.length === 0) return sendErrorReply(reply, routeNotFoundReply());
    return replyWithError(
      request,
      reply,
      new AppError('unsupported', `Request method '${request.method}' is not supported.`, {
        status: 405,
        headers: { Allow: allowed.join(', ') },
      }),
    );
  });

  // C1.7, both ways: request bodies with Content-Encoding gzip are inflated in preParsing and
  // Fastify counts the *inflated* bytes against bodyLimit as they stream, so a gzip bomb is cut
  // off at 10 MiB (413) instead of inflating in memory. Responses: gzip only, JSON/text only;
  // mime-db marks application/pdf and application/zip not compressible, so they never are.
  await app.register(compress, {
    global: true,
    encodings: ['gzip'],
    requestEncodings: ['gzip'],
    threshold: GZIP_THRESHOLD,
    customTypes: /^(application\/json|text\/)/,
  });

  // OpenAPI generated from the route schemas (DESIGN.md "Contract fidelity"); committed as openapi.json.
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Folio — Zuora-compatible Billing API',
        version: '0.1.0',
        description:
          'Bill runs, billing documents, invoice PDFs and bulk PDF export, wire-compatible with Zuora Billing REST API v1.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Token from POST /oauth/token' },
        },
      },
      security: [{ bearer: [] }],
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const plugin of options.routes) {
    await app.register(async (scope) => plugin(scope, deps));
  }
  return app;
};

/** C1.4: which entity a request acts in, given the token's set and the `Zuora-Entity-Ids` header. */
export const resolveEntity = (
  entityIds: string[],
  header: string | string[] | undefined,
): string => {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined || value.trim() === '') {
    if (entityIds.length === 1) return entityIds[0]!;
    throw new AppError(
      'missing_parameter',
      'Zuora-Entity-Ids header is required for a multi-entity token.',
      { field: 'Zuora-Entity-Ids' },
    );
  }
  const wanted = value.trim().toLowerCase();
  if (wanted.includes(',') || !entityIds.includes(wanted)) {
    throw new AppError(
      'forbidden',
      'The entity in Zuora-Entity-Ids is not accessible with this token.',
      { field: 'Zuora-Entity-Ids' },
    );
  }
  return wanted;
};

/** The error kind whose Zuora body a fault status carries (zuora-errors.ts builds it). */
const FAULT_KINDS: Record<FaultStatus, ErrorKind> = {
  400: 'invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'busy',
  429: 'rate_limited',
  500: 'internal',
  502: 'internal',
  503: 'internal',
  504: 'internal',
};

/** The reply of a fault rule with a status: the surface's own error body for that status. */
const faultReply = (
  request: FastifyRequest,
  reply: FastifyReply,
  v: FaultVerdict,
): FastifyReply => {
  const status = v.status!;
  const kind = FAULT_KINDS[status];
  const headers: Record<string, string> = {};
  if (status === 429) {
    // A limit "exhausted" by the rule: nothing remaining until Retry-After (C1.11 headers).
    headers['Retry-After'] = String(v.retryAfter);
    headers['RateLimit-Remaining'] = '0';
    headers['RateLimit-Reset'] = String(v.retryAfter);
  }
  if (status === 503) headers['Retry-After'] = String(v.retryAfter);
  const z = request.zuora;
  const r = toErrorReply(new AppError(kind, v.message, { headers }), {
    surface: z.surface,
    version: z.version,
    requestId: z.requestId,
    processId: z.processId,
    method: request.method,
    ...(request.routeOptions.config.zuoraResource === undefined
      ? {}
      : { resource: request.routeOptions.config.zuoraResource }),
  });
  // Zuora publishes no 502/503/504 body; these carry the surface's 500 body (C2.4 on v1 REST,
  // C2.5 UNKNOWN_ERROR on CRUD, C2.6 on Object Query, RFC 6749 server_error on /oauth/token),
  // which is what a client's 5xx handling has to cope with anyway.
  return sendErrorReply(reply, kind === 'internal' ? { ...r, status } : r);
};

/**
 * Fault injection and the request log (issue 12) on the Zuora routes. The tenant is the token's,
 * or for `/oauth/token` the one owning `client_id`; `/folio/v1`, `/files` and the operations
 * endpoints are never touched.
 */
const registerEmulatorHooks = (
  app: FastifyInstance,
  deps: HttpDeps,
  tenantOfClient: AppOptions<unknown>['tenantOfClient'],
): void => {
  const { faults, requestLog } = deps;
  const logging = requestLog !== undefined && requestLog.size > 0;
  if (faults === undefined && !logging) return;

  app.addHook('preValidation', async (request, reply) => {
    let tenantId = request.principal?.tenantId;
    if (tenantId === undefined && request.zuora.surface === 'oauth' && tenantOfClient) {
      const id = (request.body as { client_id?: unknown } | undefined)?.client_id;
      if (typeof id === 'string' && id.length > 0 && id.length <= 64)
        tenantId = await tenantOfClient(id);
    }
    if (tenantId === undefined) return;
    request.folioTenantId = tenantId;
    // As sent: schema validation fills in defaults afterwards.
    if (logging && requestLog.bodies) request.folioRequestBody = loggableBody(request.body);
    const verdict = faults?.check(tenantId, request.method, request.url);
    if (verdict === undefined) return;
    request.folioFaultId = verdict.ruleId;
    if (verdict.latencyMs > 0) await sleep(verdict.latencyMs);
    if (verdict.drop) {
      // No response at all: the client sees the connection close (ECONNRESET / "socket hang up").
      void reply.hijack();
      if (logging) recordRequest(deps, request, 0, reply.elapsedTime);
      request.raw.socket?.destroy();
      return reply;
    }
    if (verdict.status !== null) return faultReply(request, reply, verdict);
    return undefined;
  });

  if (!logging) return;
  if (requestLog.bodies)
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.folioTenantId === null && request.principal === null) return payload;
      const type = String(reply.getHeader('content-type') ?? '');
      if (typeof payload === 'string' && type.startsWith('application/json')) {
        try {
          request.folioResponseBody = loggableBody(JSON.parse(payload));
        } catch {
          request.folioResponseBody = null;
        }
      } else request.folioResponseBody = null;
      return payload;
    });
  app.addHook('onResponse', (request, reply, done) => {
    recordRequest(deps, request, reply.statusCode, reply.elapsedTime);
    done();
  });
};

const recordRequest = (
  deps: HttpDeps,
  request: FastifyRequest,
  status: number,
  elapsedMs: number,
): void => {
  const tenantId = request.folioTenantId ?? request.principal?.tenantId;
  const log = deps.requestLog;
  if (tenantId === undefined || log === undefined) return;
  const track = request.headers['zuora-track-id'];
  log.record(tenantId, {
    at: new Date(Date.now() - elapsedMs).toISOString(),
    method: request.method,
    path: request.url,
    status,
    requestId: request.id,
    // Kept only when it was valid (an invalid one is refused before any tenant is known).
    trackId: typeof track === 'string' ? track : null,
    durationMs: Math.round(elapsedMs * 100) / 100,
    faultId: request.folioFaultId,
    ...(log.bodies
      ? {
          requestBody: request.folioRequestBody ?? null,
          responseBody: request.folioResponseBody ?? null,
        }
      : {}),
  });
};
