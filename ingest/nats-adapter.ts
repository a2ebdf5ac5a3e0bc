import type { Clock } from '../domain/index.ts';
import type { Logger } from '../infra/log/index.ts';
import type { Metrics } from '../infra/metrics/index.ts';
import {
  type ConsumerSpec,
  type Nats,
  PipelinedPublisher,
  publishDeadLetter,
  runConsumer,
} from '../infra/nats/index.ts';
import { ingestCdrBatch, mergeGroups } from './batch.ts';
import type { Cdr } from '../domain/index.ts';

/** Largest CDR batch sent to a charging partition (keeps messages well under 1 MB). */
export const MAX_CDRS_PER_MESSAGE = 200;

export const INGEST_CONSUMER: ConsumerSpec = {
  stream: 'RAW',
  durable: 'ingest-cdr',
  filterSubject: 'raw.cdr.>',
  maxAckPending: 2000,
  ackWaitSec: 15,
};

export interface IngestDeps {
  nats: Nats;
  partitions: number;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
}

/**
 * NATS adapter: network elements publish CDR batches to `raw.cdr.<neId>` (kept on the RAW
 * stream). Each raw batch is validated and normalised; good CDRs go to their subscriber
 * partition on the CDR stream, bad ones to the DLQ with their reason. The raw message is acked
 * only after every resulting publish is acknowledged by JetStream.
 */
export async function runNatsIngest(deps: IngestDeps, signal: AbortSignal): Promise<void> {
  const publisher = new PipelinedPublisher(deps.nats.js, 512);
  await runConsumer({
    js: deps.nats.js,
    stream: INGEST_CONSUMER.stream,
    durable: INGEST_CONSUMER.durable,
    maxBatch: 200,
    log: deps.log,
    signal,
    handle: async (msgs) => {
      const nowMs = deps.clock.nowMs();
      const groups: Map<number, Cdr[]>[] = [];
      for (const m of msgs) {
        const r = ingestCdrBatch(m.data, {
          source: 'nats',
          subject: m.subject,
          partitions: deps.partitions,
          nowMs,
          fallbackId: `RAW-${m.seq}`,
        });
        groups.push(r.groups);
        for (const bad of r.rejected) {
          await publishDeadLetter(publisher, bad.info, bad.original);
          deps.metrics.deadLettered.inc({ source: 'nats', code: bad.info.code });
        }
        if (r.rejected.length)
          deps.log.debug({ subject: m.subject, rejected: r.rejected.length }, 'dead-lettered CDRs');
        deps.metrics.eventsIn.inc({ source: 'nats', kind: 'cdr' }, r.accepted);
      }
      const first = msgs[0]?.seq ?? 0;
      const last = msgs.at(-1)?.seq ?? 0;
      for (const p of mergeGroups(groups, `in-raw-${first}-${last}`, MAX_CDRS_PER_MESSAGE))
        await publisher.publish(p);
      await publisher.flush();
    },
  });
}
