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
type Doc = Json & { paths: Record<string, Record<string, { responses: Record<string, Json> }>> };

/** The v1 REST subset (default) and the older CRUD subset (bill-run and invoice CRUD objects). */
export const ZUORA_SPEC = 'zuora-openapi-subset.yaml';
export const ZUORA_CRUD_SPEC = 'zuora-openapi-older-crud-subset.yaml';

const docs = new Map<string, Doc>();
const docOf = (spec: string): Doc => {
  let d = docs.get(spec);
  if (d === undefined) {
    const file = fileURLToPath(new URL(`./fixtures/zuora-openapi/${spec}`, import.meta.url));
    d = parse(readFileSync(file, 'utf8')) as Doc;
    ajv.addSchema({ ...d, $id: spec });
    docs.set(spec, d);
  }
  return d;
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
for (const f of ['URL', 'decimal', 'int64', 'int32', 'double']) ajv.addFormat(f, true);

const schemaOf = (doc: Doc, method: string, path: string, status: string): Json => {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (op === undefined) throw new Error(`no operation ${method} ${path} in Zuora's subset`);
  const res = op.responses[status] ?? op.responses[`${status[0]}XX`];
  if (res === undefined) throw new Error(`no ${status} response for ${method} ${path}`);
  const ref = (res.$ref as string | undefined)?.replace('#/', '');
  const r = ref === undefined ? res : (pointer(doc, ref.split('/')) as Json);
  // The older CRUD document puts its schemas under `application/json; charset=utf-8`.
  const content = (r.content as Record<string, { schema?: Json }> | undefined) ?? {};
  const schema = Object.values(content).find((c) => c.schema !== undefined)?.schema;
  if (schema === undefined) throw new Error(`no JSON schema for ${status} of ${method} ${path}`);
  return schema;
};

const pointer = (doc: Doc, parts: readonly string[]): unknown =>
  parts.reduce<unknown>((o, p) => (o as Json | undefined)?.[p], doc);

const resolver =
  (doc: Doc) =>
  (s: Json): Json =>
    typeof s.$ref === 'string'
      ? resolver(doc)(pointer(doc, s.$ref.slice(2).split('/')) as Json)
      : s;

const rebase = (spec: string, s: unknown): unknown =>
  Array.isArray(s)
    ? s.map((x) => rebase(spec, x))
    : s !== null && typeof s === 'object'
      ? Object.fromEntries(
          Object.entries(s).map(([k, v]) => [
            k,
            k === '$ref' && typeof v === 'string' && v.startsWith('#/')
              ? `${spec}${v}`
              : rebase(spec, v),
          ]),
        )
      : s;

const compiled = new Map<string, ValidateFunction>();

/** Declared property schemas of an object schema, through `allOf`/`oneOf`/`anyOf`. */
const declared = (resolve: (s: Json) => Json, schema: Json): Map<string, Json> => {
  const s = resolve(schema);
  const out = new Map<string, Json>();
  for (const [k, v] of Object.entries((s.properties as Record<string, Json> | undefined) ?? {}))
    out.set(k, v);
  for (const key of ['allOf', 'oneOf', 'anyOf'])
    for (const sub of (s[key] as Json[] | undefined) ?? [])
      for (const [k, v] of declared(resolve, sub)) out.set(k, v);
  return out;
};

const undeclared = (
  resolve: (s: Json) => Json,
  schema: Json,
  value: unknown,
  at: string,
): string[] => {
  const s = resolve(schema);
  if (Array.isArray(value)) {
    const items = s.items as Json | undefined;
    return items === undefined
      ? []
      : value.flatMap((v, i) => undeclared(resolve, items, v, `${at}[${i}]`));
  }
  if (value === null || typeof value !== 'object') return [];
  const props = declared(resolve, s);
  // A schema that declares no properties (a free-form map) has nothing to compare against.
  if (props.size === 0) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const p = props.get(k);
    return p === undefined ? [`${at}.${k}`] : undeclared(resolve, p, v, `${at}.${k}`);
  });
};

/** Zuora's schemas are not `nullable` where C3.2 sends nulls for unset fields: drop them. */
export const withoutNulls = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, withoutNulls(x)]),
    );
  return v;
};

/**
 * Problems of `body` against the schema of `status` of `method path` (a path as the spec spells
 * it, e.g. `/v1/invoices/{invoiceKey}`) in `spec` (default: the v1 subset); an empty list means
 * it conforms.
 */
export const zuoraSchemaProblems = (
  method: string,
  path: string,
  status: number,
  body: unknown,
  spec: string = ZUORA_SPEC,
  /** Undeclared properties the contract adds on purpose (e.g. C3.2's `success`), as `$.a.b` paths. */
  tolerated: readonly string[] = [],
): string[] => {
  const doc = docOf(spec);
  const key = `${spec} ${method} ${path} ${status}`;
  const schema = schemaOf(doc, method, path, String(status));
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = ajv.compile(rebase(spec, schema) as Json);
    compiled.set(key, validate);
  }
  const problems = validate(body)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  return [
    ...problems,
    ...undeclared(resolver(doc), schema, body, '$')
      .filter((p) => !tolerated.includes(p))
      .map((p) => `${p} is not in Zuora's schema`),
  ];
};
