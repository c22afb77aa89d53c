/**
 * Operations endpoints (DESIGN.md "Observability"): `/healthz` (the process answers), `/readyz`
 * (database reachable and migrated), `/metrics` (Prometheus text of `deps.metrics`). None is
 * behind auth or rate limits: they are outside `/v1`, which is where both apply.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Resolves undefined when ready, else the reason it is not; may throw (= not ready). */
export type ReadinessCheck = () => Promise<string | undefined>;

const counterOf = (registry: Registry): Counter<'method' | 'route' | 'status'> =>
  (registry.getSingleMetric('folio_http_requests_total') as
    Counter<'method' | 'route' | 'status'> | undefined) ??
  new Counter({
    name: 'folio_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });

const histogramOf = (registry: Registry): Histogram<'method' | 'route' | 'status'> =>
  (registry.getSingleMetric('folio_http_request_duration_seconds') as
    Histogram<'method' | 'route' | 'status'> | undefined) ??
  new Histogram({
    name: 'folio_http_request_duration_seconds',
    help: 'HTTP request latency in seconds, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

export const registerOps = (
  app: FastifyInstance,
  registry: Registry,
  ready: ReadinessCheck,
): void => {
  const requests = counterOf(registry);
  const latency = histogramOf(registry);
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL, keeps label cardinality bounded; unknown paths share one.
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
  });

  const hide = { schema: { hide: true } };
  app.get('/healthz', hide, async () => ({ status: 'ok' }));
  app.get('/readyz', hide, async (request, reply) => {
    let reason: string | undefined;
    try {
      reason = await ready();
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      reason = 'database unreachable';
    }
    if (reason === undefined) return { status: 'ready' };
    return reply.code(503).send({ status: 'unavailable', reason });
  });
  app.get('/metrics', hide, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
};
