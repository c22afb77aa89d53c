/**
 * A tiny key/value table for deployment-wide facts that every node must share, such as the
 * generated URL-signing secret (DESIGN.md "Files and URLs").
 */
import type { Kysely } from 'kysely';

export interface SettingsTables {
  settings: { key: string; value: string };
}

/** Returns the stored value for `key`, inserting `create()` first if none exists (race-safe). */
export const ensureSetting = async (
  db: Kysely<SettingsTables>,
  key: string,
  create: () => string,
): Promise<string> => {
  await db
    .insertInto('settings')
    .values({ key, value: create() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return row.value;
};
