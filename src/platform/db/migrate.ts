import { Migrator, type Kysely, type Migration } from 'kysely';

/**
 * Runs the given migrations (an explicit, ordered list) to the latest; throws on failure.
 * `schema` (PostgreSQL): the schema holding Kysely's bookkeeping tables. Without it Kysely looks
 * for `kysely_migration_lock` in every schema, finds another one's and never creates its own
 * ("relation kysely_migration_lock does not exist" when test files migrate side by side).
 */
export const migrateToLatest = async (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  schema?: string,
): Promise<string[]> => {
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
