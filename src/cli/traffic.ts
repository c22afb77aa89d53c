/**
 * `folio fault …` and `folio requests …`: client commands of the traffic controls (issue 12).
 * Fault rules and the request log live in the memory of the serving process, so these commands
 * talk HTTP to it (`FOLIO_PUBLIC_URL`, admin token `FOLIO_ADMIN_TOKEN` or the demo one) rather
 * than opening the database.
 */
import type { Config } from '../config.ts';
import { adminTokenOf } from '../platform/http/app.ts';

export const TRAFFIC_USAGE = `  fault add TENANT --path P [--method M] [--status S] [--latency-ms N] [--drop]
            [--times N] [--probability P] [--seed N] [--retry-after N] [--message TEXT]
                             add a fault rule on the tenant's Zuora routes (talks to the server)
  fault list TENANT          list fault rules with how often each fired
  fault clear TENANT [ID]    remove one rule, or all of them
  requests TENANT [--limit N] [--clear]   the tenant's last requests, newest first`;

const FAULT_FLAGS: Record<string, { key: string; type: 'string' | 'int' | 'number' | 'flag' }> = {
  '--path': { key: 'path', type: 'string' },
  '--method': { key: 'method', type: 'string' },
  '--status': { key: 'status', type: 'int' },
  '--latency-ms': { key: 'latencyMs', type: 'int' },
  '--drop': { key: 'drop', type: 'flag' },
  '--times': { key: 'times', type: 'int' },
  '--probability': { key: 'probability', type: 'number' },
  '--seed': { key: 'seed', type: 'int' },
  '--retry-after': { key: 'retryAfter', type: 'int' },
  '--message': { key: 'message', type: 'string' },
  '--limit': { key: 'limit', type: 'int' },
  '--clear': { key: 'clear', type: 'flag' },
};

class UsageError extends Error {}

/** Flags to values; a flag without `=` takes the next positional, in order (as `folio seed`). */
const parseFlags = (flags: string[], values: string[]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const f of flags) {
    const eq = f.indexOf('=');
    const name = eq === -1 ? f : f.slice(0, eq);
    const spec = FAULT_FLAGS[name];
    if (spec === undefined) throw new UsageError(`unknown flag ${name}`);
    if (spec.type === 'flag') {
      out[spec.key] = true;
      continue;
    }
    const v = eq === -1 ? values.shift() : f.slice(eq + 1);
    if (v === undefined) throw new UsageError(`${name} needs a value`);
    const n = Number(v);
    if (spec.type !== 'string' && (v.trim() === '' || !Number.isFinite(n)))
      throw new UsageError(`${name} must be a number`);
    out[spec.key] = spec.type === 'string' ? v : n;
  }
  if (values.length > 0) throw new UsageError(`unexpected argument ${values[0]}`);
  return out;
};

const call = async (
  config: Config,
  method: string,
  path: string,
  body?: unknown,
): Promise<number> => {
  const token = adminTokenOf(config);
  if (token === undefined) {
    process.stderr.write('folio: no admin token: set FOLIO_ADMIN_TOKEN\n');
    return 1;
  }
  let res: Response;
  try {
    res = await fetch(`${config.publicUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (e) {
    process.stderr.write(
      `folio: cannot reach the server at ${config.publicUrl} (${(e as Error).message}); set FOLIO_PUBLIC_URL\n`,
    );
    return 1;
  }
  const text = await res.text();
  if (text !== '') {
    try {
      process.stdout.write(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    } catch {
      process.stdout.write(`${text}\n`);
    }
  }
  return res.ok ? 0 : 1;
};

const usage = (msg: string): number => {
  process.stderr.write(`${msg}\n\nUsage:\n${TRAFFIC_USAGE}\n`);
  return 2;
};

/** `folio fault add|list|clear TENANT …`. */
export const faultCommand = async (
  config: Config,
  args: string[],
  flags: string[],
): Promise<number> => {
  const [verb, tenant, ...rest] = args;
  if (tenant === undefined) return usage('folio fault: expected `add|list|clear TENANT`');
  const base = `/folio/v1/tenants/${encodeURIComponent(tenant)}/faults`;
  try {
    if (verb === 'add') return await call(config, 'POST', base, parseFlags(flags, rest));
    if (verb === 'list' && rest.length === 0 && flags.length === 0)
      return await call(config, 'GET', base);
    if (verb === 'clear' && rest.length <= 1 && flags.length === 0)
      return await call(
        config,
        'DELETE',
        rest[0] === undefined ? base : `${base}/${encodeURIComponent(rest[0])}`,
      );
  } catch (e) {
    if (e instanceof UsageError) return usage(`folio fault: ${e.message}`);
    throw e;
  }
  return usage('folio fault: expected `add|list|clear TENANT`');
};

/** `folio requests TENANT [--limit N] [--clear]`. */
export const requestsCommand = async (
  config: Config,
  args: string[],
  flags: string[],
): Promise<number> => {
  const [tenant, ...rest] = args;
  if (tenant === undefined) return usage('folio requests: expected TENANT');
  let opts: Record<string, unknown>;
  try {
    opts = parseFlags(flags, rest);
  } catch (e) {
    if (e instanceof UsageError) return usage(`folio requests: ${e.message}`);
    throw e;
  }
  const base = `/folio/v1/tenants/${encodeURIComponent(tenant)}/requests`;
  if (opts.clear === true) return call(config, 'DELETE', base);
  return call(config, 'GET', typeof opts.limit === 'number' ? `${base}?limit=${opts.limit}` : base);
};
