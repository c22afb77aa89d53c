/**
 * Configuration: the only reader of process.env and argv (STYLE.md "Config").
 * Precedence: defaults < config file (`folio.config.json` or `--config PATH`) < `FOLIO_*` env <
 * CLI flags. Validated once with TypeBox, every bad key reported at once, then frozen.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const dbUrl = Type.String({ pattern: '^(sqlite:.+|postgres(ql)?://.+)$' });
const filesUrl = Type.String({ pattern: '^(file:.+|memory:.*|s3://.+)$' });
const logLevel = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
);
const zuoraVersion = Type.String({ pattern: '^(\\d{4}-\\d{2}-\\d{2}|\\d{3}\\.0)$' });
const int = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum });

/** Every configuration key: its schema, default, meaning, and whether it is a secret. */
export const CONFIG_KEYS = {
  host: {
    schema: Type.String({ minLength: 1 }),
    default: '127.0.0.1',
    doc: 'Interface the HTTP server binds to.',
  },
  port: {
    schema: int(0, 65535),
    default: 8080,
    doc: 'TCP port of the HTTP server (0 = any free port).',
  },
  dbUrl: {
    schema: dbUrl,
    default: 'sqlite:./.folio/folio.db',
    doc: 'Database: `sqlite:PATH`, `sqlite::memory:` or `postgres://user:pass@host:port/db`.',
  },
  filesUrl: {
    schema: filesUrl,
    default: 'file:./.folio/files',
    doc: 'File storage: `file:DIR` (local directory), `s3://bucket/prefix` (S3-compatible bucket; see the `s3*` keys) or `memory:` (tests).',
  },
  publicUrl: {
    schema: Type.String({ pattern: '^https?://[^\\s]+$' }),
    default: '',
    doc: 'Base URL clients reach Folio at, used in absolute URLs (default `http://HOST:PORT`).',
  },
  signingSecret: {
    schema: Type.String({ minLength: 16 }),
    default: '',
    secret: true,
    doc: 'Secret that signs download URLs; generated once and kept in the database when unset.',
  },
  adminToken: {
    schema: Type.String({ minLength: 8 }),
    default: '',
    secret: true,
    doc: 'Bearer token of the `/folio/v1` admin API (`demo-admin` when FOLIO_DEMO is on and this is unset).',
  },
  demo: {
    schema: Type.Boolean(),
    default: true,
    doc: 'Create the demo tenant, entity, OAuth client and admin token at start (`on`/`off`).',
  },
  demoClientId: {
    schema: Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7e]+$' }),
    default: 'demo-client',
    doc: 'OAuth client id of the demo tenant (printable, ≤ 64 chars; CONTRACT C7 #21).',
  },
  demoClientSecret: {
    schema: Type.String({ minLength: 1, maxLength: 42 }),
    default: 'demo-secret',
    secret: true,
    doc: 'OAuth client secret of the demo tenant (≤ 42 chars, CONTRACT C1.2).',
  },
  zuoraVersionDefault: {
    schema: zuoraVersion,
    default: '186.0',
    doc: 'Zuora-Version applied when a request has none (CONTRACT C1.6, C7 #8).',
  },
  logLevel: {
    schema: logLevel,
    default: 'info',
    doc: 'Log level: fatal, error, warn, info, debug, trace, silent.',
  },
  tokenTtlSeconds: {
    schema: int(60, 86400),
    default: 3600,
    doc: 'OAuth token lifetime in seconds; `expires_in` is one less, as Zuora sends 3599 (CONTRACT C1.2).',
  },
  jobConcurrency: {
    schema: int(1, 64),
    default: 2,
    doc: 'Jobs a job runner (`folio serve` with its worker on, `folio work`) executes at once.',
  },
  jobRunner: {
    schema: Type.Union(['auto', 'embedded', 'graphile'].map((l) => Type.Literal(l))),
    default: 'auto',
    doc: 'Job queue adapter: `auto` (graphile-worker on PostgreSQL, the embedded runner on SQLite), `embedded` (the job table in the application database, on either), or `graphile` (PostgreSQL only).',
  },
  worker: {
    schema: Type.Boolean(),
    default: true,
    doc: 'Run the job runner inside `folio serve` (`off`, or `folio serve --no-worker`, for API-only nodes).',
  },
  jobLeaseSeconds: {
    schema: int(5, 86400),
    default: 300,
    doc: 'A running job whose runner has not renewed its lock for this long is taken over (crashed runner).',
  },
  jobPollIntervalMs: {
    schema: int(10, 60000),
    default: 1000,
    doc: 'How often an idle job runner looks for due jobs and jobs added by other processes.',
  },
  urlExpirySeconds: {
    schema: int(1, 604800),
    default: 86400,
    doc: 'Lifetime of signed download URLs in seconds (CONTRACT C5.7: 24 h).',
  },
  pdfWorkers: {
    schema: int(0, 256),
    default: 0,
    doc: 'Worker threads rendering PDFs (0 = one per core; DESIGN.md "PDF rendering").',
  },
  rateLimitPerMinute: {
    schema: int(1, 1e9),
    default: 50000,
    doc: 'Requests per tenant per minute (CONTRACT C1.11).',
  },
  rateLimitPerHour: {
    schema: int(1, 1e10),
    default: 2250000,
    doc: 'Requests per tenant per hour.',
  },
  rateLimitPerDay: { schema: int(1, 1e11), default: 27000000, doc: 'Requests per tenant per day.' },
  concurrencyLimit: {
    schema: int(1, 100000),
    default: 40,
    doc: 'Concurrent requests per tenant (default class).',
  },
  concurrencyLimitHighVolume: {
    schema: int(1, 100000),
    default: 200,
    doc: 'Concurrent requests per tenant for POST accounts/subscriptions/orders.',
  },
  billRunChunkSize: {
    schema: int(1, 10000),
    default: 500,
    doc: 'Accounts a bill-run chunk job bills in one transaction (DESIGN.md "Long work").',
  },
  smtpUrl: {
    schema: Type.String({ pattern: '^smtps?://.+$' }),
    default: '',
    secret: true,
    doc: 'SMTP server that delivers recorded invoice emails (`smtp://user:pass@host:port`); unset: emails are only recorded in the outbox (C3.2.7).',
  },
  mailFrom: {
    schema: Type.String({ minLength: 3, maxLength: 254 }),
    default: 'billing@folio.invalid',
    doc: 'Sender address of delivered invoice emails.',
  },
  apiUrl: {
    schema: Type.String({ pattern: '^https?://[^\\s]+$' }),
    default: '',
    doc: 'Base URL the client commands (`folio billrun`, `folio export`) call: Folio or Zuora (default: the public URL).',
  },
  clientId: {
    schema: Type.String({ minLength: 1, maxLength: 64 }),
    default: '',
    doc: 'OAuth client id of the client commands (default: the demo client id).',
  },
  clientSecret: {
    schema: Type.String({ minLength: 1, maxLength: 42 }),
    default: '',
    secret: true,
    doc: 'OAuth client secret of the client commands (default: the demo client secret).',
  },
  s3Endpoint: {
    schema: Type.String({ pattern: '^https?://[^\\s]+$' }),
    default: '',
    doc: 'Endpoint of the S3-compatible server for `s3://` file URLs (MinIO, Ceph, …); unset: AWS S3 of `s3Region`.',
  },
  s3Region: {
    schema: Type.String({ minLength: 1, maxLength: 64 }),
    default: 'us-east-1',
    doc: 'Region of the S3 bucket (S3-compatible servers usually accept any).',
  },
  s3AccessKeyId: {
    schema: Type.String({ minLength: 1 }),
    default: '',
    doc: 'Access key id for the S3 bucket; unset (with the secret): the AWS SDK default chain (AWS_* env, instance role).',
  },
  s3SecretAccessKey: {
    schema: Type.String({ minLength: 1 }),
    default: '',
    secret: true,
    doc: 'Secret access key for the S3 bucket.',
  },
  s3ForcePathStyle: {
    schema: Type.Boolean(),
    default: false,
    doc: 'Address the bucket path-style (`endpoint/bucket/key`), which most S3-compatible servers need (`on`/`off`).',
  },
  emulatorCacheMs: {
    schema: int(0, 60000),
    default: 1000,
    doc: "How long a process caches the tenants' test clocks and lifecycle modes (issue 12): a change made by another process shows within this time (0 = read on every request and job).",
  },
  seed: {
    schema: Type.String({ minLength: 1, maxLength: 200 }),
    default: '',
    doc: 'Deterministic mode (issue 12): with a seed, ids, numbers and PDF bytes are the same run to run for the same calls; unset: random ids. Secrets (tokens, client secrets) stay random.',
  },
  requestLogSize: {
    schema: int(0, 10000),
    default: 100,
    doc: 'Requests kept per tenant in the request log, in each process (`GET /folio/v1/tenants/{id}/requests`; 0 = off).',
  },
  requestLogBodies: {
    schema: Type.Boolean(),
    default: false,
    doc: 'Also keep request and JSON response bodies in the request log (secret-named fields redacted).',
  },
} as const satisfies Record<
  string,
  { schema: TSchema; default: unknown; doc: string; secret?: boolean }
>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T;
export type Config = Readonly<{
  -readonly [K in ConfigKey]: Widen<(typeof CONFIG_KEYS)[K]['default']>;
}>;

const keys = Object.keys(CONFIG_KEYS) as ConfigKey[];
/** `dbUrl` → `FOLIO_DB_URL`. */
export const envName = (k: ConfigKey): string =>
  'FOLIO_' + k.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
/** `dbUrl` → `--db-url`. */
export const flagName = (k: ConfigKey): string =>
  '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('Invalid configuration:\n  ' + problems.join('\n  '));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const coerce = (k: ConfigKey, raw: unknown): unknown => {
  if (typeof raw !== 'string') return raw;
  const type = (CONFIG_KEYS[k].schema as { type?: string }).type;
  if (type === 'integer' || type === 'number')
    return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
  if (type === 'boolean') {
    const v = raw.trim().toLowerCase();
    if (['on', 'true', '1', 'yes'].includes(v)) return true;
    if (['off', 'false', '0', 'no'].includes(v)) return false;
  }
  return raw;
};

const describe = (schema: TSchema): string => {
  const s = schema as {
    type?: string;
    minimum?: number;
    maximum?: number;
    pattern?: string;
    anyOf?: { const: string }[];
  };
  if (s.anyOf) return `one of ${s.anyOf.map((x) => x.const).join(', ')}`;
  if (s.type === 'integer') return `an integer ${s.minimum}–${s.maximum}`;
  if (s.type === 'boolean') return 'on or off';
  if (s.pattern) return `a value matching ${s.pattern}`;
  return 'a non-empty string';
};

export interface ConfigSources {
  env?: Record<string, string | undefined>;
  argv?: string[];
  /** Working directory for the default config file. */
  cwd?: string;
}

export interface LoadedConfig {
  config: Config;
  /** The command line after flags: `serve`, `migrate`, `config`, … and their positional args. */
  rest: string[];
  /** Flags the command itself handles (`--check`, `--no-worker`), not configuration keys. */
  commandFlags: string[];
  /**
   * The command line less configuration flags and their values, in the order given: positionals
   * and command flags together, for commands that parse their own options (`folio billrun`).
   */
  commandArgs: string[];
}

/** Reads defaults, file, env and argv into a validated, frozen Config; throws ConfigError. */
export const loadConfig = (sources: ConfigSources = {}): LoadedConfig => {
  const env = sources.env ?? process.env;
  const argv = sources.argv ?? process.argv.slice(2);
  const problems: string[] = [];
  const raw: Partial<Record<ConfigKey, { value: unknown; from: string }>> = {};

  // CLI: --key value | --key=value; the rest are positionals and command flags.
  const flags: Partial<Record<ConfigKey, string>> = {};
  const rest: string[] = [];
  const commandFlags: string[] = [];
  const commandArgs: string[] = [];
  let configPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      rest.push(a);
      commandArgs.push(a);
      continue;
    }
    const [name, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined];
    const takeValue = (): string | undefined =>
      inline ?? (argv[i + 1] !== undefined ? argv[++i] : undefined);
    if (name === '--config') {
      configPath = takeValue();
      continue;
    }
    const key = keys.find((k) => flagName(k) === name);
    if (key === undefined) {
      commandFlags.push(a);
      commandArgs.push(a);
      continue;
    }
    const v = takeValue();
    if (v === undefined) problems.push(`${name}: needs a value`);
    else flags[key] = v;
  }

  const file =
    configPath ?? env.FOLIO_CONFIG ?? `${sources.cwd ?? process.cwd()}/folio.config.json`;
  if (existsSync(file)) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not a JSON object');
      for (const [k, v] of Object.entries(parsed)) {
        if (k in CONFIG_KEYS) raw[k as ConfigKey] = { value: v, from: `${file}: ${k}` };
        else problems.push(`${file}: ${k}: unknown key`);
      }
    } catch (e) {
      problems.push(`${file}: cannot be read (${(e as Error).message})`);
    }
  } else if (configPath !== undefined) {
    problems.push(`--config: ${configPath} does not exist`);
  }

  for (const k of keys) {
    const e = env[envName(k)];
    if (e !== undefined && e !== '') raw[k] = { value: e, from: envName(k) };
  }
  for (const name of Object.keys(env)) {
    if (
      name.startsWith('FOLIO_') &&
      name !== 'FOLIO_CONFIG' &&
      !name.startsWith('FOLIO_TEST_') &&
      !keys.some((k) => envName(k) === name)
    ) {
      problems.push(`${name}: unknown setting`);
    }
  }
  for (const k of keys) if (flags[k] !== undefined) raw[k] = { value: flags[k], from: flagName(k) };

  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const def = CONFIG_KEYS[k];
    const given = raw[k];
    if (given === undefined) {
      out[k] = def.default;
      continue;
    }
    const value = coerce(k, given.value);
    if (!Value.Check(def.schema, value)) {
      const shown = 'secret' in def && def.secret ? '[redacted]' : JSON.stringify(given.value);
      problems.push(`${given.from}: must be ${describe(def.schema)} (got ${shown})`);
    } else out[k] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (out.publicUrl === '') {
    const host = out.host === '0.0.0.0' || out.host === '::' ? '127.0.0.1' : String(out.host);
    out.publicUrl = `http://${host.includes(':') ? `[${host}]` : host}:${String(out.port)}`;
  }
  out.publicUrl = String(out.publicUrl).replace(/\/+$/, '');
  return { config: Object.freeze(out) as Config, rest, commandFlags, commandArgs };
};

/** The effective configuration with secrets redacted (`folio config`). */
export const redactConfig = (config: Config): Record<string, unknown> =>
  Object.fromEntries(
    keys.map((k) => {
      const def = CONFIG_KEYS[k];
      const v = config[k];
      return [k, 'secret' in def && def.secret && v !== '' ? '[redacted]' : v];
    }),
  );
