import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createClient, type ClickHouseClient } from '@clickhouse/client';

/** Rows already encoded: JSONCompactEachRow lines (one JSON array per line) or a Native block. */
export type RawRows = {
  table: string;
  columns: readonly string[];
  body: Buffer;
  /** Settings of this insert only (never of the session). */
  settings?: Record<string, number>;
} & (
  | { format?: 'JSONCompactEachRow' }
  /** One Native block (see native-block.ts), its columns in `columns` order. */
  | { format: 'Native' }
);

export interface ClickHouse {
  client: ClickHouseClient;
  /** Database holding every StreamBSS table; SQL names tables as `${db}.name` (chdb ignores the client's database). */
  db: string;
  mode: 'embedded' | 'server';
  /**
   * Inserts pre-encoded rows as one part. Embedded, JSON goes to chdb's native parser as it is
   * (the client's own insert re-encodes every row and copies the body into the SQL text), and
   * Native, which chdb's raw insert does not take, is spooled to a file in the data folder
   * and read with `file()` on two connections of their own (a query on the main connection would
   * wait behind it). Against a server the bytes are streamed as the body of the INSERT.
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
  let closeInserter = async () => {};
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
        query: `INSERT INTO ${r.table} (${r.columns.join(', ')}) FORMAT ${r.format ?? 'JSONCompactEachRow'}`,
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
    const spool = join(path, 'insert-spool');
    clearSpool(spool);
    // Two connections: one insert per connection at a time, and two in flight keep both cores busy.
    const inserters: { client: ClickHouseClient; busy: number }[] = [];
    closeInserter = async () => {
      for (const i of inserters.splice(0)) await i.client.close();
    };
    insertRaw = async (r) => {
      if (r.format === 'Native') {
        let inserter = inserters.find((i) => i.busy === 0);
        if (!inserter && inserters.length < 2) {
          inserter = {
            client: createClient({ connection: createChdbConnection({ path }) as never }),
            busy: 0,
          };
          inserters.push(inserter);
        }
        inserter ??= inserters.reduce((a, b) => (b.busy < a.busy ? b : a));
        const file = join(spool, `${process.pid}-${++spooled}.native`);
        inserter.busy++;
        try {
          await writeFile(file, r.body);
          await inserter.client.command({ query: fileInsertSql(r, file) });
        } finally {
          inserter.busy--;
          await rm(file, { force: true });
        }
        return;
      }
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
  const close = async () => {
    await closeInserter();
    await client.close();
  };
  return { client, db: o.database, mode, insertRaw, close };
}

/** Spool files of this process, numbered across every ClickHouse it opens (one name, one insert). */
let spooled = 0;

/** Removes spool files left by a process that is gone (its inserts never happened). */
function clearSpool(spool: string): void {
  mkdirSync(spool, { recursive: true });
  for (const f of readdirSync(spool)) {
    const pid = Number(f.split('-')[0]);
    let alive = false;
    try {
      alive = Number.isInteger(pid) && pid > 0 && process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) rmSync(join(spool, f), { force: true });
  }
}

const sqlString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const identifier = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** `INSERT … SELECT * FROM file(…, Native)`: the block's columns map by position. */
function fileInsertSql(r: RawRows & { format: 'Native' }, file: string): string {
  for (const n of [r.table, ...r.columns, ...Object.keys(r.settings ?? {})])
    if (!identifier.test(n))
      throw new Error(`insert into ${r.table}: ${JSON.stringify(n)} is not a plain name`);
  const settings = Object.entries(r.settings ?? {}).map(([k, v]) => `${k} = ${Number(v)}`);
  return (
    `INSERT INTO ${r.table} (${r.columns.join(', ')})` +
    (settings.length ? ` SETTINGS ${settings.join(', ')}` : '') +
    ` SELECT * FROM file(${sqlString(file)}, 'Native')`
  );
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
