import type { Insertable, Selectable } from 'kysely';

export interface ProductsTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  name: string;
  sku: string | null;
  description: string | null;
  category: string | null;
  effective_start_date: string;
  effective_end_date: string;
  created_at: string;
}
export interface ProductRatePlansTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  product_id: string;
  name: string;
  description: string | null;
  created_at: string;
}
export interface ProductRatePlanChargesTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  product_rate_plan_id: string;
  name: string;
  charge_type: string;
  charge_model: string;
  billing_period: string;
  bill_cycle_type: string;
  bill_cycle_day: number | null;
  trigger_event: string;
  billing_timing: string;
  uom: string | null;
  default_quantity: string | null;
  /** JSON `{"USD":"30"}`: one flat tier price per currency. */
  prices: string;
  created_at: string;
}
export interface CatalogTables {
  products: ProductsTable;
  product_rate_plans: ProductRatePlansTable;
  product_rate_plan_charges: ProductRatePlanChargesTable;
}

export type ProductRow = Selectable<ProductsTable>;
export type NewProductRow = Insertable<ProductsTable>;
export type ProductRatePlanRow = Selectable<ProductRatePlansTable>;
export type NewProductRatePlanRow = Insertable<ProductRatePlansTable>;
export type ProductRatePlanChargeRow = Selectable<ProductRatePlanChargesTable>;
export type NewProductRatePlanChargeRow = Insertable<ProductRatePlanChargesTable>;
