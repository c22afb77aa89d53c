import { Migrator, PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/**
 * A migrator over an explicit, ordered list. On PostgreSQL its bookkeeping tables live in
 * `schema`, by default the connection's current schema: without naming it Kysely looks for
 * `kysely_migration_lock` in every schema, finds another one's and never creates its own
 * ("relation kysely_migration_lock does not exist" when several databases share one server, one
 * schema per test file).
 */
const migratorFor = async (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  schema?: string,
): Promise<Migrator> => {
  const tableSchema =
    schema ??
    (db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined);
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Unordered: migrations added on parallel branches may land in any order; each runs once.
    allowUnorderedMigrations: true,
    ...(tableSchema === undefined ? {} : { migrationTableSchema: tableSchema }),
  });
};

/** Runs every pending migration; returns the names applied; throws on failure. */
export const migrateToLatest = async (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  schema?: string,
): Promise<string[]> => {
  const { error, results } = await (await migratorFor(db, migrations, schema)).migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};

/**
 * Names of the migrations not yet applied (`/readyz`). Reads Kysely's bookkeeping table directly:
 * the Migrator would create its tables (DDL) on a mere check. A missing table means nothing has
 * run yet; a database that does not answer throws.
 */
export const pendingMigrations = async (
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<string[]> => {
  let done: Set<string>;
  try {
    const r = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    done = new Set(r.rows.map((x) => x.name));
  } catch {
    await sql`select 1`.execute(db);
    done = new Set();
  }
  return Object.keys(migrations).filter((name) => !done.has(name));
};
