/**
 * Zuora's request-level conventions that no route thinks about: `Zuora-Track-Id` (C1.5), the
 * wrong-method 405 (C1.11) and the route index it needs.
 */
import type { FastifyInstance } from 'fastify';

/**
 * C1.5: ≤ 64 characters of printable US-ASCII (space to `~`), none of `:` `;` `"` `'`
 * (Zuora's REST API reference, "Zuora-Track-Id" request header). True when it may be echoed.
 */
export const isValidTrackId = (v: string): boolean =>
  v.length <= 64 && /^[\x20-\x7e]*$/.test(v) && !/[:;"']/.test(v);

interface Pattern {
  method: string;
  regex: RegExp;
}

/** `/v1/bill-runs/:id` → a regex matching concrete paths; `*` matches the rest. */
const toRegex = (url: string): RegExp => {
  const parts = url.split(/(:[A-Za-z0-9_]+(?:\([^)]*\))?|\*)/);
  const src = parts
    .map((p) => {
      if (p === '*') return '.*';
      if (p.startsWith(':')) return '[^/]+';
      return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${src}/?$`);
};

/**
 * Fastify answers an unknown path and a known path with the wrong method alike (404), so every
 * registered route is indexed here to tell them apart (C1.11: 405/cat45 for the second).
 */
export interface RouteIndex {
  /** Methods registered for a concrete path; empty when no route has that path. */
  methodsFor(path: string): string[];
}

export const trackRoutes = (app: FastifyInstance): RouteIndex => {
  const patterns: Pattern[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) patterns.push({ method: m.toUpperCase(), regex: toRegex(route.url) });
  });
  return {
    methodsFor: (path) => {
      const p = path.split('?', 1)[0] ?? path;
      return [...new Set(patterns.filter((x) => x.regex.test(p)).map((x) => x.method))].sort();
    },
  };
};

interface SchemaNode {
  type?: unknown;
  properties?: Record<string, SchemaNode>;
  patternProperties?: unknown;
  additionalProperties?: unknown;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * C1.9 `rejectUnknownFields`: true when `value` has a field that `schema` (a route's JSON body
 * schema) does not declare, at any depth of declared objects and arrays. Objects whose schema
 * admits any key (maps: `patternProperties` or an `additionalProperties` schema) and unions are
 * not inspected.
 */
export const hasUnknownFields = (value: unknown, schema: SchemaNode | undefined): boolean => {
  if (schema === undefined || schema.anyOf !== undefined || schema.oneOf !== undefined)
    return false;
  if (Array.isArray(value))
    return schema.items !== undefined && value.some((v) => hasUnknownFields(v, schema.items));
  if (!isRecord(value) || schema.properties === undefined) return false;
  if (schema.patternProperties !== undefined || isRecord(schema.additionalProperties)) return false;
  const props = schema.properties;
  return Object.keys(value).some((k) =>
    Object.hasOwn(props, k) ? hasUnknownFields(value[k], props[k]) : true,
  );
};
