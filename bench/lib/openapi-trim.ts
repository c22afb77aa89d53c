/**
 * Trims an OpenAPI 3 document to chosen operations plus every component they reference
 * (transitively). Prism loads and resolves the whole document it is given, which takes many
 * seconds for Zuora's 366 KB subset; the bench gives it only the operations it measures, the same
 * way the subset itself was cut from Zuora's full spec (see its header).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/** An operation to keep: a path of the document and a lower-case method. */
export interface KeptOperation {
  path: string;
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Doc = { [k: string]: Json };

const refsIn = (node: Json, out: Set<string>): void => {
  if (Array.isArray(node)) for (const n of node) refsIn(n, out);
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.add(v);
      else refsIn(v, out);
    }
  }
};

/**
 * The trimmed document: `paths` holds only the kept operations (and their path-level
 * parameters); `components` only what they reach, plus every security scheme. Throws when a
 * kept operation or a reference is absent from the document.
 */
export const trimOpenApi = (doc: Doc, keep: readonly KeptOperation[]): Doc => {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const components = (doc.components ?? {}) as Record<string, Record<string, Json>>;
  const outPaths: Record<string, Record<string, Json>> = {};
  for (const { path, method } of keep) {
    const item = paths[path];
    const op = item?.[method];
    if (item === undefined || op === undefined)
      throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    const kept = (outPaths[path] ??= {});
    kept[method] = op;
    if (item.parameters !== undefined) kept.parameters = item.parameters;
  }
  const seen = new Set<string>();
  const queue = new Set<string>();
  refsIn(outPaths as Json, queue);
  const outComponents: Record<string, Record<string, Json>> = {};
  while (queue.size > 0) {
    const ref = queue.values().next().value!;
    queue.delete(ref);
    if (seen.has(ref)) continue;
    seen.add(ref);
    const m = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
    if (m === null) throw new Error(`unsupported reference ${ref}`);
    const [, kind, name] = m as unknown as [string, string, string];
    const target = components[kind]?.[name];
    if (target === undefined) throw new Error(`dangling reference ${ref}`);
    (outComponents[kind] ??= {})[name] = target;
    const next = new Set<string>();
    refsIn(target, next);
    for (const r of next) if (!seen.has(r)) queue.add(r);
  }
  if (components.securitySchemes !== undefined)
    outComponents.securitySchemes = components.securitySchemes;
  return { ...doc, paths: outPaths as Json, components: outComponents as Json };
};

/** Trims a YAML OpenAPI file into a temp dir removed when the process exits; returns its path. */
export const writeTrimmedSpec = (source: string, keep: readonly KeptOperation[]): string => {
  const doc = parse(readFileSync(source, 'utf8')) as Doc;
  const dir = mkdtempSync(join(tmpdir(), 'folio-bench-spec-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'zuora-openapi-bench.yaml');
  writeFileSync(path, stringify(trimOpenApi(doc, keep)));
  return path;
};
