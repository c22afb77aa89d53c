import { Migrator, type Kysely, type Migration } from 'kysely';

/** Runs the given migrations (an explicit, ordered list) to the latest; throws on failure. */
export const migrateToLatest = async (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<string[]> => {
  // Unordered: migrations added on parallel branches may land in any order; each runs once.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};

/** Names of the given migrations not yet applied (`/readyz`); throws when the database is down. */
export const pendingMigrations = async (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<string[]> => {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
};
