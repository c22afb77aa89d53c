/** Tenants and their entities (CONTRACT C1.4): every object in Folio belongs to one entity. */
import type { Deps } from '../deps.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { toIso } from '../platform/clock.ts';
import * as store from './tenants.store.ts';
import type { EntityRow, TenantRow } from './tenants.table.ts';

export interface Tenant {
  id: string;
  number: number;
  name: string;
  zuoraVersionDefault: string | null;
  createdAt: string;
}
export interface Entity {
  id: string;
  tenantId: string;
  name: string;
  isDefault: boolean;
  createdAt: string;
}

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  number: r.number,
  name: r.name,
  zuoraVersionDefault: r.zuora_version_default,
  createdAt: r.created_at,
});
const toEntity = (r: EntityRow): Entity => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  isDefault: r.is_default === 1,
  createdAt: r.created_at,
});

/** The demo tenant's fixed id, so restarts and docs find the same tenant. */
export const DEMO_TENANT_ID = '00000000000000000000000000000001';

export interface CreateTenantInput {
  name: string;
  id?: string;
  zuoraVersionDefault?: string | null;
}

/** Creates a tenant with its default entity, in one transaction. */
export const createTenant = async (
  deps: Deps,
  input: CreateTenantInput,
): Promise<{ tenant: Tenant; entity: Entity }> => {
  const now = toIso(deps.clock.now());
  const id = input.id ?? deps.ids.id();
  const entityId = deps.ids.uuid();
  return deps.db.db.transaction().execute(async (tx) => {
    const number = await store.nextTenantNumber(tx);
    const tenantRow = {
      id,
      number,
      name: input.name,
      zuora_version_default: input.zuoraVersionDefault ?? null,
      created_at: now,
    };
    await store.insertTenant(tx, tenantRow);
    const entityRow = {
      id: entityId,
      tenant_id: id,
      name: input.name,
      is_default: 1,
      created_at: now,
    };
    await store.insertEntity(tx, entityRow);
    return { tenant: toTenant(tenantRow), entity: toEntity(entityRow) };
  });
};

export const findTenant = async (deps: Deps, id: string): Promise<Tenant | undefined> => {
  const r = await store.findTenant(deps.db.read, id);
  return r === undefined ? undefined : toTenant(r);
};

export const getTenant = async (deps: Deps, id: string): Promise<Tenant> => {
  const t = await findTenant(deps, id);
  if (t === undefined) throw notFound('Tenant', id);
  return t;
};

export const listTenants = async (deps: Deps): Promise<Tenant[]> =>
  (await store.listTenants(deps.db.read)).map(toTenant);

/** Deletes a tenant and, by cascade, everything it owns. */
export const deleteTenant = async (deps: Deps, id: string): Promise<void> => {
  if ((await store.deleteTenant(deps.db.db, id)) === 0) throw notFound('Tenant', id);
};

export const createEntity = async (
  deps: Deps,
  tenantId: string,
  input: { name: string },
): Promise<Entity> => {
  await getTenant(deps, tenantId);
  const row = {
    id: deps.ids.uuid(),
    tenant_id: tenantId,
    name: input.name,
    is_default: 0,
    created_at: toIso(deps.clock.now(tenantId)),
  };
  await store.insertEntity(deps.db.db, row);
  return toEntity(row);
};

export const listEntities = async (deps: Deps, tenantId: string): Promise<Entity[]> => {
  await getTenant(deps, tenantId);
  return (await store.listEntities(deps.db.read, tenantId)).map(toEntity);
};

/** Checks that every id is an entity of the tenant; throws `invalid` naming the first that is not. */
export const checkEntities = async (deps: Deps, tenantId: string, ids: string[]): Promise<void> => {
  const known = new Set((await store.listEntities(deps.db.read, tenantId)).map((e) => e.id));
  const bad = ids.find((id) => !known.has(id));
  if (bad !== undefined)
    throw new AppError('invalid', `Entity ${bad} does not belong to tenant ${tenantId}.`, {
      field: 'entityIds',
    });
};

/** Makes sure the demo tenant exists (DESIGN.md: created at first start when FOLIO_DEMO is on). */
export const ensureDemoTenant = async (deps: Deps): Promise<{ tenant: Tenant; entity: Entity }> => {
  const existing = await store.findTenant(deps.db.db, DEMO_TENANT_ID);
  if (existing === undefined) {
    try {
      return await createTenant(deps, { id: DEMO_TENANT_ID, name: 'Demo' });
    } catch (e) {
      // Another process created it first: fall through and read it.
      if ((await store.findTenant(deps.db.db, DEMO_TENANT_ID)) === undefined) throw e;
    }
  }
  const tenant = await store.findTenant(deps.db.db, DEMO_TENANT_ID);
  const entities = await store.listEntities(deps.db.db, DEMO_TENANT_ID);
  const entity = entities.find((e) => e.is_default === 1) ?? entities[0];
  if (tenant === undefined || entity === undefined) throw new Error('demo tenant is incomplete');
  return { tenant: toTenant(tenant), entity: toEntity(entity) };
};
