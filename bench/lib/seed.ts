/**
 * Talking to a benched server over real HTTP: tokens and seeding through the public API, the
 * way a client would. Later cases seed at scale with `seedMany` (bounded concurrency).
 */
import { BENCH_CLIENT } from './servers.ts';

export interface ApiResponse {
  status: number;
  body: unknown;
  text: string;
}

/** One HTTP request; JSON bodies are sent as JSON, a URLSearchParams as a form. */
export const request = async (
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> => {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body instanceof URLSearchParams) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = options.body.toString();
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(new URL(path, baseUrl), { method, headers, body });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
};

/** The form body of `POST /oauth/token` for the bench client. */
export const tokenForm = (): URLSearchParams =>
  new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: BENCH_CLIENT.clientId,
    client_secret: BENCH_CLIENT.clientSecret,
  });

/** A bearer token for the bench client; throws with the server's answer when refused. */
export const getToken = async (baseUrl: string): Promise<string> => {
  const res = await request(baseUrl, 'POST', '/oauth/token', { body: tokenForm() });
  const token = (res.body as { access_token?: unknown } | undefined)?.access_token;
  if (res.status !== 200 || typeof token !== 'string')
    throw new Error(`POST /oauth/token gave ${res.status}: ${res.text.slice(0, 300)}`);
  return token;
};

/**
 * Runs `make(i)` for i in [0, count) with at most `concurrency` in flight; for seeding many
 * objects through the API. Rejects on the first failure.
 */
export const seedMany = async <T>(
  count: number,
  concurrency: number,
  make: (i: number) => Promise<T>,
): Promise<T[]> => {
  const out = new Array<T>(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      out[i] = await make(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return out;
};
