import { stableId, type Clock } from '../../domain/index.ts';
import { createSinkHandler, type ClickHouse, type SinkSpec } from '../../infra/clickhouse/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import { fanOut } from '../../infra/time/index.ts';
import {
  type ConsumerSpec,
  type Nats,
  PipelinedPublisher,
  publishDeadLetter,
  runConsumer,
} from '../../infra/nats/index.ts';
import { ratedCdrSink } from './rated.ts';
import { careSinks } from './care.ts';
import { nocSinks } from './noc.ts';

export interface SinkRole {
  spec: SinkSpec;
  consumer: ConsumerSpec;
}

/** Every stream → table projection. ClickHouse is a projection: replaying these rebuilds it. */
export const sinks: SinkRole[] = [
  {
    spec: ratedCdrSink,
    consumer: { stream: 'RATED', durable: 'sink-cdr-rated', maxAckPending: 4000, ackWaitSec: 30 },
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
  batchMessages: number;
  flushMs: number;
}

/** The sinks' batching from the configuration (`SINK_BATCH_ROWS` is read as messages of ~100 CDRs). */
export const sinkBatching = (config: { SINK_BATCH_ROWS: number; SINK_FLUSH_MS: number }) => ({
  batchMessages: Math.max(1, Math.ceil(config.SINK_BATCH_ROWS / 100)),
  flushMs: config.SINK_FLUSH_MS,
});

/** Runs every sink: batches by size or time, inserts, then acks (two inserts in flight). */
export async function runSinks(deps: SinkDepsAll, signal: AbortSignal): Promise<void> {
  const publisher = new PipelinedPublisher(deps.nats.js, 64);
  const stop = fanOut(signal);
  await Promise.all(
    sinks.map(({ spec, consumer }) =>
      runConsumer({
        js: deps.nats.js,
        stream: consumer.stream,
        durable: consumer.durable,
        maxBatch: deps.batchMessages,
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
