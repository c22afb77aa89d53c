/**
 * Validates Folio's responses against Zuora's own OpenAPI response schemas (DESIGN.md "Contract
 * fidelity"), read from the verbatim copies in `test/fixtures/zuora-openapi/`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const DIR = join(import.meta.dirname, 'fixtures', 'zuora-openapi');
export const ZUORA_SPEC = 'zuora-openapi-subset.yaml';
export const ZUORA_CRUD_SPEC = 'zuora-openapi-older-crud-subset.yaml';

const ajv = new Ajv({ strict: false, allErrors: true });
// C0.4 fixes the wire formats: v1 REST date-times are `yyyy-MM-dd HH:mm:ss`, CRUD and Object
// Query ones ISO 8601 with an offset; both are accepted where Zuora's schema says `date-time`.
ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
ajv.addFormat(
  'date-time',
  /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}|T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2}))$/,
);
ajv.addFormat('decimal', true);
ajv.addFormat('int64', true);
ajv.addFormat('int32', true);
ajv.addFormat('double', true);

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }
    >
  >;
};
const loaded = new Map<string, Doc>();
const load = (file: string): Doc => {
  let doc = loaded.get(file);
  if (doc === undefined) {
    doc = parse(readFileSync(join(DIR, file), 'utf8')) as Doc;
    ajv.addSchema(doc as object, file);
    loaded.set(file, doc);
  }
  return doc;
};

/** Zuora's schemas are not `nullable` where C3.2 sends nulls for unset fields: drop them. */
const withoutNulls = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, withoutNulls(x)]),
    );
  return v;
};

const pointer = (s: string): string =>
  encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));

/**
 * Errors of `body` against the response schema of `method path` → `status` in `file`
 * (an empty list when valid).
 */
export const zuoraResponseErrors = (
  file: string,
  method: string,
  path: string,
  status: string,
  body: unknown,
): string[] => {
  const doc = load(file);
  const content = doc.paths[path]?.[method.toLowerCase()]?.responses[status]?.content ?? {};
  // The older CRUD document puts the schema under `application/json; charset=utf-8`.
  const media = Object.keys(content).find((m) => content[m]?.schema !== undefined);
  if (media === undefined) throw new Error(`no response schema for ${method} ${path} ${status}`);
  const ref = `${file}#/paths/${pointer(path)}/${method.toLowerCase()}/responses/${status}/content/${pointer(media)}/schema`;
  const validate = ajv.getSchema(ref);
  if (validate === undefined) throw new Error(`no schema at ${ref}`);
  if (validate(withoutNulls(body)) === true) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
};
