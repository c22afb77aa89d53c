import { Migrator, PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/**
 * The Migrator finds its tables by introspection across *all* schemas, so on PostgreSQL with a
 * schema per test file (or per deployment) it can see another schema's `kysely_migration_lock`,
 * skip creating its own and then fail. Naming the connection's schema avoids that.
 */
const migratorFor = async (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<Migrator> => {
  let migrationTableSchema: string | undefined;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const r = await sql<{ s: string }>`select current_schema() as s`.execute(db);
    migrationTableSchema = r.rows[0]?.s;
  }
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Unordered: migrations added on parallel branches may land in any order; each runs once.
    allowUnorderedMigrations: true,
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
};

/** Runs the given migrations (an explicit, ordered list) to the latest; throws on failure. */
export const migrateToLatest = async (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<string[]> => {
  const migrator = await migratorFor(db, migrations);
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};

/** Names of the given migrations not yet applied (`/readyz`); throws when the database is down. */
export const pendingMigrations = async (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<string[]> => {
  const migrator = await migratorFor(db, migrations);
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
};
