/** The tenant and entity a request acts in (C1.4): every billing query is scoped by both. */
export interface Scope {
  tenantId: string;
  entityId: string;
}

/** v1 REST date-time `yyyy-MM-dd HH:mm:ss` (C0.4; tenant TZ, UTC by default). */
export const toV1DateTime = (iso: string): string => iso.slice(0, 19).replace('T', ' ');

/** CRUD date-time `yyyy-MM-ddTHH:mm:ss.SSS+00:00` (C0.4). */
export const toCrudDateTime = (iso: string): string => `${iso.slice(0, 23)}+00:00`;
