import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import type { Config } from '../config.ts';
import { closeDeps, createDeps, migrate } from '../deps.ts';
import { createApp } from '../app.ts';

export const OPENAPI_FILE = 'openapi.json';

/** The OpenAPI document generated from the route schemas, as committed (stable key order). */
export const renderOpenapi = async (config: Config): Promise<string> => {
  const deps = await createDeps({ ...config, dbUrl: 'sqlite::memory:', logLevel: 'silent' });
  try {
    await migrate(deps);
    const app = await createApp(deps);
    await app.ready();
    const doc = (app as unknown as { swagger(): unknown }).swagger();
    await app.close();
    return `${JSON.stringify(doc, null, 2)}\n`;
  } finally {
    await closeDeps(deps);
  }
};

/** `folio gen-openapi [--check]`: writes openapi.json, or fails when it differs from the routes. */
export const genOpenapiCommand = async (config: Config, check: boolean): Promise<number> => {
  const doc = await renderOpenapi(config);
  if (check) {
    const committed = existsSync(OPENAPI_FILE) ? readFileSync(OPENAPI_FILE, 'utf8') : '';
    if (committed !== doc) {
      process.stderr.write(`${OPENAPI_FILE} is out of date: run \`npm run gen\` and commit it.\n`);
      return 1;
    }
    process.stdout.write(`${OPENAPI_FILE} is up to date.\n`);
    return 0;
  }
  writeFileSync(OPENAPI_FILE, doc);
  process.stdout.write(`Wrote ${OPENAPI_FILE}\n`);
  return 0;
};
