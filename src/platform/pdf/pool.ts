/**
 * Render pool: a fixed set of worker threads, each running a renderer module given by URL, that
 * turn inputs into bytes off the event loop (DESIGN.md "PDF rendering": a worker-thread pool in
 * the process, sized to the cores). No billing knowledge: the module decides what is rendered.
 *
 * Why our own pool rather than piscina: ~150 lines with lazy start, crash replacement, bounded
 * queue and draining close, and no dependency to keep compatible with Node 24's TypeScript
 * workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorKind } from '../errors.ts';

/** What a renderer module exports as `default`: structured-cloneable input → bytes. */
export type Renderer = (input: unknown) => Uint8Array | Promise<Uint8Array>;

/** @internal Message to a worker. */
export interface RenderRequest {
  id: number;
  input: unknown;
}
/** @internal Message from a worker. */
export type RenderReply =
  | { id: number; ok: true; bytes: ArrayBuffer }
  | {
      id: number;
      ok: false;
      error: { name: string; message: string; kind?: string; field?: string };
    };

export interface RenderPoolOptions {
  /** URL (`file:`) of the renderer module, e.g. `new URL('./x.worker.ts', import.meta.url)`. */
  module: URL | string;
  /** Worker threads; 0 = one per core (`os.availableParallelism()`). */
  size?: number;
  /** Tasks waiting beyond the running ones before `run` refuses with `busy` (default 10,000). */
  maxQueue?: number;
}

/** The port: render on the pool. */
export interface RenderPool<I> {
  /** Worker threads the pool runs at most. */
  readonly size: number;
  /** Renders `input` on a free worker; rejects with the renderer's error (kinds kept). */
  run(input: I): Promise<Buffer>;
  /** Refuses new work, lets queued and running tasks finish, then stops every worker. */
  close(): Promise<void>;
}

interface Task {
  id: number;
  input: unknown;
  resolve: (b: Buffer) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
}

const KINDS = new Set<string>([
  'forbidden',
  'invalid',
  'unknown_field',
  'missing',
  'missing_parameter',
  'bad_query',
  'rule',
  'not_found',
  'unsupported',
  'busy',
  'idempotency_in_flight',
  'idempotency_mismatch',
  'rate_limited',
  'malformed',
  'too_large',
  'unrecognised_fields',
  'unauthenticated',
  'internal',
] satisfies ErrorKind[]);

const workerUrl = new URL('./worker.ts', import.meta.url);

/** Starts a pool. Workers start lazily on the first tasks, so an idle pool costs nothing. */
export const createRenderPool = <I>(options: RenderPoolOptions): RenderPool<I> => {
  const size =
    options.size === undefined || options.size === 0 ? availableParallelism() : options.size;
  if (!Number.isInteger(size) || size < 1) throw new Error(`Invalid pool size ${size}`);
  const maxQueue = options.maxQueue ?? 10_000;
  const module = String(options.module);
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let nextId = 1;
  let closing: Promise<void> | undefined;
  let drained: (() => void) | undefined;

  const idle = (): boolean => queue.length === 0 && slots.every((s) => s.task === undefined);

  const spawn = (): Slot => {
    // No inherited flags: under `node --test` the parent's execArgv is the runner's whole
    // option set, with which workers never come up. Node 24 strips types without flags.
    const worker = new Worker(workerUrl, { workerData: { module }, execArgv: [] });
    const slot: Slot = { worker, task: undefined };
    worker.on('message', (reply: RenderReply) => {
      const task = slot.task;
      if (task === undefined || task.id !== reply.id) return;
      slot.task = undefined;
      if (reply.ok) task.resolve(Buffer.from(reply.bytes));
      else {
        const { kind, message, field } = reply.error;
        task.reject(
          kind !== undefined && KINDS.has(kind)
            ? new AppError(kind as ErrorKind, message, field === undefined ? {} : { field })
            : new AppError('internal', `Render failed: ${message}`),
        );
      }
      pump();
    });
    // A crashed worker (bad module, out of memory) fails its task and is replaced on demand.
    const lost = (err: unknown): void => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      const task = slot.task;
      slot.task = undefined;
      task?.reject(new AppError('internal', 'Render worker stopped', { cause: err }));
      pump();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`worker exited with code ${code}`)));
    slots.push(slot);
    return slot;
  };

  const pump = (): void => {
    while (queue.length > 0) {
      let slot = slots.find((s) => s.task === undefined);
      if (slot === undefined && slots.length < size) slot = spawn();
      if (slot === undefined) break;
      const task = queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, input: task.input } satisfies RenderRequest);
    }
    // Idle workers must not keep the process alive.
    for (const s of slots) if (s.task === undefined) s.worker.unref();
    if (drained !== undefined && idle()) drained();
  };

  return {
    size,
    run: (input) =>
      new Promise<Buffer>((resolve, reject) => {
        if (closing !== undefined) return reject(new AppError('internal', 'Render pool is closed'));
        if (queue.length >= maxQueue) return reject(new AppError('busy', 'Render queue is full'));
        queue.push({ id: nextId++, input, resolve, reject });
        pump();
      }),
    close: () => {
      closing ??= (async () => {
        if (!idle()) await new Promise<void>((r) => (drained = r));
        const all = slots.splice(0);
        await Promise.all(all.map((s) => s.worker.terminate()));
      })();
      return closing;
    },
  };
};
