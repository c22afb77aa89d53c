import { redactConfig, type Config } from '../config.ts';

/** `folio config`: prints the effective configuration as JSON, secrets redacted. */
export const configCommand = async (config: Config): Promise<number> => {
  process.stdout.write(`${JSON.stringify(redactConfig(config), null, 2)}\n`);
  return 0;
};
