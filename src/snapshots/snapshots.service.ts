/**
 * Snapshots of a tenant's whole state (issue 12, part 4): save, list, restore, delete by name,
 * and `reset` to empty. "Whole state" is every tenant-scoped row of the database — found from
 * the catalogue, so tables added later are covered without touching this file — plus the files
 * those rows name (`storage_key` columns). Kept as they are: the tenant, its entities, its OAuth
 * clients and tokens (so a test's credentials survive a restore), and the emulator's own records.
 *
 * Rows are copied with one CREATE TABLE … AS SELECT per table into per-snapshot copy tables, and
 * restored with one DELETE and one INSERT … SELECT per table, parents before children (foreign
 * keys). Sequences (`sequences`, `bill_run_numbers`) are tenant rows like any other, so numbering
 * continues from the snapshot's numbers after a restore. Queued jobs of the tenant are part of
 * the state (a scheduled bill run's job comes back with the run); a job that is *running* makes
 * save, restore and reset refuse with `busy` (409), since its writes would land in the middle.
 */
import { sql } from 'kysely';
import type { Deps } from '../deps.ts';
import type { Db } from '../database.ts';
import { AppError, busy, notFound } from '../platform/errors.ts';
import { copyFile } from '../platform/files/files.ts';
import { toIso } from '../platform/clock.ts';
import { getTenant } from '../tenants/tenants.service.ts';
import { migrations } from '../migrations.ts';
import * as store from './snapshots.store.ts';
import type { SnapshotFileRow, SnapshotRow, SnapshotTableRow } from './snapshots.table.ts';

/** Tables a snapshot never touches: the tenant's identity and the emulator's own records. */
export const KEPT_TABLES: ReadonlySet<string> = new Set([
  'tenants',
  'entities',
  'oauth_clients',
  'oauth_tokens',
  'snapshots',
]);
/** Tables that hold no tenant's rows. */
export const GLOBAL_TABLES: ReadonlySet<string> = new Set([
  'settings',
  'kysely_migration',
  'kysely_migration_lock',
  'snapshot_tables',
  'snapshot_files',
]);
/** Tenant rows without a `tenant_id` column, found through their parent row. */
export const CHILD_TABLES: Readonly<Record<string, { column: string; parent: string }>> = {
  bulk_pdf_documents: { column: 'job_id', parent: 'bulk_pdf_jobs' },
  bulk_pdf_parts: { column: 'job_id', parent: 'bulk_pdf_jobs' },
};
/** Copy tables are named `snap_<16 hex of the snapshot id>_<position>`. */
export const COPY_PREFIX = 'snap_';
/** A column of this name holds a FileStore key (document_files, bulk_pdf_parts). */
const FILE_KEY_COLUMN = 'storage_key';
/** Parallel file copies. */
const FILE_CONCURRENCY = 16;

export interface PlannedTable {
  name: string;
  columns: string[];
  scope: store.Scope;
}

export interface SnapshotPlan {
  /** Parents before children: the insert order (deletes run in reverse). */
  tables: PlannedTable[];
  /** Tables nobody classified: neither tenant-scoped nor listed above (a test keeps this empty). */
  unclassified: string[];
  /** Every table with its columns, copy tables included. */
  all: Map<string, store.TableInfo>;
}

/** Classifies every table of the database and orders the tenant-scoped ones by foreign keys. */
export const planSnapshot = async (deps: Deps, db: Db): Promise<SnapshotPlan> => {
  const infos = await store.listTables(db, deps.db.dialect);
  const all = new Map(infos.map((t) => [t.name, t]));
  const scoped = new Map<string, PlannedTable & { after: string[] }>();
  const unclassified: string[] = [];
  for (const t of infos) {
    if (t.name.startsWith(COPY_PREFIX) || KEPT_TABLES.has(t.name) || GLOBAL_TABLES.has(t.name))
      continue;
    const child = CHILD_TABLES[t.name];
    if (t.name === 'jobs') scoped.set(t.name, { ...t, scope: { kind: 'jobs' }, after: [] });
    else if (t.columns.includes('tenant_id'))
      scoped.set(t.name, { ...t, scope: { kind: 'tenant' }, after: t.parents });
    else if (child !== undefined)
      scoped.set(t.name, {
        ...t,
        scope: { kind: 'parent', ...child },
        after: [...t.parents, child.parent],
      });
    else unclassified.push(t.name);
  }
  // Kahn's algorithm over the scoped tables; names keep the order stable.
  const ordered: PlannedTable[] = [];
  const placed = new Set<string>();
  const pending = [...scoped.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  while (pending.length > 0) {
    const i = pending.findIndex((t) =>
      t.after.every((p) => p === t.name || placed.has(p) || !scoped.has(p)),
    );
    if (i < 0) throw new Error(`foreign-key cycle among ${pending.map((t) => t.name).join(', ')}`);
    const [t] = pending.splice(i, 1);
    ordered.push({ name: t!.name, columns: t!.columns, scope: t!.scope });
    placed.add(t!.name);
  }
  return { tables: ordered, unclassified, all };
};

export interface Snapshot {
  id: string;
  tenantId: string;
  name: string;
  createdAt: string;
  schemaVersion: string;
  rowCount: number;
  fileCount: number;
  fileBytes: number;
  /** Rows per table (get and save only). */
  tables?: Record<string, number>;
}

const toSnapshot = (r: SnapshotRow, tables?: SnapshotTableRow[]): Snapshot => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  createdAt: r.created_at,
  schemaVersion: r.schema_version,
  rowCount: Number(r.row_count),
  fileCount: Number(r.file_count),
  fileBytes: Number(r.file_bytes),
  ...(tables === undefined
    ? {}
    : { tables: Object.fromEntries(tables.map((t) => [t.source_table, Number(t.row_count)])) }),
});

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const checkName = (name: string): void => {
  if (!NAME.test(name))
    throw new AppError(
      'invalid',
      'A snapshot name is 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit.',
      { field: 'name' },
    );
};

const schemaVersion = (): string => Object.keys(migrations).sort().at(-1) ?? '';

/** Refuses while a job of the tenant is running: its writes would land in the middle. */
const refuseRunningJobs = async (db: Db, tenantId: string, action: string): Promise<void> => {
  const running = await store.runningJobs(db, tenantId);
  if (running.size === 0) return;
  const what = [...running].map(([task, n]) => `${n} ${task}`).join(', ');
  throw busy(
    `Cannot ${action} while jobs of the tenant are running (${what}); wait until they finish (poll the bill run or bulk PDF job) and retry.`,
  );
};

/**
 * SQLite's page cache is 2 MiB by default: a restore that deletes and inserts a million rows
 * with their indexes thrashes it (measured: tens of GB spilled to the WAL for 100,000 invoices).
 * Bulk snapshot work runs with a larger cache on the writer connection, then puts it back.
 */
const SQLITE_BULK_CACHE_KIB = 256 * 1024;
const withBulkCache = async <T>(deps: Deps, db: Db, fn: () => Promise<T>): Promise<T> => {
  if (deps.db.dialect !== 'sqlite') return fn();
  const before = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
  await sql.raw(`pragma cache_size = -${SQLITE_BULK_CACHE_KIB}`).execute(db);
  try {
    return await fn();
  } finally {
    await sql.raw(`pragma cache_size = ${Number(before.rows[0]?.cache_size ?? -2000)}`).execute(db);
  }
};

/** Runs `fn` over `items` with at most `limit` at once. */
const eachLimit = async <T>(items: T[], limit: number, fn: (t: T) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

/**
 * Drops copy tables whose snapshot row is gone: deleting a tenant removes its snapshots by
 * cascade, but not the tables they were copied into (their files under `snapshots/<id>/` stay
 * in the FileStore until removed by hand).
 */
const dropOrphanCopies = async (db: Db, plan: SnapshotPlan): Promise<void> => {
  const live = new Set((await store.listAllSnapshotIds(db)).map((id) => id.slice(0, 16)));
  for (const name of plan.all.keys()) {
    const m = /^snap_([0-9a-f]{16})_\d+$/.exec(name);
    if (m !== null && !live.has(m[1]!)) await store.dropTable(db, name);
  }
};

const copyKeyOf = (snapshotId: string, key: string) => `snapshots/${snapshotId}/${key}`;

/** Saves the tenant's whole state under `name` (unique per tenant). */
export const saveSnapshot = async (
  deps: Deps,
  tenantId: string,
  name: string,
): Promise<Snapshot> => {
  checkName(name);
  await getTenant(deps, tenantId);
  const id = deps.ids.id();
  const now = toIso(deps.clock.now(tenantId));
  const tx = deps.db.db.transaction();
  // One consistent view of every table on PostgreSQL (SQLite transactions are serializable).
  const run = deps.db.dialect === 'postgres' ? tx.setIsolationLevel('repeatable read') : tx;
  const saved = await run.execute(async (db) =>
    withBulkCache(deps, db, async () => {
      if ((await store.findSnapshot(db, tenantId, name)) !== undefined)
        throw new AppError('rule', `Snapshot ${name} already exists; delete it first.`, {
          field: 'name',
        });
      await refuseRunningJobs(db, tenantId, 'save a snapshot');
      const plan = await planSnapshot(deps, db);
      const row: SnapshotRow = {
        id,
        tenant_id: tenantId,
        name,
        schema_version: schemaVersion(),
        row_count: 0,
        file_count: 0,
        file_bytes: 0,
        created_at: now,
      };
      await dropOrphanCopies(db, plan);
      await store.insertSnapshot(db, row);
      const tables: SnapshotTableRow[] = [];
      const keys = new Set<string>();
      for (const [position, t] of plan.tables.entries()) {
        const copy = `${COPY_PREFIX}${id.slice(0, 16)}_${position}`;
        const n = await store.copyOut(db, t.name, copy, t.scope, tenantId);
        tables.push({
          snapshot_id: id,
          position,
          source_table: t.name,
          copy_table: copy,
          row_count: n,
        });
        if (n > 0 && t.columns.includes(FILE_KEY_COLUMN))
          for (const k of await store.keysIn(db, copy, FILE_KEY_COLUMN)) keys.add(k);
      }
      await store.insertSnapshotTables(db, tables);
      // The files the rows name, copied under snapshots/<id>/ (a hard link on local disk). A key
      // whose file is already gone stays gone after a restore, exactly as it was when saved.
      const files: SnapshotFileRow[] = [];
      await eachLimit([...keys].sort(), FILE_CONCURRENCY, async (key) => {
        if ((await deps.files.head(key)) === undefined) return;
        const info = await copyFile(deps.files, key, copyKeyOf(id, key));
        files.push({
          snapshot_id: id,
          key,
          copy_key: info.key,
          size: info.size,
          content_type: info.contentType,
        });
      });
      await store.insertSnapshotFiles(db, files);
      const counts = {
        row_count: tables.reduce((m, t) => m + t.row_count, 0),
        file_count: files.length,
        file_bytes: files.reduce((m, f) => m + Number(f.size), 0),
      };
      await store.updateSnapshotCounts(db, id, counts);
      return toSnapshot({ ...row, ...counts }, tables);
    }),
  );
  return saved;
};

export const listSnapshots = async (deps: Deps, tenantId: string): Promise<Snapshot[]> => {
  await getTenant(deps, tenantId);
  return (await store.listSnapshots(deps.db.read, tenantId)).map((r) => toSnapshot(r));
};

const getSnapshotRow = async (db: Db, tenantId: string, name: string): Promise<SnapshotRow> => {
  const row = await store.findSnapshot(db, tenantId, name);
  if (row === undefined) throw notFound('Snapshot', name);
  return row;
};

export const getSnapshot = async (
  deps: Deps,
  tenantId: string,
  name: string,
): Promise<Snapshot> => {
  await getTenant(deps, tenantId);
  const row = await getSnapshotRow(deps.db.read, tenantId, name);
  return toSnapshot(row, await store.listSnapshotTables(deps.db.read, row.id));
};

export interface RestoreResult {
  /** The snapshot restored; null for a reset. */
  name: string | null;
  deletedRows: number;
  restoredRows: number;
  restoredFiles: number;
  removedFiles: number;
  /** Rows per table after the restore. */
  tables: Record<string, number>;
}

/**
 * Replaces the tenant's state with the snapshot's (or with nothing, for a reset), in one
 * transaction: delete the tenant's rows children first, insert the copies parents first.
 */
const replaceState = async (
  deps: Deps,
  tenantId: string,
  snapshot: SnapshotRow | undefined,
): Promise<RestoreResult> => {
  const action = snapshot === undefined ? 'reset the tenant' : 'restore a snapshot';
  let obsolete: string[] = [];
  let kept = new Set<string>();
  const result = await deps.db.db.transaction().execute(async (db) =>
    withBulkCache(deps, db, async () => {
      const plan = await planSnapshot(deps, db);
      const copies = snapshot === undefined ? [] : await store.listSnapshotTables(db, snapshot.id);
      // Same columns or no restore: a copy from an older schema would not fit.
      for (const c of copies) {
        const live = plan.tables.find((t) => t.name === c.source_table);
        const copy = plan.all.get(c.copy_table);
        if (live === undefined || copy === undefined || live.columns.join() !== copy.columns.join())
          throw new AppError(
            'rule',
            `Snapshot ${snapshot!.name} was saved with another database schema (${c.source_table} changed since ${snapshot!.schema_version}); it cannot be restored.`,
          );
      }
      // Jobs first, so that a runner cannot claim one of them between the check and the delete.
      const jobs = plan.tables.find((t) => t.scope.kind === 'jobs');
      let deletedRows = 0;
      if (jobs !== undefined) deletedRows += await store.deleteScopedIdle(db, tenantId);
      await refuseRunningJobs(db, tenantId, action);
      const liveKeys = new Set<string>();
      for (const t of plan.tables)
        if (t.columns.includes(FILE_KEY_COLUMN))
          for (const k of await store.keysIn(db, t.name, FILE_KEY_COLUMN, {
            scope: t.scope,
            tenantId,
          }))
            liveKeys.add(k);
      for (const t of [...plan.tables].reverse())
        if (t.scope.kind !== 'jobs')
          deletedRows += await store.deleteScoped(db, t.name, t.scope, tenantId);
      let restoredRows = 0;
      const tables: Record<string, number> = Object.fromEntries(
        plan.tables.map((t) => [t.name, 0]),
      );
      for (const c of copies) {
        const n = await store.copyIn(
          db,
          c.source_table,
          c.copy_table,
          plan.all.get(c.copy_table)!.columns,
        );
        tables[c.source_table] = n;
        restoredRows += n;
      }
      if (jobs !== undefined) await store.unlockJobs(db, tenantId);
      const files = snapshot === undefined ? [] : await store.listSnapshotFiles(db, snapshot.id);
      // Put back every file of the snapshot before committing: if one fails, nothing changes.
      await eachLimit(files, FILE_CONCURRENCY, async (f) => {
        await copyFile(deps.files, f.copy_key, f.key);
      });
      kept = new Set(files.map((f) => f.key));
      obsolete = [...liveKeys].filter((k) => !kept.has(k));
      return {
        name: snapshot?.name ?? null,
        deletedRows,
        restoredRows,
        restoredFiles: files.length,
        removedFiles: obsolete.length,
        tables,
      };
    }),
  );
  // Files only the replaced rows named: removed once the rows that named them are gone.
  await eachLimit(obsolete, FILE_CONCURRENCY, async (k) => {
    await deps.files.delete(k);
  });
  return result;
};

export const restoreSnapshot = async (
  deps: Deps,
  tenantId: string,
  name: string,
): Promise<RestoreResult> => {
  await getTenant(deps, tenantId);
  const row = await getSnapshotRow(deps.db.db, tenantId, name);
  return replaceState(deps, tenantId, row);
};

/** Empties the tenant's state, keeping the tenant, its entities, OAuth clients and snapshots. */
export const resetTenant = async (deps: Deps, tenantId: string): Promise<RestoreResult> => {
  await getTenant(deps, tenantId);
  return replaceState(deps, tenantId, undefined);
};

export const deleteSnapshot = async (deps: Deps, tenantId: string, name: string): Promise<void> => {
  await getTenant(deps, tenantId);
  const row = await getSnapshotRow(deps.db.db, tenantId, name);
  const files = await deps.db.db.transaction().execute(async (db) => {
    const files = await store.listSnapshotFiles(db, row.id);
    for (const t of await store.listSnapshotTables(db, row.id))
      await store.dropTable(db, t.copy_table);
    await store.deleteSnapshotRow(db, row.id);
    return files;
  });
  await eachLimit(files, FILE_CONCURRENCY, async (f) => {
    await deps.files.delete(f.copy_key);
  });
};
