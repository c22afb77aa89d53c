/**
 * Lifecycle control of async jobs (issue 12 part 2; DESIGN.md "Emulator controls"): how a tenant's
 * bill runs and bulk-PDF jobs move through their statuses.
 *
 * - `real` (default): the job runner moves them at its own speed.
 * - `immediately`: their jobs are added inline and settled before the call that made them answers
 *   (`platform/jobs/settle.ts`), so the call returns with the job already finished.
 * - `manual`: their jobs are held ("parked" in `lifecycle_parked`, written in the caller's
 *   transaction like a queued job) until `POST /folio/v1/jobs/{id}/advance` releases them, one
 *   status or step at a time.
 * - `polls`: held the same way; every `polls`-th GET of the object's status moves it one step.
 *
 * A job may override its tenant's mode, and may be forced into `Error` with a reason when it
 * reaches a chosen step. Nothing here changes how a status moves: each step is the capability's
 * own job, released at a chosen moment, so statuses still move only forward (CONTRACT C3.3, C5.4).
 */
import type { Deps } from '../deps.ts';
import type { Db } from '../database.ts';
import { invalid, notFound, rule } from '../platform/errors.ts';
import { toIso } from '../platform/clock.ts';
import type { AddedJob, Queue } from '../platform/jobs/queue.ts';
import { noteInline } from '../platform/jobs/settle.ts';
import { getTenant } from '../tenants/tenants.service.ts';
import {
  TASKS as BILL_RUN_TASKS,
  failBillRun,
  findBillRunForAdmin,
} from '../billruns/billruns.service.ts';
import {
  TASKS as BULK_PDF_TASKS,
  failBulkPdfJob,
  findBulkPdfJobForAdmin,
} from '../bulkpdf/bulkpdf.service.ts';
import * as store from './lifecycle.store.ts';
import type { LifecycleJobRow, LifecycleParkedRow } from './lifecycle.table.ts';

export const LIFECYCLE_MODES = ['real', 'immediately', 'polls', 'manual'] as const;
export type LifecycleMode = (typeof LIFECYCLE_MODES)[number];
export type JobKind = 'BillRun' | 'BulkPdf';

/** Steps a job can be forced into `Error` at, in the order it reaches them. */
export const FORCE_STEPS: Record<JobKind, readonly string[]> = {
  // C3.3: a run reaches Error only from Processing (a fault of the run itself).
  BillRun: ['Processing'],
  // C5.4's stepStatus order; JobCreated is the step every job starts at.
  BulkPdf: ['TasksCreated', 'GenerateMissPDF', 'PdfToZip', 'PostProcessing'],
};
const BULK_ORDER = ['JobCreated', ...FORCE_STEPS.BulkPdf];

/** The jobs under control: their object and the step whose work each one does. */
const CONTROLLED: Readonly<Record<string, { kind: JobKind; step: string | null }>> = {
  [BILL_RUN_TASKS.plan]: { kind: 'BillRun', step: null },
  [BILL_RUN_TASKS.chunk]: { kind: 'BillRun', step: 'Processing' },
  [BILL_RUN_TASKS.finish]: { kind: 'BillRun', step: 'Processing' },
  [BILL_RUN_TASKS.post]: { kind: 'BillRun', step: null },
  [BILL_RUN_TASKS.cancel]: { kind: 'BillRun', step: null },
  [BILL_RUN_TASKS.remove]: { kind: 'BillRun', step: null },
  [BULK_PDF_TASKS.start]: { kind: 'BulkPdf', step: 'TasksCreated' },
  [BULK_PDF_TASKS.generate]: { kind: 'BulkPdf', step: 'GenerateMissPDF' },
  [BULK_PDF_TASKS.plan]: { kind: 'BulkPdf', step: 'PdfToZip' },
  [BULK_PDF_TASKS.zip]: { kind: 'BulkPdf', step: 'PdfToZip' },
  [BULK_PDF_TASKS.finish]: { kind: 'BulkPdf', step: 'PostProcessing' },
};

interface Ref {
  tenantId?: unknown;
  entityId?: unknown;
  billRunId?: unknown;
  jobId?: unknown;
}
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const objectOf = (payload: unknown): string | undefined => {
  const p = payload as Ref;
  return str(p.billRunId) ?? str(p.jobId);
};

// ---------------------------------------------------------------------------------------------
// Per-process cache of the (small) settings tables, reloaded like the test clocks.

interface ModeSetting {
  mode: LifecycleMode;
  polls: number;
}
interface Cache {
  tenants: Map<string, ModeSetting>;
  jobs: Map<string, ModeSetting>;
  /** Tenants with any setting: only their jobs pay for a look-up. */
  active: Set<string>;
  loadedAt: number;
  inflight: Promise<void> | undefined;
}
const caches = new WeakMap<object, Cache>();
const cacheOf = (deps: Deps): Cache => {
  let c = caches.get(deps.db);
  if (c === undefined) {
    c = {
      tenants: new Map(),
      jobs: new Map(),
      active: new Set(),
      loadedAt: -Infinity,
      inflight: undefined,
    };
    caches.set(deps.db, c);
  }
  return c;
};

const reload = async (c: Cache, db: Db): Promise<void> => {
  const tenants = await store.listTenantModes(db);
  const jobs = await store.listJobOverrides(db);
  c.tenants = new Map(
    tenants.map((t) => [t.tenant_id, { mode: t.mode as LifecycleMode, polls: t.polls }]),
  );
  c.jobs = new Map(
    jobs
      .filter((j) => j.mode !== null)
      .map((j) => [j.object_id, { mode: j.mode as LifecycleMode, polls: j.polls ?? 1 }]),
  );
  c.active = new Set([...tenants.map((t) => t.tenant_id), ...jobs.map((j) => j.tenant_id)]);
  c.loadedAt = performance.now();
};

/**
 * The cache, reloaded when older than `FOLIO_EMULATOR_CACHE_MS`. `db` is the connection to read
 * through: `add` passes its caller's transaction, which holds SQLite's only writer (a read through
 * another connection could wait for it forever on an in-memory database).
 */
const sync = async (deps: Deps, db: Db = deps.db.read): Promise<Cache> => {
  const c = cacheOf(deps);
  if (performance.now() - c.loadedAt < deps.config.emulatorCacheMs) return c;
  c.inflight ??= reload(c, db).finally(() => {
    c.inflight = undefined;
  });
  await c.inflight;
  return c;
};

const REAL: ModeSetting = { mode: 'real', polls: 1 };
const modeOf = (c: Cache, tenantId: string, objectId: string | undefined): ModeSetting =>
  (objectId === undefined ? undefined : c.jobs.get(objectId)) ?? c.tenants.get(tenantId) ?? REAL;

// ---------------------------------------------------------------------------------------------
// The queue in front of the job queue (`deps.queue`).

const inners = new WeakMap<Queue, Queue>();
const innerOf = (q: Queue): Queue => inners.get(q) ?? q;

let parkedSeq = 0;
const parkedId = (): string =>
  `${Date.now().toString(36).padStart(9, '0')}${(parkedSeq++ % 36 ** 6).toString(36).padStart(6, '0')}${process.pid.toString(36)}`;

/**
 * Wraps the job queue with lifecycle control: jobs of a tenant (or object) in `immediately` mode
 * are added inline, controlled jobs in `manual`/`polls` mode are parked, the rest pass through.
 */
export const createControlledQueue = (inner: Queue, depsOf: () => Deps): Queue => {
  const queue: Queue = {
    ...inner,
    add: async (db, taskId, payload, options = {}) => {
      const tenantId = str((payload as Ref | null)?.tenantId);
      if (tenantId === undefined) return inner.add(db, taskId, payload, options);
      const deps = depsOf();
      const c = await sync(deps, db as unknown as Db);
      if (!c.active.has(tenantId)) return inner.add(db, taskId, payload, options);
      const controlled = CONTROLLED[taskId];
      const objectId = controlled === undefined ? undefined : objectOf(payload);
      const { mode } = modeOf(c, tenantId, objectId);
      // A scheduled job keeps its time: "immediately" is for work that is due now.
      if (mode === 'immediately' && options.runAt === undefined) {
        const added = await inner.add(db, taskId, payload, { ...options, inline: true });
        noteInline(added);
        return added;
      }
      if ((mode === 'manual' || mode === 'polls') && objectId !== undefined) {
        const k = db as unknown as Db;
        const id = parkedId();
        const parked = await store.park(k, {
          id,
          tenant_id: tenantId,
          object_id: objectId,
          task_id: taskId,
          payload: JSON.stringify(payload),
          job_key: options.jobKey ?? null,
          max_attempts: options.maxAttempts ?? null,
          created_at: toIso(deps.clock.base.now()),
        });
        if (parked) return { id, deduplicated: false, inline: false };
        const existing = await store.findParkedByKey(k, options.jobKey!);
        return { id: existing?.id ?? id, deduplicated: true, inline: false };
      }
      return inner.add(db, taskId, payload, options);
    },
  };
  inners.set(queue, inner);
  return queue;
};

/** Hands a parked job to the queue: inline and settled at once, or (`real`) to the runner. */
const release = async (
  deps: Deps,
  row: LifecycleParkedRow,
  how: 'now' | 'runner',
): Promise<void> => {
  const inner = innerOf(deps.queue);
  const added: AddedJob | undefined = await deps.db.db.transaction().execute(async (tx) => {
    if (!(await store.unpark(tx, row.id))) return undefined;
    return inner.add(tx, row.task_id, JSON.parse(row.payload), {
      inline: how === 'now',
      ...(row.job_key === null ? {} : { jobKey: row.job_key }),
      ...(row.max_attempts === null ? {} : { maxAttempts: row.max_attempts }),
    });
  });
  if (added !== undefined && how === 'now') await inner.settle(added);
};

/** Releases the jobs held under a mode that no longer holds them. */
const releaseAll = async (
  deps: Deps,
  rows: readonly LifecycleParkedRow[],
  mode: LifecycleMode,
): Promise<void> => {
  if (mode === 'manual' || mode === 'polls') return;
  for (const row of rows) await release(deps, row, mode === 'immediately' ? 'now' : 'runner');
};

// ---------------------------------------------------------------------------------------------
// Objects: bill runs and bulk-PDF jobs, by id.

export interface JobState {
  id: string;
  kind: JobKind;
  tenantId: string;
  entityId: string;
  /** The object's status; `Removed` once a deleted bill run is gone. */
  status: string;
  /** The bulk-PDF job's `stepStatus`; null for a bill run. */
  stepStatus: string | null;
}

const locate = async (deps: Deps, id: string): Promise<JobState | undefined> => {
  const run = await findBillRunForAdmin(deps, id);
  if (run !== undefined) return { id, kind: 'BillRun', ...run, stepStatus: null };
  const job = await findBulkPdfJobForAdmin(deps, id);
  if (job !== undefined) return { id, kind: 'BulkPdf', ...job };
  return undefined;
};

const getState = async (deps: Deps, id: string): Promise<JobState> => {
  const s = await locate(deps, id);
  if (s === undefined) throw notFound('Job', id);
  return s;
};

const position = (s: JobState): string => `${s.status}/${s.stepStatus ?? ''}`;

/** A job as the admin API shows it: its state and the controls that apply to it. */
export interface ControlledJob extends JobState {
  mode: LifecycleMode;
  polls: number;
  /** Whether the mode is the job's own (true) or its tenant's. */
  override: boolean;
  /** Jobs held back, waiting for an advance. */
  heldSteps: number;
  force: { step: string; reason: string } | null;
}

const describeJob = async (deps: Deps, s: JobState): Promise<ControlledJob> => {
  const [row, tenant, held] = await Promise.all([
    store.findJob(deps.db.db, s.id),
    store.findTenantMode(deps.db.db, s.tenantId),
    store.countParked(deps.db.db, s.id),
  ]);
  const own = row?.mode ?? null;
  return {
    ...s,
    mode: (own ?? tenant?.mode ?? 'real') as LifecycleMode,
    polls: own !== null ? (row?.polls ?? 1) : (tenant?.polls ?? 1),
    override: own !== null,
    heldSteps: held,
    force:
      row?.force_step == null ? null : { step: row.force_step, reason: row.force_reason ?? '' },
  };
};

export const getControlledJob = async (deps: Deps, id: string): Promise<ControlledJob> =>
  describeJob(deps, await getState(deps, id));

/**
 * Moves a held job one status (bill run) or step (bulk PDF): releases its held jobs, oldest first,
 * until what `GET` shows has changed or nothing is held.
 */
export const advanceJob = async (deps: Deps, id: string): Promise<ControlledJob> => {
  const start = await getState(deps, id);
  let now: JobState | undefined = start;
  let moved = false;
  while (now !== undefined && position(now) === position(start)) {
    const next = await store.firstParked(deps.db.db, id);
    if (next === undefined) break;
    await release(deps, next, 'now');
    moved = true;
    now = await locate(deps, id);
  }
  if (now !== undefined && moved) await failNowIfForced(deps, id);
  if (now !== undefined) now = await locate(deps, id);
  if (!moved)
    throw rule(
      `Job ${id} has no held step to advance (status ${start.status}): its lifecycle mode is real or immediately, or it has finished.`,
    );
  if (now === undefined)
    return { ...(await describeJob(deps, start)), status: 'Removed', heldSteps: 0 };
  return describeJob(deps, now);
};

/** A job forced to fail at the step its next held job does fails now, not at the next advance. */
const failNowIfForced = async (deps: Deps, id: string): Promise<void> => {
  const row = await store.findJob(deps.db.db, id);
  if (row?.force_step == null) return;
  const next = await store.firstParked(deps.db.db, id);
  if (next !== undefined && CONTROLLED[next.task_id]?.step === row.force_step)
    await release(deps, next, 'now');
};

/** A poll of an object's status (`deps.jobControl`); in `polls` mode every N-th moves it a step. */
export const polled = async (deps: Deps, tenantId: string, objectId: string): Promise<boolean> => {
  const c = await sync(deps);
  if (!c.active.has(tenantId)) return false;
  const { mode, polls } = modeOf(c, tenantId, objectId);
  if (mode !== 'polls') return false;
  if ((await store.countParked(deps.db.db, objectId)) === 0) return false;
  const row = await store.findJob(deps.db.db, objectId);
  const seen = (row?.polls_seen ?? 0) + 1;
  if (seen < polls) {
    await saveJobRow(deps, tenantId, objectId, row, { polls_seen: seen });
    return false;
  }
  await saveJobRow(deps, tenantId, objectId, row, { polls_seen: 0 });
  await advanceJob(deps, objectId);
  return true;
};

const saveJobRow = async (
  deps: Deps,
  tenantId: string,
  objectId: string,
  row: LifecycleJobRow | undefined,
  change: Partial<LifecycleJobRow>,
): Promise<LifecycleJobRow> => {
  const next: LifecycleJobRow = {
    object_id: objectId,
    tenant_id: tenantId,
    mode: null,
    polls: null,
    polls_seen: 0,
    force_step: null,
    force_reason: null,
    ...row,
    ...change,
    updated_at: toIso(deps.clock.base.now()),
  };
  await store.saveJob(deps.db.db, next);
  const c = cacheOf(deps);
  c.active.add(tenantId);
  if (next.mode === null) c.jobs.delete(objectId);
  else c.jobs.set(objectId, { mode: next.mode as LifecycleMode, polls: next.polls ?? 1 });
  return next;
};

export interface ModeInput {
  mode: LifecycleMode;
  polls?: number;
}

const checkPolls = (input: ModeInput): number => {
  if (input.polls !== undefined && input.mode !== 'polls')
    throw invalid('polls is only allowed with mode polls.', 'polls');
  return input.polls ?? 1;
};

export interface TenantLifecycle {
  tenantId: string;
  mode: LifecycleMode;
  polls: number;
}

export const getTenantLifecycle = async (
  deps: Deps,
  tenantId: string,
): Promise<TenantLifecycle> => {
  await getTenant(deps, tenantId);
  const row = await store.findTenantMode(deps.db.db, tenantId);
  return { tenantId, mode: (row?.mode ?? 'real') as LifecycleMode, polls: row?.polls ?? 1 };
};

/**
 * Sets a tenant's mode for its bill runs' and bulk-PDF jobs' coming steps. Steps held under
 * `manual`/`polls` are released when the new mode no longer holds them.
 */
export const setTenantLifecycle = async (
  deps: Deps,
  tenantId: string,
  input: ModeInput,
): Promise<TenantLifecycle> => {
  await getTenant(deps, tenantId);
  const polls = checkPolls(input);
  if (input.mode === 'real') await store.deleteTenantMode(deps.db.db, tenantId);
  else
    await store.saveTenantMode(deps.db.db, {
      tenant_id: tenantId,
      mode: input.mode,
      polls,
      updated_at: toIso(deps.clock.base.now()),
    });
  const c = cacheOf(deps);
  c.tenants.set(tenantId, { mode: input.mode, polls });
  c.active.add(tenantId);
  await releaseAll(deps, await store.listParkedOfTenant(deps.db.db, tenantId), input.mode);
  return { tenantId, mode: input.mode, polls };
};

/** Gives one job its own mode (`mode: null`: its tenant's again); releases what no longer waits. */
export const setJobLifecycle = async (
  deps: Deps,
  id: string,
  input: { mode: LifecycleMode | null; polls?: number },
): Promise<ControlledJob> => {
  const s = await getState(deps, id);
  const polls =
    input.mode === null
      ? input.polls === undefined
        ? null
        : (() => {
            throw invalid('polls is only allowed with mode polls.', 'polls');
          })()
      : checkPolls({
          mode: input.mode,
          ...(input.polls === undefined ? {} : { polls: input.polls }),
        });
  const row = await store.findJob(deps.db.db, id);
  await saveJobRow(deps, s.tenantId, id, row, { mode: input.mode, polls, polls_seen: 0 });
  const effective = modeOf(await sync(deps), s.tenantId, id).mode;
  await releaseAll(deps, await store.listParkedOfObject(deps.db.db, id), effective);
  return getControlledJob(deps, id);
};

/**
 * Forces a bill run or bulk-PDF job into `Error` with `reason` when it reaches `step` (default:
 * its current or next step). A step already passed, or a job already over, is refused: statuses
 * move only forward (C3.3: a run errs only from Processing; C5.4). When the job is held right
 * before that step, the failure happens at once.
 */
export const forceJob = async (
  deps: Deps,
  id: string,
  input: { step?: string; reason: string },
): Promise<ControlledJob> => {
  const s = await getState(deps, id);
  const steps = FORCE_STEPS[s.kind];
  if (s.kind === 'BillRun') {
    if (s.status !== 'Pending' && s.status !== 'Processing')
      throw rule(
        `Bill run ${id} is ${s.status}: a bill run reaches Error only while it is processed (Pending or Processing).`,
      );
  } else if (s.status !== 'Submitted' && s.status !== 'Executing') {
    throw rule(`Bulk PDF job ${id} is ${s.status}: only a Submitted or Executing job can fail.`);
  }
  const current = s.kind === 'BulkPdf' ? BULK_ORDER.indexOf(s.stepStatus ?? '') : 0;
  const step =
    input.step ??
    (s.kind === 'BillRun' ? 'Processing' : (BULK_ORDER[Math.max(current, 1)] ?? 'PostProcessing'));
  if (!steps.includes(step))
    throw invalid(`step must be one of ${steps.join(', ')} for a ${s.kind}.`, 'step');
  if (s.kind === 'BulkPdf' && BULK_ORDER.indexOf(step) < current)
    throw rule(`Bulk PDF job ${id} is already past ${step} (at ${s.stepStatus ?? ''}).`);
  const row = await store.findJob(deps.db.db, id);
  await saveJobRow(deps, s.tenantId, id, row, { force_step: step, force_reason: input.reason });
  await failNowIfForced(deps, id);
  return getControlledJob(deps, id);
};

/**
 * Called before a controlled job runs: when its object is forced to fail at the step this job
 * does, the object goes to `Error` with the reason instead, and its other held jobs are dropped.
 * True when it did (the job is then done).
 */
export const applyForcedFailure = async (
  deps: Deps,
  taskId: string,
  payload: unknown,
): Promise<boolean> => {
  const controlled = CONTROLLED[taskId];
  if (controlled?.step == null) return false;
  const p = payload as Ref;
  const tenantId = str(p.tenantId);
  const entityId = str(p.entityId);
  const objectId = objectOf(payload);
  if (tenantId === undefined || entityId === undefined || objectId === undefined) return false;
  const c = await sync(deps);
  if (!c.active.has(tenantId)) return false;
  const row = await store.findJob(deps.db.db, objectId);
  if (row?.force_step !== controlled.step) return false;
  const reason = row.force_reason ?? 'Forced into Error by the emulator.';
  if (controlled.kind === 'BillRun')
    await failBillRun(deps, { tenantId, entityId, billRunId: objectId }, reason);
  else await failBulkPdfJob(deps, { tenantId, entityId, jobId: objectId }, controlled.step, reason);
  await store.clearForce(deps.db.db, objectId);
  await store.unparkObject(deps.db.db, objectId);
  return true;
};

/** The `deps.jobControl` port, bound to `deps`. */
export const jobControl = (deps: () => Deps) => ({
  polled: (tenantId: string, objectId: string) => polled(deps(), tenantId, objectId),
});
