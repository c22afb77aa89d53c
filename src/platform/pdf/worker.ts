/**
 * Worker-thread entry of the render pool: loads the renderer module named in `workerData` and
 * answers `{id, input}` messages with its bytes (transferred, not copied) or a plain error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RenderRequest, RenderReply, Renderer } from './pool.ts';

const port = parentPort;
if (port === null) throw new Error('platform/pdf/worker.ts runs only as a worker thread');
const { module } = workerData as { module: string };
const loaded = (await import(module)) as { default?: Renderer };
const render = loaded.default;
if (typeof render !== 'function') throw new Error(`${module} has no default export to render with`);

port.on('message', (req: RenderRequest) => {
  void (async (): Promise<void> => {
    let reply: RenderReply;
    let transfer: ArrayBuffer[] = [];
    try {
      let bytes = await render(req.input);
      // Only a whole, unshared ArrayBuffer can move; Buffer.concat may hand out a slice of the
      // shared pool, which is copied instead.
      if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength)
        bytes = new Uint8Array(bytes);
      const buffer = bytes.buffer as ArrayBuffer;
      reply = { id: req.id, ok: true, bytes: buffer };
      transfer = [buffer];
    } catch (e) {
      const err = e as { name?: string; message?: string; kind?: string; field?: string };
      reply = {
        id: req.id,
        ok: false,
        error: {
          name: String(err.name ?? 'Error'),
          message: String(err.message ?? e),
          ...(typeof err.kind === 'string' ? { kind: err.kind } : {}),
          ...(typeof err.field === 'string' ? { field: err.field } : {}),
        },
      };
    }
    port.postMessage(reply, transfer);
  })();
});
