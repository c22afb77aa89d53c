/**
 * Metrics port: one prom-client registry per Deps, exposed at `/metrics`. Adapters and plugins
 * register their own counters and histograms on it (HTTP requests, jobs, …).
 */
import { Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = Registry;

/** A registry with the process metrics (CPU, memory, event loop, GC) already registered. */
export const createMetrics = (): Metrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'folio_' });
  return registry;
};
