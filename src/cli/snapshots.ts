/**
 * `folio snapshot …` and `folio reset`: operator commands over the snapshots service (issue 12,
 * part 4), run directly on the configured database and file store, like `folio tenant`.
 */
import type { Config } from '../config.ts';
import {
  deleteSnapshot,
  listSnapshots,
  resetTenant,
  restoreSnapshot,
  saveSnapshot,
} from '../snapshots/snapshots.service.ts';
import { json, table, withDeps } from './admin.ts';

export const SNAPSHOT_USAGE = `  snapshot save|restore|delete TENANT NAME   save, restore or delete a snapshot of a tenant's state
  snapshot list TENANT [--json]   list a tenant's snapshots
  reset TENANT               empty a tenant's state (keeps the tenant, entities, clients, snapshots)`;

const usage = (msg: string): number => {
  process.stderr.write(`${msg}\n\nUsage:\n${SNAPSHOT_USAGE}\n`);
  return 2;
};

/** `folio snapshot save|list|restore|delete TENANT [NAME]`. */
export const snapshotCommand = async (
  config: Config,
  args: string[],
  flags: string[],
): Promise<number> => {
  const [verb, tenant, name, ...extra] = args;
  if (tenant === undefined || extra.length > 0)
    return usage('folio snapshot: expected `save|list|restore|delete TENANT [NAME]`');
  if (verb === 'list')
    return withDeps(config, async (deps) => {
      const snapshots = await listSnapshots(deps, tenant);
      if (flags.includes('--json')) json({ snapshots });
      else table(snapshots as never, ['name', 'createdAt', 'rowCount', 'fileCount', 'fileBytes']);
      return 0;
    });
  if (name === undefined) return usage(`folio snapshot ${verb ?? ''}: expected TENANT NAME`);
  switch (verb ?? '') {
    case 'save':
      return withDeps(config, async (deps) => {
        json(await saveSnapshot(deps, tenant, name));
        return 0;
      });
    case 'restore':
      return withDeps(config, async (deps) => {
        json(await restoreSnapshot(deps, tenant, name));
        return 0;
      });
    case 'delete':
      return withDeps(config, async (deps) => {
        await deleteSnapshot(deps, tenant, name);
        json({ deleted: name });
        return 0;
      });
    default:
      return usage('folio snapshot: expected `save|list|restore|delete TENANT [NAME]`');
  }
};

/** `folio reset TENANT`. */
export const resetCommand = async (config: Config, args: string[]): Promise<number> => {
  const [tenant, ...extra] = args;
  if (tenant === undefined || extra.length > 0) return usage('folio reset: expected TENANT');
  return withDeps(config, async (deps) => {
    json(await resetTenant(deps, tenant));
    return 0;
  });
};
