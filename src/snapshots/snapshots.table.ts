import type { Selectable } from 'kysely';

/** One saved snapshot of a tenant (migration 0090). */
export interface SnapshotsTable {
  id: string;
  tenant_id: string;
  name: string;
  schema_version: string;
  row_count: number;
  file_count: number;
  /** bigint on PostgreSQL: read as a string there. */
  file_bytes: number | string;
  created_at: string;
}
/** Which copy table holds a snapshot's rows of one source table; `position` is the insert order. */
export interface SnapshotTablesTable {
  snapshot_id: string;
  position: number;
  source_table: string;
  copy_table: string;
  row_count: number;
}
/** A file of the snapshot: its live key and the FileStore copy. */
export interface SnapshotFilesTable {
  snapshot_id: string;
  key: string;
  copy_key: string;
  size: number | string;
  content_type: string;
}
export interface SnapshotsTables {
  snapshots: SnapshotsTable;
  snapshot_tables: SnapshotTablesTable;
  snapshot_files: SnapshotFilesTable;
}
export type SnapshotRow = Selectable<SnapshotsTable>;
export type SnapshotTableRow = Selectable<SnapshotTablesTable>;
export type SnapshotFileRow = Selectable<SnapshotFilesTable>;
