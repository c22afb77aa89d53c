/** Every migration, in order, listed explicitly (STYLE.md "Explicit wiring"). One set for both dialects. */
import type { Migration } from 'kysely';
import * as m0001 from './migrations/0001_foundation.ts';
import * as m0002 from './migrations/0002_idempotency.ts';
import * as m0004 from './migrations/0004_jobs.ts';
import * as m0010 from './migrations/0010_billing_model.ts';
import * as m0060 from './migrations/0060_bulk_pdf.ts';
import * as m0040 from './migrations/0040_billruns.ts';
import * as m0041 from './migrations/0041_bill_run_accounts.ts';
import * as m0042 from './migrations/0042_bill_run_documents.ts';
import * as m0043 from './migrations/0043_email_outbox.ts';
import * as m0030 from './migrations/0030_pdf_versions.ts';
import * as m0031 from './migrations/0031_pdf_settings.ts';
import * as m0140 from './migrations/0140_scoped_lookup_indexes.ts';
import * as m0080 from './migrations/0080_tenant_clocks.ts';
import * as m0081 from './migrations/0081_lifecycle.ts';
import * as m0090 from './migrations/0090_snapshots.ts';
import * as m0070 from './migrations/0070_rate_limit_windows.ts';
import * as m0091 from './migrations/0091_callouts.ts';

export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_idempotency': m0002,
  '0004_jobs': m0004,
  '0010_billing_model': m0010,
  '0060_bulk_pdf': m0060,
  '0040_billruns': m0040,
  '0041_bill_run_accounts': m0041,
  '0042_bill_run_documents': m0042,
  '0043_email_outbox': m0043,
  '0030_pdf_versions': m0030,
  '0031_pdf_settings': m0031,
  '0140_scoped_lookup_indexes': m0140,
  '0080_tenant_clocks': m0080,
  '0081_lifecycle': m0081,
  '0090_snapshots': m0090,
  '0070_rate_limit_windows': m0070,
  '0091_callouts': m0091,
};
