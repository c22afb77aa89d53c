import { pino, type Logger, type LevelWithSilent } from 'pino';

export type Log = Logger;

/**
 * The process logger: structured JSON on stdout. Secrets are redacted by path wherever they may
 * appear in a logged object; request logs never include bodies.
 */
export const createLog = (level: LevelWithSilent): Log =>
  pino({
    level,
    base: { service: 'folio' },
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'client_secret',
        '*.client_secret',
        '*.signingSecret',
        '*.adminToken',
        'config.signingSecret',
        'config.adminToken',
        'config.demoClientSecret',
      ],
      censor: '[redacted]',
    },
  });
