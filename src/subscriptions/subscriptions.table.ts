import type { Insertable, Selectable } from 'kysely';

export interface SubscriptionsTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  account_id: string;
  subscription_number: string;
  status: string;
  term_type: string;
  initial_term: number | null;
  renewal_term: number;
  auto_renew: number;
  invoice_separately: number;
  contract_effective_date: string;
  service_activation_date: string | null;
  customer_acceptance_date: string | null;
  term_start_date: string;
  /** First day after the term (TERMED); null for EVERGREEN. */
  term_end_date: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
}
/** A subscribed charge: the catalog definition copied at subscribe time, plus billing state. */
export interface SubscriptionChargesTable {
  id: string;
  tenant_id: string;
  entity_id: string;
  subscription_id: string;
  rate_plan_id: string;
  product_id: string;
  product_name: string;
  product_rate_plan_id: string;
  rate_plan_name: string;
  product_rate_plan_charge_id: string;
  charge_number: string;
  name: string;
  charge_type: string;
  charge_model: string;
  billing_period: string;
  bill_cycle_type: string;
  bill_cycle_day: number | null;
  billing_timing: string;
  trigger_event: string;
  trigger_date: string | null;
  /** Override price; null = the catalog tier in the account currency. */
  price: string | null;
  quantity: string;
  uom: string | null;
  charged_through_date: string | null;
  processed_through_date: string | null;
  effective_start_date: string;
  effective_end_date: string | null;
  position: number;
}
export interface SubscriptionsTables {
  subscriptions: SubscriptionsTable;
  subscription_charges: SubscriptionChargesTable;
}
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type NewSubscriptionRow = Insertable<SubscriptionsTable>;
export type SubscriptionChargeRow = Selectable<SubscriptionChargesTable>;
export type NewSubscriptionChargeRow = Insertable<SubscriptionChargesTable>;
