/**
 * Traffic controls of the emulator (issue 12): fault rules on a tenant's Zuora routes (part 3)
 * and the tenant's request log (part 7). Both live in this process's memory (`deps.faults`,
 * `deps.requestLog`; see their platform modules for why); this layer checks the tenant.
 */
import type { Deps } from '../deps.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { FaultRule, FaultRuleInput } from '../platform/http/faults.ts';
import type { RequestLogEntry } from '../platform/http/request-log.ts';
import { getTenant } from '../tenants/tenants.service.ts';

/** Adds a fault rule; a rule must do something (a status, a delay or a drop). */
export const addFault = async (
  deps: Deps,
  tenantId: string,
  input: FaultRuleInput,
): Promise<FaultRule> => {
  await getTenant(deps, tenantId);
  if (input.status === undefined && !input.drop && (input.latencyMs ?? 0) === 0)
    throw new AppError('missing', 'A fault needs status, latencyMs or drop.', { field: 'status' });
  if (input.drop === true && input.status !== undefined)
    throw new AppError('invalid', 'A fault either drops the connection or answers a status.', {
      field: 'drop',
    });
  return deps.faults.add(tenantId, input, deps.ids.id(), deps.clock.now(tenantId));
};

export const listFaults = async (deps: Deps, tenantId: string): Promise<FaultRule[]> => {
  await getTenant(deps, tenantId);
  return deps.faults.list(tenantId);
};

export const removeFault = async (deps: Deps, tenantId: string, faultId: string): Promise<void> => {
  await getTenant(deps, tenantId);
  if (!deps.faults.remove(tenantId, faultId)) throw notFound('Fault', faultId);
};

export const clearFaults = async (deps: Deps, tenantId: string): Promise<number> => {
  await getTenant(deps, tenantId);
  return deps.faults.clear(tenantId);
};

export const listRequests = async (
  deps: Deps,
  tenantId: string,
  limit?: number,
): Promise<{ size: number; bodies: boolean; requests: RequestLogEntry[] }> => {
  await getTenant(deps, tenantId);
  return {
    size: deps.requestLog.size,
    bodies: deps.requestLog.bodies,
    requests: deps.requestLog.list(tenantId, limit),
  };
};

export const clearRequests = async (deps: Deps, tenantId: string): Promise<void> => {
  await getTenant(deps, tenantId);
  deps.requestLog.clear(tenantId);
};
