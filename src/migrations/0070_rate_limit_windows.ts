import type { Kysely } from 'kysely';

// CONTRACT C1.11 rate-limit counters shared by every `folio serve` of a PostgreSQL deployment
// (platform/http/limits-shared.ts): one row per tenant and window, reset when the window moves.
// Created on SQLite too (one migration set for both dialects), where the in-memory counters of
// the single process are used instead.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema
    .createTable('rate_limit_windows')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('window_seconds', 'integer', (c) => c.notNull())
    // Epoch seconds at which the current window started (aligned to its length).
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_windows_pk', ['tenant_id', 'window_seconds'])
    .execute();
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('rate_limit_windows').execute();
};
