/**
 * `buildApp(deps, options)`: the Fastify application with Folio's HTTP conventions. It registers
 * request identity, Zuora-Version, authentication, the error and not-found handlers, then every
 * route plugin it is given. It never listens: `main.ts` owns the port, tests use `app.inject()`.
 */
import { randomBytes } from 'node:crypto';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { AppError, isAppError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import type { Ids } from '../ids.ts';
import type { Log } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { isValidTrackId, trackRoutes } from './conventions.ts';
import {
  checkIdempotencyHeader,
  registerIdempotency,
  type IdempotencyDeps,
} from './idempotency.ts';
import { concurrencyClassOf, type LimitConfig, type Limiter } from './limits.ts';
import { registerOps, type ReadinessCheck } from './ops.ts';
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
}

export const BODY_LIMIT = 10 * 1024 * 1024;
/** C1.7: JSON/text responses of more than 1,000 bytes are gzipped. */
export const GZIP_THRESHOLD = 1001;

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
      const pid = randomBytes(8).toString('hex').toUpperCase();
      (rawReq as { folioProcessId?: string }).folioProcessId = pid;
      return logger.child({ ...bindings, processId: pid }, opts);
    },
    requestIdHeader: false,
    bodyLimit: options.bodyLimit ?? BODY_LIMIT,
    return503OnClosing: true,
    ajv: { customOptions: { allErrors: false } },
  });
  const adminToken = adminTokenOf(deps.config);

  app.decorateRequest('principal', null);
  app.decorateRequest('zuora', null as unknown as ZuoraContext);
  app.decorateRequest('limitRelease', null);
  const routeIndex = trackRoutes(app);

  app.addHook('onRequest', async (request, reply) => {
    const surface = surfaceOf(request.url);
    const processId =
      (request.raw as { folioProcessId?: string }).folioProcessId ??
      randomBytes(8).toString('hex').toUpperCase();
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
  app.addHook('onResponse', releaseLimit);
  app.addHook('onRequestAbort', releaseLimit);

  // C1.1: JSON only (the token route adds its form parser in its own scope); text/plain → 415.
  app.removeContentTypeParser('text/plain');
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
