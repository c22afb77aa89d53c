/**
 * The whole database as Kysely sees it: every capability's tables, listed explicitly.
 * Stores take `Db` (the writer, the reader or a transaction).
 */
import type { Kysely, Transaction } from 'kysely';
import type { TenantsTables } from './tenants/tenants.table.ts';
import type { AuthTables } from './auth/auth.table.ts';
import type { SettingsTables } from './platform/db/settings.ts';
import type { JobsTables } from './platform/jobs/table.ts';
import type { IdempotencyTables } from './platform/http/idempotency.ts';
import type { SequencesTables } from './platform/db/sequences.ts';
import type { CatalogTables } from './catalog/catalog.table.ts';
import type { AccountsTables } from './accounts/accounts.table.ts';
import type { SubscriptionsTables } from './subscriptions/subscriptions.table.ts';
import type { InvoicesTables } from './invoices/invoices.table.ts';
import type { MemosTables } from './memos/memos.table.ts';
import type { FilesTables } from './files/files.table.ts';
import type { BulkPdfTables } from './bulkpdf/bulkpdf.table.ts';
import type { BillrunsTables } from './billruns/billruns.table.ts';
import type { PdfsTables } from './pdfs/pdfs.table.ts';
import type { ClocksTables } from './clocks/clocks.table.ts';
import type { LifecycleTables } from './lifecycle/lifecycle.table.ts';
import type { SnapshotsTables } from './snapshots/snapshots.table.ts';
import type { CalloutsTables } from './callouts/callouts.table.ts';

export interface Database
  extends
    TenantsTables,
    AuthTables,
    SettingsTables,
    JobsTables,
    IdempotencyTables,
    SequencesTables,
    CatalogTables,
    AccountsTables,
    SubscriptionsTables,
    InvoicesTables,
    MemosTables,
    FilesTables,
    BillrunsTables,
    PdfsTables,
    BulkPdfTables,
    ClocksTables,
    LifecycleTables,
    SnapshotsTables,
    CalloutsTables {}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
