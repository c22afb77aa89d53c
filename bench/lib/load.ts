/**
 * HTTP load with autocannon, run in the bench process against a server in another process.
 * Latency is autocannon's (HdrHistogram, whole milliseconds).
 */
import autocannon from 'autocannon';

export interface LoadTarget {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  durationSec: number;
  connections: number;
  /** Requests per second across all connections; absent means as fast as possible. */
  rate?: number;
}

export interface LoadResult {
  requests: number;
  /** Achieved requests per second (responses / measured duration). */
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** Runs one autocannon load and returns its figures. */
export const runLoad = async (target: LoadTarget, options: LoadOptions): Promise<LoadResult> => {
  const result = await autocannon({
    url: target.url,
    method: target.method,
    headers: target.headers ?? {},
    ...(target.body === undefined ? {} : { body: target.body }),
    connections: options.connections,
    duration: options.durationSec,
    pipelining: 1,
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
  });
  const responses = result['2xx'] + result.non2xx;
  return {
    requests: responses,
    reqPerSec: responses / (result.duration > 0 ? result.duration : options.durationSec),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
};
