import { Type, type Static } from '@sinclair/typebox';
import { compile } from '../../domain/index.ts';

/**
 * The one configuration schema. Environment variables (UPPER_SNAKE) and CLI flags (--kebab-case)
 * both feed it; flags win. It is validated once at start-up and passed down, never re-read.
 */
export const ConfigSchema = Type.Object(
  {
    PORT: Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: 8080,
      description: 'HTTP port of the API and dashboard',
    }),
    HOST: Type.String({
      minLength: 1,
      maxLength: 255,
      default: '127.0.0.1',
      description: 'interface the API listens on',
    }),
    NATS_URL: Type.Optional(
      Type.String({
        pattern: '^(nats|tls|ws|wss)://',
        maxLength: 1000,
        description: 'use this NATS (cluster) instead of starting nats-server',
      }),
    ),
    NATS_REPLICAS: Type.Integer({
      enum: [1, 3],
      default: 1,
      description:
        'replicas (1 or 3) of every stream and KV bucket the topology creates; 3 needs a NATS cluster',
    }),
    NATS_PORT: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 4222,
      description: 'client port of the embedded nats-server (0 = random)',
    }),
    CLICKHOUSE_URL: Type.Optional(
      Type.String({
        pattern: '^https?://',
        maxLength: 1000,
        description: 'use this ClickHouse server instead of embedded chdb',
      }),
    ),
    CLICKHOUSE_USER: Type.String({ maxLength: 200, default: 'default' }),
    CLICKHOUSE_PASSWORD: Type.String({ maxLength: 200, default: '' }),
    CLICKHOUSE_DATABASE: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', default: 'streambss' }),
    DATA_DIR: Type.String({
      minLength: 1,
      maxLength: 1000,
      default: 'var',
      description: 'where embedded NATS and ClickHouse keep data',
    }),
    CATALOG_FILE: Type.String({
      minLength: 1,
      maxLength: 1000,
      default: 'catalog/default.json',
      description: 'tariff catalog loaded at start',
    }),
    SIM_RATE: Type.Integer({
      minimum: 0,
      maximum: 2_000_000,
      default: 200,
      description: 'demo simulator CDRs per second (0 = off)',
    }),
    SIM_SUBSCRIBERS: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 2000 }),
    SIM_SEED: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 42 }),
    CDR_PARTITIONS: Type.Integer({
      minimum: 1,
      maximum: 256,
      default: 4,
      description: 'subscriber partitions of the CDR stream',
    }),
    LOG_LEVEL: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      {
        default: 'info',
      },
    ),
    SESSION_TTL_SEC: Type.Integer({ minimum: 60, maximum: 7 * 86_400, default: 8 * 3600 }),
    ORDER_IDLE_DAYS: Type.Integer({
      minimum: 1,
      maximum: 90,
      default: 7,
      description:
        'an open new-line order with no progress for this many days is withdrawn by the system: its number, device and visit go back (api role, checked every 10 minutes)',
    }),
    SUSPENSION_MAX_DAYS: Type.Integer({
      minimum: 30,
      maximum: 730,
      default: 365,
      description:
        '停机保号 lasts this many days at most: the line resumes by itself then, or at the earlier date the customer chose (api role, checked every 10 minutes)',
    }),
    RECONCILE_INTERVAL_SEC: Type.Integer({
      minimum: 10,
      maximum: 86_400,
      default: 300,
      description: 'how often the charging reconciliation runs (sink role)',
    }),
    // Waiting 500 ms for fuller inserts means fewer parts for ClickHouse to merge: its merge
    // threads used 0.12–0.13 cores under `npm run bench` against 0.18–0.19 at 250 ms. Rows are
    // counted from each message's header (rated CDRs for the rated sink; a rated message carries
    // up to 200). At 600k CDRs: 20,000 rows per insert 45.9k / 47.5k CDR/s, 40,000 rows 55.5k /
    // 53.2k / 54.2k / 50.0k, 60,000 rows 52.8k / 50.9k. The sink holds three batches ahead
    // (~27 MB of rated messages a batch at 40,000), so more per insert costs memory for no gain.
    SINK_BATCH_ROWS: Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      default: 40_000,
      description: 'most rows per ClickHouse insert (rated CDRs for the rated sink)',
    }),
    SINK_FLUSH_MS: Type.Integer({
      minimum: 10,
      maximum: 60_000,
      default: 500,
      description: 'how long a sink waits for a fuller insert once a message is there',
    }),
    ROLE_THREADS: Type.Integer({
      enum: [0, 1],
      default: 1,
      description:
        '1 = run ingest and rating in worker threads when the process also runs other roles (uses a second core); 0 = all in the main thread',
    }),
  },
  { additionalProperties: false },
);
export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`configuration ${key}: ${message}`);
  }
}

const validate = compile(ConfigSchema);
const keys = Object.keys(ConfigSchema.properties) as (keyof Config)[];

/** '--nats-url' style flag name for a key. */
export const flagName = (key: string) => `--${key.toLowerCase().replace(/_/g, '-')}`;

function coerce(key: keyof Config, raw: string): unknown {
  const schema = ConfigSchema.properties[key] as { type?: string; anyOf?: unknown };
  if (schema.type === 'integer') {
    if (!/^-?\d+$/.test(raw.trim()))
      throw new ConfigError(key, `must be an integer, got ${JSON.stringify(raw)}`);
    return Number(raw);
  }
  return raw;
}

/**
 * Builds the config from environment and flags (flags are camelCase keys as commander gives them).
 * Throws ConfigError naming the variable at fault.
 */
export function loadConfig(env: NodeJS.ProcessEnv, flags: Record<string, unknown> = {}): Config {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const camel = key.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const fromFlag = flags[camel];
    const raw = fromFlag !== undefined ? String(fromFlag) : env[key];
    if (raw !== undefined && raw !== '') out[key] = coerce(key, raw);
    else {
      const d = (ConfigSchema.properties[key] as { default?: unknown }).default;
      if (d !== undefined) out[key] = d;
    }
  }
  const r = validate(out);
  if (!r.ok) {
    const key = r.error.field.replace(/^\//, '') || 'config';
    throw new ConfigError(
      key,
      `${r.error.message} (got ${JSON.stringify(out[key])}; set ${key} or ${flagName(key)})`,
    );
  }
  if (r.value.NATS_REPLICAS > 1 && !r.value.NATS_URL)
    throw new ConfigError(
      'NATS_REPLICAS',
      `${r.value.NATS_REPLICAS} needs a NATS cluster: the embedded nats-server is one node (set NATS_URL, or NATS_REPLICAS=1)`,
    );
  return r.value;
}

/** Describes every setting for --help. */
export function describeConfig(): string {
  return keys
    .map((k) => {
      const s = ConfigSchema.properties[k] as { default?: unknown; description?: string };
      const d = s.default !== undefined ? ` (default ${JSON.stringify(s.default)})` : '';
      return `  ${k.padEnd(20)} ${flagName(k).padEnd(22)} ${s.description ?? ''}${d}`;
    })
    .join('\n');
}
