import type { JsMsg } from '@nats-io/jetstream';
import type { ClickHouse } from './client.ts';
import { RetryableError } from '../nats/index.ts';
import type { Metrics } from '../metrics/index.ts';

/** A row always carries the stream sequence of the message it came from. */
export type SinkRow = Record<string, unknown> & { stream_seq: number };

export interface SinkSpec {
  /** Table name without database. Must have a `stream_seq UInt64` column. */
  table: string;
  /**
   * Turns one message into rows. A message that cannot be read at all is rejected whole
   * (`reject`); single bad items are listed in `rejected` and the good rows beside them kept.
   */
  toRows(msg: JsMsg): SinkRows | { reject: string };
}

export interface SinkRows {
  rows: Record<string, unknown>[];
  rejected: { index: number; reason: string }[];
}

export interface SinkDeps {
  ch: ClickHouse;
  metrics: Metrics;
  /** Keeps a rejected message (itemIndex undefined) or item as a dead letter; must be durable on return. */
  onReject(msg: JsMsg, reason: string, itemIndex?: number): Promise<void>;
}

/**
 * Builds the batch handler of a ClickHouse sink: rows of all messages in one insert, then the
 * runner acks. Idempotent on redelivery: a message delivered again after a crash between insert
 * and ack is looked up by its stream sequence and skipped when its rows are already there.
 * One message's rows are always inside one insert, and one insert is one atomic part, so
 * "its sequence is present" means "all of its rows are present".
 */
export function createSinkHandler(spec: SinkSpec, deps: SinkDeps): (msgs: JsMsg[]) => Promise<void> {
  const { ch, metrics } = deps;
  const table = `${ch.db}.${spec.table}`;
  return async (msgs) => {
    let skip = new Set<number>();
    const redelivered = msgs.filter((m) => m.info.deliveryCount > 1).map((m) => m.seq);
    if (redelivered.length > 0) {
      try {
        const rs = await ch.client.query({
          query: `SELECT DISTINCT stream_seq FROM ${table} WHERE stream_seq IN {seqs:Array(UInt64)}`,
          query_params: { seqs: redelivered },
          format: 'JSONEachRow',
        });
        skip = new Set((await rs.json<{ stream_seq: string | number }>()).map((r) => Number(r.stream_seq)));
      } catch (err) {
        throw new RetryableError('CLICKHOUSE_UNAVAILABLE', `redelivery check on ${table} failed`, {
          cause: err,
        });
      }
      if (skip.size) metrics.sinkSkippedRedeliveries.inc({ table: spec.table }, skip.size);
    }
    const rows: Record<string, unknown>[] = [];
    for (const m of msgs) {
      if (skip.has(m.seq)) continue;
      const r = spec.toRows(m);
      if ('reject' in r) {
        await deps.onReject(m, r.reject);
        continue;
      }
      for (const bad of r.rejected) await deps.onReject(m, bad.reason, bad.index);
      for (const row of r.rows) {
        row.stream_seq = m.seq;
        rows.push(row);
      }
    }
    if (rows.length === 0) return;
    const end = metrics.sinkBatchSeconds.startTimer({ table: spec.table });
    try {
      await ch.client.insert({ table, values: rows, format: 'JSONEachRow' });
    } catch (err) {
      throw new RetryableError('CLICKHOUSE_INSERT_FAILED', `insert into ${table} failed`, { cause: err });
    } finally {
      end();
    }
    metrics.sinkRows.inc({ table: spec.table }, rows.length);
  };
}
