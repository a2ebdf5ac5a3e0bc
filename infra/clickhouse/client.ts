import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createClient, type ClickHouseClient } from '@clickhouse/client';

/** Rows already encoded as JSONCompactEachRow lines (one JSON array per line). */
export interface RawRows {
  table: string;
  columns: readonly string[];
  body: Buffer;
  /** Settings of this insert only (never of the session). */
  settings?: Record<string, number>;
}

export interface ClickHouse {
  client: ClickHouseClient;
  /** Database holding every StreamBSS table; SQL names tables as `${db}.name` (chdb ignores the client's database). */
  db: string;
  mode: 'embedded' | 'server';
  /**
   * Inserts pre-encoded rows. Embedded, the bytes go to chdb's native parser as they are
   * (the client's own insert re-encodes every row and copies the body into the SQL text);
   * against a server they are streamed as the body of the INSERT.
   */
  insertRaw(rows: RawRows): Promise<void>;
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
  let insertRaw: ClickHouse['insertRaw'];
  if (o.url) {
    client = createClient({
      url: o.url,
      username: o.user ?? 'default',
      password: o.password ?? '',
      request_timeout: 60_000,
      clickhouse_settings: { async_insert: 0, wait_end_of_query: 1 },
    });
    mode = 'server';
    insertRaw = async (r) => {
      const res = await client.exec({
        query: `INSERT INTO ${r.table} (${r.columns.join(', ')}) FORMAT JSONCompactEachRow`,
        values: Readable.from([r.body]),
        ...(r.settings ? { clickhouse_settings: r.settings } : {}),
      });
      // The (empty) answer must be read for the socket to go back to the pool.
      await finished(res.stream.resume());
    };
  } else {
    const path = resolve(o.embeddedPath);
    mkdirSync(path, { recursive: true });
    const { createChdbConnection } = await import('chdb/connection');
    const connection = createChdbConnection({ path });
    client = createClient({ connection: connection as never });
    mode = 'embedded';
    insertRaw = async (r) => {
      await connection.chdb.rawInsert({
        table: r.table,
        columns: [...r.columns],
        values: r.body,
        format: 'JSONCompactEachRow',
        ...(r.settings ? { settings: r.settings } : {}),
      });
    };
  }
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${o.database}` });
  return { client, db: o.database, mode, insertRaw, close: () => client.close() };
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
