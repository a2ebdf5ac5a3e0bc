import { ConfigError, loadConfig, type Config } from '../../infra/config/index.ts';
import { connectNats, type Nats } from '../../infra/nats/index.ts';

/** Config for an operator command: environment plus the command's --nats-url / --data-dir flags. */
export function commandConfig(opts: { natsUrl?: string; dataDir?: string }): Config {
  try {
    return loadConfig(process.env, { natsUrl: opts.natsUrl, dataDir: opts.dataDir });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`streambss: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}

/** The NATS a running system uses: NATS_URL, or the embedded server on NATS_PORT of this machine. */
export function natsUrlOf(config: Config): string {
  return config.NATS_URL ?? `nats://127.0.0.1:${config.NATS_PORT}`;
}

/** Connects or exits with a message naming where it looked (commands need a running NATS). */
export async function connectForCommand(config: Config, name: string): Promise<Nats> {
  const url = natsUrlOf(config);
  try {
    return await connectNats(url, name);
  } catch (err) {
    console.error(
      `streambss: no NATS at ${url} (${(err as Error).message}); start the system (npm start) or set NATS_URL`,
    );
    process.exit(1);
  }
}

export const natsOptionHelp = 'NATS to use (default: NATS_URL, else the local embedded server on NATS_PORT)';

/** Parses a non-negative integer flag, exiting with a message that names it. */
export function intOption(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
      console.error(`streambss: ${name} must be an integer in ${min}..${max}, got ${JSON.stringify(raw)}`);
      process.exit(2);
    }
    return n;
  };
}
export function numOption(name: string, min = 0) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) {
      console.error(`streambss: ${name} must be a number ≥ ${min}, got ${JSON.stringify(raw)}`);
      process.exit(2);
    }
    return n;
  };
}
