import { stableId, type Clock } from '../../domain/index.ts';
import { createSinkHandler, type ClickHouse, type SinkSpec } from '../../infra/clickhouse/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import { fanOut } from '../../infra/time/index.ts';
import type { JsMsg } from '@nats-io/jetstream';
import {
  type ConsumerSpec,
  type Nats,
  PipelinedPublisher,
  publishDeadLetter,
  runConsumer,
} from '../../infra/nats/index.ts';
import { ITEMS_HEADER, RATED_SINK } from '../rating/index.ts';
import { ratedCdrSink } from './rated.ts';
import { careSinks } from './care.ts';
import { nocSinks } from './noc.ts';

export interface SinkRole {
  spec: SinkSpec;
  consumer: ConsumerSpec;
  /** Rows one message will become, read without parsing it (batches are cut by rows); 1 if absent. */
  rowsOf?: (m: JsMsg) => number;
}

/**
 * Rated CDRs in a RATED message: its `StreamBSS-Items` header. Outputs written before the header
 * existed count as a full input batch of 100.
 */
export function ratedRowsOf(m: JsMsg): number {
  const n = Number(m.headers?.get(ITEMS_HEADER) || Number.NaN);
  return Number.isSafeInteger(n) && n >= 0 ? Math.max(1, n) : 100;
}

/** Every stream → table projection. ClickHouse is a projection: replaying these rebuilds it. */
export const sinks: SinkRole[] = [
  {
    spec: ratedCdrSink,
    consumer: { ...RATED_SINK, maxAckPending: 4000, ackWaitSec: 30 },
    rowsOf: ratedRowsOf,
  },
  ...careSinks,
  ...nocSinks,
];

export interface SinkDepsAll {
  nats: Nats;
  ch: ClickHouse;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Most rows per insert (a single message bigger than that goes alone); messages only if absent. */
  batchRows?: number;
  /** Most messages per insert, and a third of what a sink pulls ahead. */
  batchMessages: number;
  flushMs: number;
}

/**
 * The sinks' batching from the configuration. Inserts are cut at `SINK_BATCH_ROWS` rows; the
 * message cap (one per 200 rows, the most a rated message carries) bounds what is pulled ahead.
 */
export const sinkBatching = (config: { SINK_BATCH_ROWS: number; SINK_FLUSH_MS: number }) => ({
  batchRows: config.SINK_BATCH_ROWS,
  batchMessages: Math.max(1, Math.ceil(config.SINK_BATCH_ROWS / 200)),
  flushMs: config.SINK_FLUSH_MS,
});

/** Runs every sink: batches by size or time, inserts, then acks (two inserts in flight). */
export async function runSinks(deps: SinkDepsAll, signal: AbortSignal): Promise<void> {
  const publisher = new PipelinedPublisher(deps.nats.js, 64);
  const stop = fanOut(signal);
  await Promise.all(
    sinks.map(({ spec, consumer, rowsOf }) =>
      runConsumer({
        js: deps.nats.js,
        stream: consumer.stream,
        durable: consumer.durable,
        maxBatch: deps.batchMessages,
        ...(deps.batchRows ? { weight: { of: rowsOf ?? (() => 1), max: deps.batchRows } } : {}),
        prefetch: deps.batchMessages * 3,
        lingerMs: deps.flushMs,
        concurrency: 2,
        retryDelayMs: 2000,
        log: deps.log,
        signal: stop,
        handle: createSinkHandler(spec, {
          ch: deps.ch,
          metrics: deps.metrics,
          onReject: async (msg, reason, itemIndex) => {
            await publishDeadLetter(
              publisher,
              {
                id: stableId('dl', 'sink', consumer.stream, msg.seq, itemIndex ?? -1),
                source: `sink-${spec.table}`,
                code: 'bad_batch',
                reason: reason.slice(0, 500),
                originalSubject: msg.subject,
                ...(itemIndex !== undefined ? { itemIndex } : {}),
                atMs: deps.clock.nowMs(),
              },
              // The whole original message is kept; itemIndex says which item was refused.
              msg.data,
            );
            await publisher.flush();
            deps.metrics.deadLettered.inc({ source: `sink-${spec.table}`, code: 'bad_batch' });
          },
          onRefused: (msg, table, reason) => {
            deps.metrics.sinkRefusedEntries.inc({ table });
            deps.log.error(
              { stream: consumer.stream, seq: msg.seq, subject: msg.subject, table, reason },
              'entry refused by its schema and not written; reconciliation will show the drift',
            );
          },
        }),
      }),
    ),
  );
}
