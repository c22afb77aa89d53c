import type { Kysely } from 'kysely';

// Snapshots of a tenant's state (issue 12, part 4). A snapshot's rows are kept in copy tables
// made with CREATE TABLE … AS SELECT (one per source table, named in `snapshot_tables`), and its
// files as FileStore copies under `snapshots/<id>/` (named in `snapshot_files`).
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('snapshots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // The last migration when it was taken: a snapshot restores only into the same schema.
    .addColumn('schema_version', 'text', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('file_count', 'integer', (c) => c.notNull())
    .addColumn('file_bytes', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('snapshots_tenant_name', ['tenant_id', 'name'])
    .execute();
  await db.schema
    .createTable('snapshot_tables')
    .addColumn('snapshot_id', 'text', (c) =>
      c.notNull().references('snapshots.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('source_table', 'text', (c) => c.notNull())
    .addColumn('copy_table', 'text', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('snapshot_tables_pk', ['snapshot_id', 'position'])
    .execute();
  await db.schema
    .createTable('snapshot_files')
    .addColumn('snapshot_id', 'text', (c) =>
      c.notNull().references('snapshots.id').onDelete('cascade'),
    )
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('copy_key', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('snapshot_files_pk', ['snapshot_id', 'key'])
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('snapshot_files').execute();
  await db.schema.dropTable('snapshot_tables').execute();
  await db.schema.dropTable('snapshots').execute();
};
