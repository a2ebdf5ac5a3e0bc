import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs to stdout; secrets and personal data are redacted by path wherever they appear. */
export function createLogger(level: string, name = 'streambss'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'password',
        '*.password',
        'req.headers.cookie',
        'req.headers.authorization',
        '*.idNumber',
        'idNumber',
      ],
      censor: '[redacted]',
    },
  });
}
