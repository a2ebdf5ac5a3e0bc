import type { JsMsg } from '@nats-io/jetstream';
import type { ClickHouse } from './client.ts';
import { RetryableError } from '../nats/index.ts';
import type { Metrics } from '../metrics/index.ts';
import { kindOf, nativeBlockWriter, type NativeBlockWriter } from './native-block.ts';

/** What a sink reads of a message: its bytes and stream sequence. */
export type SinkMessage = Pick<JsMsg, 'seq' | 'data'>;

const utf8 = new TextDecoder();

/** A message's JSON, or undefined when it is not JSON (the sink's schema check then rejects it). */
export function jsonOf(msg: SinkMessage): unknown {
  try {
    return JSON.parse(utf8.decode(msg.data));
  } catch {
    return undefined;
  }
}

/** A row always carries the stream sequence of the message it came from. */
export type SinkRow = Record<string, unknown> & { stream_seq: number };

export interface SinkSpec {
  /** Table name without database. Must have a `stream_seq UInt64` column. */
  table: string;
  /**
   * Turns one message into rows. A message that cannot be read at all is rejected whole
   * (`reject`); single bad items are listed in `rejected` and the good rows beside them kept.
   */
  toRows(msg: SinkMessage): SinkRows | { reject: string };
  /** Other tables the same messages feed (one parse, several projections), each with `stream_seq`. */
  alsoTables?: string[];
  /** Settings for this sink's inserts (all its tables), e.g. `optimize_on_insert: 0`. */
  insertSettings?: Record<string, number>;
}

/**
 * Rows as arrays, for wide and hot tables: each entry of `values` is one row's values in
 * `columns` order, without `stream_seq` (the handler appends it). Skips building an object per
 * row and turning it into an array, and is sent as a Native block when every column's type
 * allows (see native-block.ts for the values each type takes). `columns` must be the same list for
 * every message of a table.
 */
export interface ArrayRows {
  columns: readonly string[];
  values: unknown[][];
}

export type TableRows = Record<string, unknown>[] | ArrayRows;

export interface SinkRows {
  rows: TableRows;
  rejected: { index: number; reason: string }[];
  /** Rows for the `alsoTables`, by table name. */
  also?: Record<string, TableRows>;
  /**
   * Entries for an `alsoTables` table that failed their schema: not written, the message's other
   * rows are. They are reported through `onRefused`, not dead-lettered: a dead letter without an
   * item index would be reprocessed as the whole message, and its rows written a second time.
   */
  refused?: { table: string; reason: string }[];
}

export interface SinkDeps {
  ch: ClickHouse;
  metrics: Metrics;
  /** Keeps a rejected message (itemIndex undefined) or item as a dead letter; must be durable on return. */
  onReject(msg: JsMsg, reason: string, itemIndex?: number): Promise<void>;
  /** Told of each `refused` entry (once per message and table, not again on redelivery). */
  onRefused?(msg: JsMsg, table: string, reason: string): void;
}

/**
 * Builds the batch handler of a ClickHouse sink: rows of all messages in one insert, then the
 * runner acks. Idempotent on redelivery: a message that may already be in a table is looked up
 * by its stream sequence and skipped when its rows are there. "May already be" means delivered
 * before (deliveryCount > 1) or at or below the highest sequence the table held at start or got
 * since: nats-server 2.9 can lose consumer acks when it is killed, and then redelivers messages
 * whose rows were inserted as if they were new (deliveryCount 1).
 * One message's rows are always inside one insert, and one insert is one atomic part, so
 * "its sequence is present" means "all of its rows are present". The high-water mark is per
 * process: two sink processes writing one table each check only what they know of.
 */
export function createSinkHandler(spec: SinkSpec, deps: SinkDeps): (msgs: JsMsg[]) => Promise<void> {
  const { ch, metrics } = deps;
  const tables = [spec.table, ...(spec.alsoTables ?? [])];
  const high = new Map<string, Promise<number>>();
  const highWater = (t: string) => cachedPerTable(high, t, () => maxSeq(ch, t));
  // Each table's column types for Native blocks, read once (null: the table keeps JSON), and
  // the row count of its last block, which sizes the next batch's writer.
  const blocks = new Map<string, Promise<BlockPlan | null>>();
  const blockPlanOf = (t: string, columns: readonly string[]) =>
    cachedPerTable(blocks, t, () =>
      columnTypes(ch, t).then((types) => {
        const typed = columns.map((name) => ({ name, type: types.get(name) ?? '' }));
        return typed.every((c) => kindOf(c.type)) ? { typed, rows: 0 } : null;
      }),
    );
  const raise = (t: string, seq: number) =>
    high.set(
      t,
      highWater(t).then((h) => Math.max(h, seq)),
    );
  return async (msgs) => {
    // Per table: the messages whose rows it already holds (a crash can fall between the inserts
    // of two tables, so each table answers for itself).
    const skip = new Map<string, Set<number>>(tables.map((t) => [t, new Set<number>()]));
    await Promise.all(
      tables.map(async (t) => {
        const h = await highWater(t);
        const suspect = msgs.filter((m) => m.info.deliveryCount > 1 || m.seq <= h).map((m) => m.seq);
        if (suspect.length === 0) return;
        const present = await alreadyInserted(ch, t, suspect);
        skip.set(t, present);
        if (present.size) metrics.sinkSkippedRedeliveries.inc({ table: t }, present.size);
      }),
    );
    const rows = new Map<string, Record<string, unknown>[]>(tables.map((t) => [t, []]));
    // Array rows are encoded as each message gives them (one writer per table and batch: two
    // batches can be in flight), so the batch never holds them all as JS values.
    const arrays = new Map<string, ArrayAcc>();
    const arraysOf = async (t: string, list: ArrayRows): Promise<ArrayAcc> => {
      const acc = arrays.get(t);
      if (acc) {
        if (acc.listed !== list.columns && acc.listed.join() !== list.columns.join())
          throw new Error(`sink ${spec.table}: two column lists for ${t}`);
        return acc;
      }
      const columns = [...list.columns, 'stream_seq'];
      const plan = await blockPlanOf(t, columns);
      const writer = plan && nativeBlockWriter(t, plan.typed, plan.rows || undefined);
      const created = { listed: list.columns, columns, values: [], count: 0, plan, writer };
      arrays.set(t, created);
      return created;
    };
    for (const m of msgs) {
      if (tables.every((t) => skip.get(t)?.has(m.seq))) continue;
      const r = spec.toRows(m);
      if ('reject' in r) {
        if (!skip.get(spec.table)?.has(m.seq)) await deps.onReject(m, r.reject);
        continue;
      }
      if (!skip.get(spec.table)?.has(m.seq))
        for (const bad of r.rejected) await deps.onReject(m, bad.reason, bad.index);
      for (const x of r.refused ?? [])
        if (!skip.get(x.table)?.has(m.seq)) deps.onRefused?.(m, x.table, x.reason);
      for (const [t, list] of [[spec.table, r.rows] as const, ...Object.entries(r.also ?? {})]) {
        const target = rows.get(t);
        if (!target || skip.get(t)?.has(m.seq)) continue;
        if (Array.isArray(list)) {
          for (const row of list) {
            row.stream_seq = m.seq;
            target.push(row);
          }
          continue;
        }
        const acc = await arraysOf(t, list);
        for (const v of list.values)
          if (acc.writer) encodeRow(acc.writer, v, m.seq, `${ch.db}.${t}`);
          else {
            v.push(m.seq);
            acc.values.push(v);
          }
        acc.count += list.values.length;
      }
    }
    const top = msgs.reduce((a, m) => Math.max(a, m.seq), 0);
    const inserts: Insert[] = [];
    for (const [t, list] of rows)
      if (list.length > 0) inserts.push({ t, count: list.length, ...compactRows(list) });
    for (const [t, acc] of arrays) {
      if (acc.count === 0) continue;
      const { columns, count } = acc;
      if (!acc.writer || !acc.plan) {
        inserts.push({ t, columns, count, values: acc.values });
        continue;
      }
      acc.plan.rows = count;
      inserts.push({ t, columns, count, block: acc.writer.take() });
    }
    // A table fed both ways in one batch gets two inserts; each message's rows are still in one.
    await Promise.all(
      inserts.map(async (i) => {
        await insertRows(ch, metrics, i, spec.insertSettings);
        raise(i.t, top);
      }),
    );
  };
}

/** A per-table answer read once and kept; a failed read is forgotten so the next batch retries it. */
function cachedPerTable<T>(cache: Map<string, Promise<T>>, t: string, read: () => Promise<T>): Promise<T> {
  let p = cache.get(t);
  if (!p) {
    p = read();
    cache.set(t, p);
    p.catch(() => cache.delete(t));
  }
  return p;
}

async function maxSeq(ch: ClickHouse, t: string): Promise<number> {
  try {
    const rs = await ch.client.query({
      query: `SELECT max(stream_seq) AS s FROM ${ch.db}.${t}`,
      format: 'JSONEachRow',
    });
    return Number((await rs.json<{ s: string | number }>())[0]?.s ?? 0);
  } catch (err) {
    throw new RetryableError('CLICKHOUSE_UNAVAILABLE', `reading the high-water mark of ${t} failed`, {
      cause: err,
    });
  }
}

async function alreadyInserted(ch: ClickHouse, t: string, seqs: number[]): Promise<Set<number>> {
  try {
    const rs = await ch.client.query({
      query: `SELECT DISTINCT stream_seq FROM ${ch.db}.${t} WHERE stream_seq IN {seqs:Array(UInt64)}`,
      query_params: { seqs },
      format: 'JSONEachRow',
    });
    return new Set((await rs.json<{ stream_seq: string | number }>()).map((r) => Number(r.stream_seq)));
  } catch (err) {
    throw new RetryableError('CLICKHOUSE_UNAVAILABLE', `redelivery check on ${t} failed`, { cause: err });
  }
}

/** The table's column types by name (for Native blocks). */
async function columnTypes(ch: ClickHouse, t: string): Promise<Map<string, string>> {
  try {
    const rs = await ch.client.query({
      query: `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String}`,
      query_params: { db: ch.db, t },
      format: 'JSONEachRow',
    });
    return new Map((await rs.json<{ name: string; type: string }>()).map((c) => [c.name, c.type]));
  } catch (err) {
    throw new RetryableError('CLICKHOUSE_UNAVAILABLE', `reading the columns of ${t} failed`, { cause: err });
  }
}

interface BlockPlan {
  typed: { name: string; type: string }[];
  /** The last block's row count for the table. */
  rows: number;
}

/** A table's array rows of one batch: written to a Native block as they came, or kept for JSON. */
interface ArrayAcc {
  /** The column list as the sink gave it (compared by identity first), and with `stream_seq`. */
  listed: readonly string[];
  columns: readonly string[];
  values: unknown[][];
  count: number;
  plan: BlockPlan | null;
  writer: NativeBlockWriter | null;
}

function encodeRow(w: NativeBlockWriter, v: unknown[], seq: number, t: string): void {
  try {
    w.row(v, seq);
  } catch (err) {
    throw new RetryableError('CLICKHOUSE_INSERT_FAILED', `insert into ${t} failed`, { cause: err });
  }
}

interface Insert {
  t: string;
  columns: readonly string[];
  count: number;
  values?: unknown[][];
  /** The rows as a Native block (else `values` go as JSON). */
  block?: Buffer;
}

async function insertRows(
  ch: ClickHouse,
  metrics: Metrics,
  { t, columns, count, values, block }: Insert,
  settings: Record<string, number> | undefined,
): Promise<void> {
  const end = metrics.sinkBatchSeconds.startTimer({ table: t });
  try {
    const table = `${ch.db}.${t}`;
    const common = { table, columns, ...(settings ? { settings } : {}) };
    await ch.insertRaw(
      block ? { ...common, body: block, format: 'Native' } : { ...common, body: compactLines(values ?? []) },
    );
  } catch (err) {
    throw new RetryableError('CLICKHOUSE_INSERT_FAILED', `insert into ${ch.db}.${t} failed`, { cause: err });
  } finally {
    end();
  }
  metrics.sinkRows.inc({ table: t }, count);
}

/**
 * Rows as arrays under one column list (the union of their keys, in first-seen order): the
 * JSON is a third shorter than keyed rows and ClickHouse parses it ~35 % faster. A key a row
 * lacks is sent as null, which ClickHouse stores as the column's default (input_format_null_as_default).
 */
export function compactRows(rows: Record<string, unknown>[]): {
  columns: [string, ...string[]];
  values: unknown[][];
} {
  const index = new Map<string, number>();
  for (const r of rows) for (const k in r) if (!index.has(k)) index.set(k, index.size);
  const columns = [...index.keys()];
  const values = rows.map((r) => {
    const a: unknown[] = new Array<unknown>(columns.length).fill(null);
    for (const k in r) a[index.get(k)!] = r[k] ?? null;
    return a;
  });
  return { columns: columns as [string, ...string[]], values };
}

/** Rows as JSONCompactEachRow lines, the body `ClickHouse.insertRaw` takes. */
export function compactLines(values: readonly unknown[][]): Buffer {
  return Buffer.from(values.map((v) => JSON.stringify(v)).join('\n'));
}
