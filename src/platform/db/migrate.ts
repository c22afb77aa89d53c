import { Migrator, PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/**
 * Runs the given migrations (an explicit, ordered list) to the latest; throws on failure.
 * `schema` (PostgreSQL): the schema holding Kysely's bookkeeping tables, by default the
 * connection's current schema. Without naming it Kysely looks for `kysely_migration_lock` in every
 * schema, finds another one's and never creates its own ("relation kysely_migration_lock does not
 * exist" when several databases share one server, one schema per test file).
 */
export const migrateToLatest = async (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  schema?: string,
): Promise<string[]> => {
  const tableSchema =
    schema ??
    (db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Unordered: migrations added on parallel branches may land in any order; each runs once.
    allowUnorderedMigrations: true,
    ...(tableSchema === undefined ? {} : { migrationTableSchema: tableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};
