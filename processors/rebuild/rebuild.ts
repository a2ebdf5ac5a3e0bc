import { DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { createSinkHandler, type ClickHouse, type SinkSpec } from '../../infra/clickhouse/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import type { Nats } from '../../infra/nats/index.ts';
import { sinks, type SinkRole } from '../sink/index.ts';
import { planProjections, RebuildError, type ProjectionPlan } from './plan.ts';

export interface RebuildDeps {
  nats: Nats;
  ch: ClickHouse;
  metrics: Metrics;
  log: Logger;
}

export interface RebuildOptions {
  /** Only the sinks writing these tables (default: every sink). */
  tables?: string[];
  /** Messages per insert (default 500; one message is a batch of up to 1000 rows). */
  batchMessages?: number;
  /** Bytes of messages per insert (default 16 MiB), whichever of the two limits comes first. */
  batchBytes?: number;
  /** Inserts in flight (default 2). */
  concurrency?: number;
  sinks?: SinkRole[];
}

export interface RebuildResult {
  plan: ProjectionPlan;
  messages: number;
  /** Messages or items the sinks rejected again (dead-lettered when first seen), and entries refused. */
  rejected: number;
  refused: number;
  /** Rows in the sink tables afterwards, in all and by table. */
  rows: number;
  rowsByTable: Record<string, number>;
  /** Of elapsedMs: dropping and recreating the tables and views. */
  recreateMs: number;
  elapsedMs: number;
}

const tablesOf = (spec: SinkSpec) => [
  spec.table,
  ...((spec as SinkSpec & { alsoTables?: string[] }).alsoTables ?? []),
];

async function ddlOf(ch: ClickHouse, name: string): Promise<string> {
  try {
    const rs = await ch.client.query({ query: `SHOW CREATE TABLE ${ch.db}.${name}`, format: 'JSONEachRow' });
    const [row] = await rs.json<{ statement: string }>();
    if (!row?.statement) throw new Error('empty answer');
    return row.statement;
  } catch (err) {
    throw new RebuildError('REBUILD_NO_TABLE', `cannot read the definition of ${ch.db}.${name}`, {
      cause: err,
    });
  }
}

/** Drops and recreates the projections from their own current definitions (views last). */
async function recreate(ch: ClickHouse, plan: ProjectionPlan): Promise<void> {
  const ddl = new Map<string, string>();
  for (const n of [...plan.views, ...plan.tables, ...plan.derived]) ddl.set(n, await ddlOf(ch, n));
  try {
    for (const v of plan.views) await ch.client.command({ query: `DROP VIEW IF EXISTS ${ch.db}.${v}` });
    for (const t of [...plan.tables, ...plan.derived])
      await ch.client.command({ query: `DROP TABLE IF EXISTS ${ch.db}.${t} SYNC` });
    for (const n of [...plan.tables, ...plan.derived, ...plan.views])
      await ch.client.command({ query: ddl.get(n) ?? '' });
  } catch (err) {
    throw new RebuildError('REBUILD_DDL_FAILED', `recreating projections failed; run rebuild again`, {
      cause: err,
    });
  }
}

/** Reads a stream from its first message up to its last at the start, in batches. */
async function* readStream(
  nats: Nats,
  stream: string,
  filter: string | undefined,
  batch: number,
  batchBytes: number,
): AsyncGenerator<JsMsg[]> {
  const info = await nats.jsm.streams.info(stream);
  const lastSeq = info.state.last_seq;
  if (info.state.messages === 0) return;
  const consumer = await nats.js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.All,
    ...(filter ? { filter_subjects: filter } : {}),
  });
  // Bounded by bytes, not messages: rated batches can be large, and an over-full client buffer
  // makes a slow consumer (the server then drops and the ordered consumer restarts).
  const msgs = await consumer.consume({ max_bytes: batchBytes * 2 });
  let buf: JsMsg[] = [];
  let bytes = 0;
  try {
    for await (const m of msgs) {
      buf.push(m);
      bytes += m.data.length;
      const done = m.seq >= lastSeq || m.info.pending === 0;
      if (buf.length >= batch || bytes >= batchBytes || done) {
        yield buf;
        buf = [];
        bytes = 0;
      }
      if (done) break;
    }
  } finally {
    await msgs.close();
    await consumer.delete().catch(() => undefined);
  }
}

/**
 * Rebuilds ClickHouse from the log of record: drops and recreates every sink table (and the
 * views and tables derived from them), then replays each sink's stream from the start through
 * the sink's own code. Afterwards every aggregate equals what it was. Run it while the sink
 * role is stopped (another writer would insert the same rows twice into derived sums).
 */
export async function rebuildProjections(
  deps: RebuildDeps,
  o: RebuildOptions = {},
  onProgress?: (p: { messages: number }) => void,
): Promise<RebuildResult> {
  const all = o.sinks ?? sinks;
  const chosen = o.tables ? all.filter((s) => tablesOf(s.spec).some((t) => o.tables?.includes(t))) : all;
  if (o.tables && chosen.length === 0)
    throw new RebuildError('REBUILD_NO_TABLE', `no sink writes ${o.tables.join(', ')}`);
  const rs = await deps.ch.client.query({
    query: `SELECT name, create_table_query AS createQuery FROM system.tables
            WHERE database = {db:String} AND engine = 'MaterializedView'`,
    query_params: { db: deps.ch.db },
    format: 'JSONEachRow',
  });
  const views = await rs.json<{ name: string; createQuery: string }>();
  const plan = planProjections(
    deps.ch.db,
    chosen.flatMap((s) => tablesOf(s.spec)),
    views,
  );
  const t0 = Date.now();
  await recreate(deps.ch, plan);
  const recreateMs = Date.now() - t0;
  let messages = 0;
  let rejected = 0;
  let refused = 0;
  for (const { spec, consumer } of chosen) {
    // Rejected items were dead-lettered (and refused entries logged) when first seen: a rebuild
    // only counts them.
    const handle = createSinkHandler(spec, {
      ch: deps.ch,
      metrics: deps.metrics,
      onReject: async () => {
        rejected++;
      },
      onRefused: () => {
        refused++;
      },
    });
    const inflight = new Set<Promise<void>>();
    for await (const batch of readStream(
      deps.nats,
      consumer.stream,
      consumer.filterSubject,
      o.batchMessages ?? 500,
      o.batchBytes ?? 16 * 1024 * 1024,
    )) {
      while (inflight.size >= (o.concurrency ?? 2)) await Promise.race(inflight);
      const p = handle(batch).finally(() => inflight.delete(p));
      inflight.add(p);
      messages += batch.length;
      onProgress?.({ messages });
    }
    await Promise.all(inflight);
  }
  const elapsedMs = Date.now() - t0;
  let rows = 0;
  const rowsByTable: Record<string, number> = {};
  for (const t of plan.tables) {
    const c = await deps.ch.client.query({
      query: `SELECT count() AS n FROM ${deps.ch.db}.${t}`,
      format: 'JSONEachRow',
    });
    rowsByTable[t] = Number((await c.json<{ n: string }>())[0]?.n ?? 0);
    rows += rowsByTable[t];
  }
  deps.log.info(
    { plan, messages, rejected, refused, rows, elapsedMs },
    'projections rebuilt from the streams',
  );
  return { plan, messages, rejected, refused, rows, rowsByTable, recreateMs, elapsedMs };
}
