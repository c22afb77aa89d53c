import { PostgresAdapter, type Kysely } from 'kysely';

// `document_files.version_number` holds epoch milliseconds (C4 `versionNumber`), beyond a 32-bit
// integer: PostgreSQL needs bigint (SQLite's INTEGER is 64-bit already, and it cannot alter a
// column's type, so it is left alone).
export const up = async (db: Kysely<unknown>): Promise<void> => {
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    await db.schema
      .alterTable('document_files')
      .alterColumn('version_number', (c) => c.setDataType('bigint'))
      .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    await db.schema
      .alterTable('document_files')
      .alterColumn('version_number', (c) => c.setDataType('integer'))
      .execute();
};
