import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';

export interface ClickHouse {
  client: ClickHouseClient;
  /** Database holding every StreamBSS table; SQL names tables as `${db}.name` (chdb ignores the client's database). */
  db: string;
  mode: 'embedded' | 'server';
  close(): Promise<void>;
}

export interface OpenClickHouseOptions {
  url?: string | undefined;
  user?: string;
  password?: string;
  database: string;
  /** Data folder for embedded chdb (one per process). */
  embeddedPath: string;
}

/**
 * Opens ClickHouse: a real server when `url` is set, otherwise the embedded engine through chdb's
 * connection hook for @clickhouse/client — so the same client calls and SQL run both ways.
 */
export async function openClickHouse(o: OpenClickHouseOptions): Promise<ClickHouse> {
  let client: ClickHouseClient;
  let mode: ClickHouse['mode'];
  if (o.url) {
    client = createClient({
      url: o.url,
      username: o.user ?? 'default',
      password: o.password ?? '',
      request_timeout: 60_000,
      clickhouse_settings: { async_insert: 0, wait_end_of_query: 1 },
    });
    mode = 'server';
  } else {
    const path = resolve(o.embeddedPath);
    mkdirSync(path, { recursive: true });
    const { createChdbConnection } = await import('chdb/connection');
    client = createClient({ connection: createChdbConnection({ path }) as never });
    mode = 'embedded';
  }
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${o.database}` });
  return { client, db: o.database, mode, close: () => client.close() };
}

/** Cheap liveness probe for /healthz. */
export async function pingClickHouse(ch: ClickHouse, timeoutMs = 2000): Promise<boolean> {
  const timeout = new Promise<false>((r) => setTimeout(() => r(false), timeoutMs).unref());
  const probe = ch.client
    .query({ query: 'SELECT 1', format: 'JSONEachRow' })
    .then(() => true)
    .catch(() => false);
  return Promise.race([probe, timeout]);
}
