/**
 * Operator commands for the emulator's test clock and lifecycle control (issue 12): the same
 * services as `/folio/v1/tenants/{id}/clock`, `/folio/v1/tenants/{id}/lifecycle` and
 * `/folio/v1/jobs/{id}`, run directly on the configured database. A running server sees a change
 * within `FOLIO_EMULATOR_CACHE_MS`. Each prints JSON; an expected failure prints its message, exit 1.
 */
import type { Config } from '../config.ts';
import { advanceClock, getClock, setClock } from '../clocks/clocks.service.ts';
import {
  LIFECYCLE_MODES,
  advanceJob,
  forceJob,
  getControlledJob,
  getTenantLifecycle,
  setTenantLifecycle,
  type LifecycleMode,
} from '../lifecycle/lifecycle.service.ts';
import { json, usage, withDeps } from './admin.ts';

export const CLOCK_LIFECYCLE_USAGE = `  clock show TENANT                      a tenant's test clock
  clock freeze TENANT [AT]               freeze its time (at AT, default now)
  clock offset TENANT AT                 run its time from AT
  clock advance TENANT P1M|AT            move it forward by a duration or to an instant
  clock reset TENANT                     back to real time
  lifecycle show TENANT                  a tenant's lifecycle mode
  lifecycle set TENANT MODE [POLLS]      real | immediately | polls | manual
  lifecycle job ID                       a bill run's or bulk-PDF job's status and controls
  lifecycle advance ID                   move a held job one status or step
  lifecycle force ID REASON [STEP]       force it into Error at a step`;

/** `folio clock show|freeze|offset|advance|reset TENANT …`. */
export const clockCommand = async (config: Config, args: string[]): Promise<number> => {
  const [verb, tenantId, value] = args;
  if (tenantId === undefined) return usage('folio clock: expected a tenant id');
  switch (verb ?? '') {
    case 'show':
      return withDeps(config, async (deps) => {
        json(await getClock(deps, tenantId));
        return 0;
      });
    case 'freeze':
      return withDeps(config, async (deps) => {
        json(
          await setClock(deps, tenantId, {
            mode: 'frozen',
            ...(value === undefined ? {} : { at: value }),
          }),
        );
        return 0;
      });
    case 'offset':
      if (value === undefined) return usage('folio clock offset: expected TENANT AT');
      return withDeps(config, async (deps) => {
        json(await setClock(deps, tenantId, { mode: 'offset', at: value }));
        return 0;
      });
    case 'advance':
      if (value === undefined) return usage('folio clock advance: expected TENANT P1M|AT');
      return withDeps(config, async (deps) => {
        json(
          await advanceClock(deps, tenantId, value.startsWith('P') ? { by: value } : { to: value }),
        );
        return 0;
      });
    case 'reset':
      return withDeps(config, async (deps) => {
        json(await setClock(deps, tenantId, { mode: 'real' }));
        return 0;
      });
    default:
      return usage('folio clock: expected show, freeze, offset, advance or reset');
  }
};

/** `folio lifecycle show|set TENANT … | job|advance|force ID …`. */
export const lifecycleCommand = async (config: Config, args: string[]): Promise<number> => {
  const [verb, id, third, fourth] = args;
  if (id === undefined) return usage('folio lifecycle: expected a tenant or job id');
  switch (verb ?? '') {
    case 'show':
      return withDeps(config, async (deps) => {
        json(await getTenantLifecycle(deps, id));
        return 0;
      });
    case 'set': {
      if (third === undefined || !(LIFECYCLE_MODES as readonly string[]).includes(third))
        return usage(`folio lifecycle set: expected TENANT ${LIFECYCLE_MODES.join('|')} [POLLS]`);
      const polls = fourth === undefined ? undefined : Number(fourth);
      if (polls !== undefined && !(Number.isInteger(polls) && polls >= 1 && polls <= 1000))
        return usage('folio lifecycle set: POLLS must be an integer 1–1000');
      return withDeps(config, async (deps) => {
        json(
          await setTenantLifecycle(deps, id, {
            mode: third as LifecycleMode,
            ...(polls === undefined ? {} : { polls }),
          }),
        );
        return 0;
      });
    }
    case 'job':
      return withDeps(config, async (deps) => {
        json(await getControlledJob(deps, id));
        return 0;
      });
    case 'advance':
      return withDeps(config, async (deps) => {
        json(await advanceJob(deps, id));
        return 0;
      });
    case 'force':
      if (third === undefined) return usage('folio lifecycle force: expected ID REASON [STEP]');
      return withDeps(config, async (deps) => {
        json(
          await forceJob(deps, id, {
            reason: third,
            ...(fourth === undefined ? {} : { step: fourth }),
          }),
        );
        return 0;
      });
    default:
      return usage('folio lifecycle: expected show, set, job, advance or force');
  }
};
