/**
 * The web console (issue 13): its static files, read once at start up and served from memory,
 * and the tenant-scoped reads of the admin console, composed from other capabilities' services.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { Deps } from '../deps.ts';
import { searchAccounts } from '../accounts/accounts.service.ts';
import { listSubscriptionsOfAccount } from '../subscriptions/subscriptions.service.ts';
import { listBulkPdfJobs } from '../bulkpdf/bulkpdf.service.ts';
import { listBillRunDocuments } from '../billruns/billruns.service.ts';
import { getTenant } from '../tenants/tenants.service.ts';
import { notFound } from '../platform/errors.ts';

/** Where the console's plain ES modules, HTML and CSS live (no build step). */
export const PUBLIC_DIR = join(import.meta.dirname, 'public');

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  /** Strong validator from the content: browsers revalidate (`no-cache`) and get 304s. */
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
};

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );

/** Every file of `dir` by its URL path (`/console/app.js`); files of unknown type are left out. */
export const loadConsoleAssets = (dir: string = PUBLIC_DIR): Map<string, ConsoleAsset> => {
  const assets = new Map<string, ConsoleAsset>();
  for (const file of walk(dir)) {
    const contentType = TYPES[extname(file)];
    if (contentType === undefined) continue;
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const path = `/console/${relative(dir, file).split(sep).join('/')}`;
    assets.set(path, { body, contentType, etag });
  }
  return assets;
};

/** Accounts of a tenant by number, id or name (404 for an unknown tenant). */
export const searchTenantAccounts = async (
  deps: Deps,
  q: { tenantId: string; entityId?: string | undefined; search?: string | undefined },
  page: number,
) => {
  await getTenant(deps, q.tenantId);
  return searchAccounts(deps, q, page);
};

/** Subscriptions of one account of a tenant; an account of another tenant is not found. */
export const listTenantAccountSubscriptions = async (
  deps: Deps,
  tenantId: string,
  accountId: string,
) => {
  const found = await searchTenantAccounts(deps, { tenantId, search: accountId }, 1);
  if (!found.accounts.some((a) => a.id === accountId)) throw notFound('Account', accountId);
  return listSubscriptionsOfAccount(deps, tenantId, accountId);
};

export const listTenantBulkPdfJobs = async (
  deps: Deps,
  q: { tenantId: string; entityId?: string | undefined },
  page: number,
) => {
  await getTenant(deps, q.tenantId);
  return listBulkPdfJobs(deps, q, page);
};

export const listTenantBillRunDocuments = async (
  deps: Deps,
  tenantId: string,
  billRunId: string,
  page: number,
) => listBillRunDocuments(deps, tenantId, billRunId, page);
