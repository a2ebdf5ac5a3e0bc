import type { ClickHouse } from './client.ts';

export interface Migration {
  version: number;
  name: string;
  /** Statements, in order, with `{db}` standing for the database. */
  statements: string[];
}

/**
 * Versioned, forward-only migrations. Never edit an applied one: add the next version.
 * Each table's ORDER BY is chosen for the query that reads it most and is justified beside it.
 * Registered migrations live one per file in ./migrations and are listed in ./migrations/index.ts.
 * Version ranges per area keep parallel work from colliding: 1–9 charging/backbone,
 * 10–19 ingest/replay, 20–29 customers/orders, 30–39 network operations.
 */
export { migrations } from './migrations/index.ts';
import { migrations } from './migrations/index.ts';

const sql = (s: string, db: string) => s.replaceAll('{db}', db);

/** Applies every migration not yet recorded, in order; returns the versions applied now. */
export async function migrate(ch: ClickHouse, list: Migration[] = migrations): Promise<number[]> {
  await ch.client.command({
    query: `CREATE TABLE IF NOT EXISTS ${ch.db}.schema_migrations (
      version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = MergeTree ORDER BY version`,
  });
  const rs = await ch.client.query({
    query: `SELECT version FROM ${ch.db}.schema_migrations`,
    format: 'JSONEachRow',
  });
  const done = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    for (const s of m.statements) await ch.client.command({ query: sql(s, ch.db) });
    await ch.client.insert({
      table: `${ch.db}.schema_migrations`,
      values: [{ version: m.version, name: m.name }],
      format: 'JSONEachRow',
    });
    applied.push(m.version);
  }
  return applied;
}
