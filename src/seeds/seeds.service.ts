/**
 * Deterministic mode per tenant (issue 12 part 6): a tenant's ids come from its own seed, set
 * through the admin API, or from the deployment's `FOLIO_SEED`, or are random. Numbers (`A…`,
 * `INV…`, `BR-…`) are per-entity sequences and PDF bytes depend only on the document and its
 * dates, so with a seed and a frozen test clock the same calls give the same responses and PDFs.
 */
import type { Deps } from '../deps.ts';
import { getTenant } from '../tenants/tenants.service.ts';

export interface TenantSeed {
  tenantId: string;
  /** The seed the tenant's ids come from; null: random ids. */
  seed: string | null;
  /** `tenant`: its own seed; `deployment`: FOLIO_SEED; null: none. */
  source: 'tenant' | 'deployment' | null;
}

const view = (deps: Deps, tenantId: string, own: boolean): TenantSeed => {
  const seed = deps.ids.seedOf(tenantId) ?? null;
  return { tenantId, seed, source: seed === null ? null : own ? 'tenant' : 'deployment' };
};

const owned = new WeakMap<object, Set<string>>();
const ownedOf = (deps: Deps): Set<string> => {
  let s = owned.get(deps.ids);
  if (s === undefined) owned.set(deps.ids, (s = new Set()));
  return s;
};

export const getSeed = async (deps: Deps, tenantId: string): Promise<TenantSeed> => {
  await getTenant(deps, tenantId);
  return view(deps, tenantId, ownedOf(deps).has(tenantId));
};

/**
 * Starts the tenant's id sequence from `seed` (null: back to the deployment seed, or random).
 * Setting the same seed again starts the same sequence again: re-seed after emptying the tenant,
 * or its new ids would repeat those of rows it still has. Lasts until the process stops.
 */
export const setSeed = async (
  deps: Deps,
  tenantId: string,
  seed: string | null,
): Promise<TenantSeed> => {
  await getTenant(deps, tenantId);
  deps.ids.reseed(tenantId, seed ?? undefined);
  if (seed === null) ownedOf(deps).delete(tenantId);
  else ownedOf(deps).add(tenantId);
  return view(deps, tenantId, seed !== null);
};
