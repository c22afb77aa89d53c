/**
 * Validates Folio's responses against the response schemas of Zuora's OpenAPI subset
 * (`test/fixtures/zuora-openapi/`, source in its README), as DESIGN.md "Contract fidelity" asks.
 *
 * Two checks per response: Ajv validation of the operation's schema for the status (types,
 * enums, required, nullability), and "every property Folio sends is declared by the schema", which
 * Ajv cannot do because Zuora's schemas leave `additionalProperties` open — that is what catches a
 * misspelt or invented field name.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

const SPEC = fileURLToPath(
  new URL('./fixtures/zuora-openapi/zuora-openapi-subset.yaml', import.meta.url),
);
const doc = parse(readFileSync(SPEC, 'utf8')) as Json & {
  paths: Record<string, Record<string, { responses: Record<string, Json> }>>;
};

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
/**
 * C0.4: v1 REST date-times are `yyyy-MM-dd HH:mm:ss` (what Zuora sends, e.g. `createdDate` in its
 * examples), not RFC 3339, although the schemas say `format: date-time`; CRUD sends ISO with offset.
 */
ajv.addFormat(
  'date-time',
  /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})?$/,
);
/** Zuora's ids are 32 hex characters although some parameters say `format: uuid` (C0.3). */
ajv.addFormat(
  'uuid',
  /^([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
);
ajv.addFormat('URL', true);
ajv.addFormat('decimal', true);
ajv.addSchema({ ...doc, $id: 'zuora' });

const schemaOf = (method: string, path: string, status: string): Json => {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (op === undefined) throw new Error(`no operation ${method} ${path} in Zuora's subset`);
  const res = op.responses[status] ?? op.responses[`${status[0]}XX`];
  if (res === undefined) throw new Error(`no ${status} response for ${method} ${path}`);
  const ref = (res.$ref as string | undefined)?.replace('#/', '');
  const r = ref === undefined ? res : (pointer(ref.split('/')) as Json);
  const schema = (r.content as Record<string, { schema: Json }> | undefined)?.['application/json']
    ?.schema;
  if (schema === undefined) throw new Error(`no JSON schema for ${status} of ${method} ${path}`);
  return schema;
};

const pointer = (parts: readonly string[]): unknown =>
  parts.reduce<unknown>((o, p) => (o as Json | undefined)?.[p], doc);

const resolve = (s: Json): Json =>
  typeof s.$ref === 'string' ? resolve(pointer(s.$ref.slice(2).split('/')) as Json) : s;

const rebase = (s: unknown): unknown =>
  Array.isArray(s)
    ? s.map(rebase)
    : s !== null && typeof s === 'object'
      ? Object.fromEntries(
          Object.entries(s).map(([k, v]) => [
            k,
            k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `zuora${v}` : rebase(v),
          ]),
        )
      : s;

const compiled = new Map<string, ValidateFunction>();

/** Declared property schemas of an object schema, through `allOf`/`oneOf`/`anyOf`. */
const declared = (schema: Json): Map<string, Json> => {
  const s = resolve(schema);
  const out = new Map<string, Json>();
  for (const [k, v] of Object.entries((s.properties as Record<string, Json> | undefined) ?? {}))
    out.set(k, v);
  for (const key of ['allOf', 'oneOf', 'anyOf'])
    for (const sub of (s[key] as Json[] | undefined) ?? [])
      for (const [k, v] of declared(sub)) out.set(k, v);
  return out;
};

const undeclared = (schema: Json, value: unknown, at: string): string[] => {
  const s = resolve(schema);
  if (Array.isArray(value)) {
    const items = s.items as Json | undefined;
    return items === undefined ? [] : value.flatMap((v, i) => undeclared(items, v, `${at}[${i}]`));
  }
  if (value === null || typeof value !== 'object') return [];
  const props = declared(s);
  // A schema that declares no properties (a free-form map) has nothing to compare against.
  if (props.size === 0) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const p = props.get(k);
    return p === undefined ? [`${at}.${k}`] : undeclared(p, v, `${at}.${k}`);
  });
};

/**
 * Problems of `body` against the schema of `status` of `method path` (a path as the spec spells
 * it, e.g. `/v1/invoices/{invoiceKey}`); an empty list means it conforms.
 */
export const zuoraSchemaProblems = (
  method: string,
  path: string,
  status: number,
  body: unknown,
): string[] => {
  const key = `${method} ${path} ${status}`;
  const schema = schemaOf(method, path, String(status));
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = ajv.compile(rebase(schema) as Json);
    compiled.set(key, validate);
  }
  const problems = validate(body)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  return [
    ...problems,
    ...undeclared(schema, body, '$').map((p) => `${p} is not in Zuora's schema`),
  ];
};
