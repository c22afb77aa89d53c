/**
 * What the client commands (`folio billrun`, `folio export`) share: the typed client built from
 * configuration, option parsing, and progress output. Unlike the operator commands they open no
 * database: everything goes over HTTP through `client/` (STYLE.md "Layout": cli/), so they work
 * against a remote Folio or against Zuora itself.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Config } from '../config.ts';
import { isAppError } from '../platform/errors.ts';
import { ApiError, createZuoraClient, type ZuoraClient } from '../../client/client.ts';

/** The typed client for the configured API URL and OAuth client (defaults: this Folio, demo client). */
export const clientFromConfig = (config: Config): ZuoraClient =>
  createZuoraClient({
    baseUrl: config.apiUrl === '' ? config.publicUrl : config.apiUrl,
    clientId: config.clientId === '' ? config.demoClientId : config.clientId,
    clientSecret: config.clientSecret === '' ? config.demoClientSecret : config.clientSecret,
    trackId: 'folio-cli',
    onRetry: ({ delayMs }) =>
      process.stderr.write(`rate limited (429): retrying in ${Math.ceil(delayMs / 1000)} s\n`),
  });

export class UsageError extends Error {}

/** node:util parseArgs over the command's own arguments; unknown options are usage errors. */
export const parseOptions = <O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
) => {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
};

/** A whole number option, or a usage error naming it. */
export const intOption = (
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}`);
  return n;
};

/**
 * Progress on stderr: a bar redrawn in place on a terminal; otherwise plain lines, one when the
 * phase changes (the label with its numbers blanked) and then one per tenth of the way, so logs
 * and CI output stay readable.
 */
export const progressLine = (tty = process.stderr.isTTY === true) => {
  let last = '';
  let lastPhase = '';
  let lastShare = 0;
  return {
    show(done: number, total: number, label: string): void {
      const w = 30;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const k = Math.round(share * w);
      const line = tty ? `[${'#'.repeat(k)}${'-'.repeat(w - k)}] ${label}` : label;
      if (line === last) return;
      if (!tty) {
        const phase = label.replace(/\d+/g, '#');
        if (phase === lastPhase && share < 1 && share - lastShare < 0.1) return;
        lastPhase = phase;
        lastShare = share;
      }
      last = line;
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    },
    end(): void {
      if (tty && last !== '') process.stderr.write('\n');
      last = '';
    },
  };
};

export const printJson = (v: unknown): void => {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
};

/**
 * Runs a client command: usage errors exit 2 with the usage text, API errors and failed
 * checks exit 1 with the server's answer; anything else is a bug and propagates.
 */
export const runClientCommand = async (
  name: string,
  usage: string,
  fn: () => Promise<number>,
): Promise<number> => {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`folio ${name}: ${e.message}\n\nUsage:\n${usage}\n`);
      return 2;
    }
    if (e instanceof ApiError || isAppError(e)) {
      process.stderr.write(`folio ${name}: ${e.message}\n`);
      return 1;
    }
    if (e instanceof TypeError && /fetch failed/.test(e.message)) {
      const cause = (e as { cause?: { message?: string } }).cause?.message ?? '';
      process.stderr.write(`folio ${name}: cannot reach the API (${cause})\n`);
      return 1;
    }
    throw e;
  }
};
