import type { Insertable, Selectable } from 'kysely';

export interface TenantsTable {
  id: string;
  /** Zuora's numeric tenant id, shown in token scopes (`tenant.<n>`). */
  number: number;
  name: string;
  /** Tenant default Zuora-Version (C1.6); null = the configured default. */
  zuora_version_default: string | null;
  created_at: string;
}

export interface EntitiesTable {
  /** UUID (CONTRACT C1.4). */
  id: string;
  tenant_id: string;
  name: string;
  /** 1 for the entity created with the tenant. */
  is_default: number;
  created_at: string;
}

export interface TenantsTables {
  tenants: TenantsTable;
  entities: EntitiesTable;
}

export type TenantRow = Selectable<TenantsTable>;
export type NewTenantRow = Insertable<TenantsTable>;
export type EntityRow = Selectable<EntitiesTable>;
export type NewEntityRow = Insertable<EntitiesTable>;
