/**
 * The whole database as Kysely sees it: every capability's tables, listed explicitly.
 * Stores take `Db` (the writer, the reader or a transaction).
 */
import type { Kysely, Transaction } from 'kysely';
import type { TenantsTables } from './tenants/tenants.table.ts';
import type { AuthTables } from './auth/auth.table.ts';
import type { SettingsTables } from './platform/db/settings.ts';
import type { IdempotencyTables } from './platform/http/idempotency.ts';

export interface Database extends TenantsTables, AuthTables, SettingsTables, IdempotencyTables {}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
