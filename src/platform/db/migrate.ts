import { Migrator, PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/** Runs the given migrations (an explicit, ordered list) to the latest; throws on failure. */
export const migrateToLatest = async (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<string[]> => {
  // Kysely looks for its migration tables in *any* schema unless told which one, so a database
  // where another schema already has them (tests: one schema per file, run in parallel) would
  // skip creating its own and fail with `relation "kysely_migration_lock" does not exist`.
  const schema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined;
  // Unordered: migrations added on parallel branches may land in any order; each runs once.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};
