import {
  destination as pinoDestination,
  pino,
  type DestinationStream,
  type Logger,
  type LoggerOptions,
} from 'pino';

export type { Logger };

/**
 * JSON logs to stdout (or `destination`, e.g. a test capturing them); secrets and personal data
 * are redacted by path wherever they appear.
 */
export function createLogger(level: string, name = 'streambss', destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
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
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Logs to stderr: for commands whose stdout is their result (benchmarks printing JSON). */
export const stderrDestination = (): DestinationStream => pinoDestination(2);
