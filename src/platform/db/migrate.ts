import { Migrator, PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/** Runs the given migrations (an explicit, ordered list) to the latest; throws on failure. */
export const migrateToLatest = async (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<string[]> => {
  // Unordered: migrations added on parallel branches may land in any order; each runs once.
  // On PostgreSQL the migration tables live in the connection's schema. Without naming it,
  // Kysely looks for them in every schema and, when several databases share one server (one schema
  // per test file), skips creating its lock table because another schema has one.
  const schema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined;
  const migrator = new Migrator({
    db,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};
