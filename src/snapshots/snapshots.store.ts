/**
 * Snapshot queries. Unlike other stores, most of this one works on tables it does not own, by
 * name, discovered from the database catalogue: a snapshot copies *every* tenant-scoped row,
 * including tables added after this code was written. Set-based statements only
 * (CREATE TABLE … AS SELECT, INSERT … SELECT, DELETE … WHERE): nothing goes row by row through
 * the application.
 */
import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { SnapshotFileRow, SnapshotRow, SnapshotTableRow } from './snapshots.table.ts';

export type Dialect = 'sqlite' | 'postgres';

/** A table of the database with its columns and the tables its foreign keys point to. */
export interface TableInfo {
  name: string;
  columns: string[];
  parents: string[];
}

/** Every table of the current schema (PostgreSQL) or database file (SQLite), columns in order. */
export const listTables = async (db: Db, dialect: Dialect): Promise<TableInfo[]> => {
  if (dialect === 'sqlite') {
    const names = await sql<{ name: string }>`
      select name from sqlite_master where type = 'table' and name not like 'sqlite_%'
      order by name`.execute(db);
    const out: TableInfo[] = [];
    for (const { name } of names.rows) {
      const cols = await sql<{
        name: string;
      }>`select name from pragma_table_info(${name}) order by cid`.execute(db);
      const fks = await sql<{
        table: string;
      }>`select "table" from pragma_foreign_key_list(${name})`.execute(db);
      out.push({
        name,
        columns: cols.rows.map((c) => c.name),
        parents: [...new Set(fks.rows.map((f) => f.table))],
      });
    }
    return out;
  }
  const cols = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema()
    order by table_name, ordinal_position`.execute(db);
  const fks = await sql<{ child: string; parent: string }>`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'f' and n.nspname = current_schema()`.execute(db);
  const byName = new Map<string, TableInfo>();
  for (const r of cols.rows) {
    let t = byName.get(r.table_name);
    if (t === undefined)
      byName.set(r.table_name, (t = { name: r.table_name, columns: [], parents: [] }));
    t.columns.push(r.column_name);
  }
  const bare = (n: string) => n.replace(/^.*\./, '').replace(/"/g, '');
  for (const f of fks.rows) {
    const t = byName.get(bare(f.child));
    if (t !== undefined && !t.parents.includes(bare(f.parent))) t.parents.push(bare(f.parent));
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
};

/** Quotes an identifier (our names are [a-z0-9_], checked before they get here). */
const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected table or column name ${name}`);
  return sql.id(name);
};
/** Tenant ids are inlined as literals: PostgreSQL takes no bind parameters in CREATE TABLE AS. */
const lit = (value: string) => {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new Error(`unexpected tenant id ${value}`);
  return sql.lit(value);
};

/** How a table's rows of one tenant are found. */
export type Scope =
  | { kind: 'tenant' }
  /** Rows whose `column` names a row of `parent` (by id) that belongs to the tenant. */
  | { kind: 'parent'; column: string; parent: string }
  /** Job rows: tasks carry `tenantId` in their JSON payload (every task of src/tasks.ts does). */
  | { kind: 'jobs' };

const where = (scope: Scope, tenantId: string) => {
  switch (scope.kind) {
    case 'tenant':
      return sql`tenant_id = ${lit(tenantId)}`;
    case 'parent':
      return sql`${ident(scope.column)} in (select id from ${ident(scope.parent)} where tenant_id = ${lit(tenantId)})`;
    case 'jobs':
      lit(tenantId);
      return sql`payload like ${sql.lit(`%"tenantId":"${tenantId}"%`)}`;
  }
};

/** Copies a tenant's rows of `table` into a new table `copy`; returns the row count. */
export const copyOut = async (
  db: Db,
  table: string,
  copy: string,
  scope: Scope,
  tenantId: string,
): Promise<number> => {
  await sql`create table ${ident(copy)} as select * from ${ident(table)} where ${where(scope, tenantId)}`.execute(
    db,
  );
  const n = await sql<{ n: number | string }>`select count(*) as n from ${ident(copy)}`.execute(db);
  return Number(n.rows[0]?.n ?? 0);
};

/** Deletes a tenant's rows of `table`; returns how many. */
export const deleteScoped = async (
  db: Db,
  table: string,
  scope: Scope,
  tenantId: string,
): Promise<number> => {
  const r = await sql`delete from ${ident(table)} where ${where(scope, tenantId)}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
};

/** Inserts every row of `copy` back into `table`, column by column; returns how many. */
export const copyIn = async (
  db: Db,
  table: string,
  copy: string,
  columns: string[],
): Promise<number> => {
  const cols = sql.join(columns.map(ident));
  const r =
    await sql`insert into ${ident(table)} (${cols}) select ${cols} from ${ident(copy)}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
};

export const dropTable = async (db: Db, table: string): Promise<void> => {
  await sql`drop table if exists ${ident(table)}`.execute(db);
};

/** Distinct non-null values of `column` (FileStore keys) in a table, for a tenant or all rows. */
export const keysIn = async (
  db: Db,
  table: string,
  column: string,
  scope?: { scope: Scope; tenantId: string },
): Promise<string[]> => {
  const filter = scope === undefined ? sql`` : sql`and ${where(scope.scope, scope.tenantId)}`;
  const r = await sql<{ k: string }>`
    select distinct ${ident(column)} as k from ${ident(table)} where ${ident(column)} is not null ${filter}`.execute(
    db,
  );
  return r.rows.map((x) => x.k);
};

/** Counts a tenant's running (locked) jobs, by task. */
export const runningJobs = async (db: Db, tenantId: string): Promise<Map<string, number>> => {
  const r = await sql<{ task_id: string; n: number | string }>`
    select task_id, count(*) as n from jobs
    where ${where({ kind: 'jobs' }, tenantId)} and locked_at is not null and failed_at is null
    group by task_id order by task_id`.execute(db);
  return new Map(r.rows.map((x) => [x.task_id, Number(x.n)]));
};

/** Makes restored jobs claimable at once (a lock in a snapshot belongs to no live runner). */
export const unlockJobs = async (db: Db, tenantId: string): Promise<void> => {
  await sql`update jobs set locked_at = null, locked_by = null where ${where({ kind: 'jobs' }, tenantId)}`.execute(
    db,
  );
};

// ---- the snapshot tables themselves ----

export const insertSnapshot = async (db: Db, row: SnapshotRow): Promise<void> => {
  await db.insertInto('snapshots').values(row).execute();
};
export const updateSnapshotCounts = async (
  db: Db,
  id: string,
  counts: Pick<SnapshotRow, 'row_count' | 'file_count' | 'file_bytes'>,
): Promise<void> => {
  await db.updateTable('snapshots').set(counts).where('id', '=', id).execute();
};
export const insertSnapshotTables = async (db: Db, rows: SnapshotTableRow[]): Promise<void> => {
  if (rows.length > 0) await db.insertInto('snapshot_tables').values(rows).execute();
};
export const insertSnapshotFiles = async (db: Db, rows: SnapshotFileRow[]): Promise<void> => {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('snapshot_files')
      .values(rows.slice(i, i + 500))
      .execute();
};
export const findSnapshot = (db: Db, tenantId: string, name: string) =>
  db
    .selectFrom('snapshots')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
export const listSnapshots = (db: Db, tenantId: string) =>
  db
    .selectFrom('snapshots')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('name')
    .execute();
export const listSnapshotTables = (db: Db, snapshotId: string) =>
  db
    .selectFrom('snapshot_tables')
    .selectAll()
    .where('snapshot_id', '=', snapshotId)
    .orderBy('position')
    .execute();
export const listSnapshotFiles = (db: Db, snapshotId: string) =>
  db.selectFrom('snapshot_files').selectAll().where('snapshot_id', '=', snapshotId).execute();
export const deleteSnapshotRow = async (db: Db, id: string): Promise<void> => {
  await db.deleteFrom('snapshot_files').where('snapshot_id', '=', id).execute();
  await db.deleteFrom('snapshot_tables').where('snapshot_id', '=', id).execute();
  await db.deleteFrom('snapshots').where('id', '=', id).execute();
};

/** Deletes the tenant's jobs that no runner holds; returns how many. */
export const deleteScopedIdle = async (db: Db, tenantId: string): Promise<number> => {
  const r =
    await sql`delete from jobs where ${where({ kind: 'jobs' }, tenantId)} and locked_at is null`.execute(
      db,
    );
  return Number(r.numAffectedRows ?? 0);
};

/** Every snapshot id of every tenant (to find copy tables left by a deleted tenant). */
export const listAllSnapshotIds = async (db: Db): Promise<string[]> =>
  (await db.selectFrom('snapshots').select('id').execute()).map((r) => r.id);
