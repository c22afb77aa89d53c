/**
 * Operator commands for tenants, entities and OAuth clients: the admin API's services, called
 * directly on the configured database (STYLE.md "Layout": operator commands call services).
 * Each opens the database from config, runs migrations, prints JSON (or a table for lists
 * without `--json`) and closes it. Expected failures print their message and exit 1.
 */
import type { Config } from '../config.ts';
import { closeDeps, createDeps, migrate, type Deps } from '../deps.ts';
import { isAppError } from '../platform/errors.ts';
import { createEntity, createTenant, listTenants } from '../tenants/tenants.service.ts';
import { createClient, listClients, revokeClient } from '../auth/auth.service.ts';

export const ADMIN_USAGE = `  tenant create NAME         create a tenant with its default entity
  tenant list [--json]       list tenants
  entity create TENANT NAME  add an entity to a tenant
  client create TENANT [NAME]            create an OAuth client (prints the secret once)
  client list TENANT [--json]            list a tenant's OAuth clients
  client revoke TENANT CLIENT_ID         revoke a client and its tokens`;

export const json = (v: unknown): void => {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
};

/** A plain aligned table; values are stringified, null shown as "-". */
export const table = (rows: Record<string, unknown>[], columns: string[]): void => {
  const show = (v: unknown): string =>
    v === null || v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v);
  const cells = rows.map((r) => columns.map((c) => show(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${[line(columns), ...cells.map(line)].join('\n')}\n`);
};

export const usage = (msg: string): number => {
  process.stderr.write(`${msg}\n\nUsage:\n${ADMIN_USAGE}\n`);
  return 2;
};

export const withDeps = async (
  config: Config,
  fn: (deps: Deps) => Promise<number>,
): Promise<number> => {
  const deps = await createDeps(config);
  try {
    await migrate(deps);
    return await fn(deps);
  } catch (e) {
    if (!isAppError(e)) throw e;
    process.stderr.write(`folio: ${e.message}\n`);
    return 1;
  } finally {
    await closeDeps(deps);
  }
};

/** `folio tenant create NAME | list [--json]`. */
export const tenantCommand = async (
  config: Config,
  args: string[],
  flags: string[],
): Promise<number> => {
  const [verb, name] = args;
  if (verb === 'create' && name !== undefined)
    return withDeps(config, async (deps) => {
      const { tenant, entity } = await createTenant(deps, { name });
      json({ ...tenant, defaultEntity: entity });
      return 0;
    });
  if (verb === 'list')
    return withDeps(config, async (deps) => {
      const tenants = await listTenants(deps);
      if (flags.includes('--json')) json({ tenants });
      else table(tenants as never, ['id', 'number', 'name', 'zuoraVersionDefault', 'createdAt']);
      return 0;
    });
  return usage('folio tenant: expected `create NAME` or `list`');
};

/** `folio entity create TENANT NAME`. */
export const entityCommand = async (config: Config, args: string[]): Promise<number> => {
  const [verb, tenantId, name] = args;
  if (verb !== 'create' || tenantId === undefined || name === undefined)
    return usage('folio entity: expected `create TENANT NAME`');
  return withDeps(config, async (deps) => {
    json(await createEntity(deps, tenantId, { name }));
    return 0;
  });
};

/** `folio client create TENANT [NAME] | list TENANT [--json] | revoke TENANT CLIENT_ID`. */
export const clientCommand = async (
  config: Config,
  args: string[],
  flags: string[],
): Promise<number> => {
  const [verb, tenantId, third] = args;
  if (tenantId === undefined) return usage('folio client: expected a tenant id');
  switch (verb ?? '') {
    case 'create':
      return withDeps(config, async (deps) => {
        json(
          await createClient(deps, { tenantId, ...(third === undefined ? {} : { name: third }) }),
        );
        return 0;
      });
    case 'list':
      return withDeps(config, async (deps) => {
        const clients = await listClients(deps, tenantId);
        if (flags.includes('--json')) json({ clients });
        else
          table(
            clients.map((c) => ({ ...c, entityIds: c.entityIds.join(',') })),
            ['clientId', 'name', 'entityIds', 'createdAt', 'revokedAt'],
          );
        return 0;
      });
    case 'revoke':
      if (third === undefined) return usage('folio client revoke: expected TENANT CLIENT_ID');
      return withDeps(config, async (deps) => {
        await revokeClient(deps, tenantId, third);
        json({ clientId: third, revoked: true });
        return 0;
      });
    default:
      return usage('folio client: expected `create`, `list` or `revoke`');
  }
};
