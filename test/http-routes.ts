/**
 * Test-only routes for the HTTP conventions (platform/http): a gated POST that counts its runs
 * (idempotency), JSON and PDF responses of a chosen size (gzip), a JSON body echo (size limits).
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../src/deps.ts';

/** Controls of the gated route: how many times it ran, and the gate it waits on. */
export const gated = {
  runs: 0,
  open: Promise.resolve() as Promise<void>,
  /** Closes the gate; the returned function opens it. */
  close(): () => void {
    let release = (): void => undefined;
    this.open = new Promise<void>((res) => {
      release = res;
    });
    return release;
  },
  /** Resolves once the handler has started `n` runs in total. */
  async started(n: number): Promise<void> {
    while (this.runs < n) await new Promise((r) => setImmediate(r));
  },
};

export const httpTestRoutes = async (app: FastifyInstance, _deps: Deps): Promise<void> => {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/v1/test-gated',
    {
      config: { zuoraResource: '599800' },
      schema: {
        hide: true,
        body: Type.Object({ name: Type.String({ maxLength: 32 }) }),
      },
    },
    async (request, reply) => {
      gated.runs++;
      const run = gated.runs;
      await gated.open;
      if (request.body.name === 'fail') throw new Error('boom');
      return reply
        .code(201)
        .header('X-Test-Run', String(run))
        .send({ success: true, name: request.body.name, run });
    },
  );
  r.put('/v1/test-gated', { schema: { hide: true } }, async () => ({ success: true }));
  r.get(
    '/v1/test-json',
    { schema: { hide: true, querystring: Type.Object({ size: Type.Integer() }) } },
    async (request) => ({ success: true, data: 'x'.repeat(request.query.size) }),
  );
  r.get(
    '/v1/test-pdf',
    { schema: { hide: true, querystring: Type.Object({ size: Type.Integer() }) } },
    async (request, reply) =>
      reply.type('application/pdf').send(Buffer.alloc(request.query.size, 0x41)),
  );
  r.post('/v1/test-echo', { schema: { hide: true } }, async (request) => ({
    success: true,
    bytes: JSON.stringify(request.body).length,
  }));
};
