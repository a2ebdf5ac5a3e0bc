import { decodeBatch, encodeBatch, stableId, validators, type RatedCdr } from '../../domain/index.ts';
import type { Clock } from '../../domain/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import {
  type ConsumerSpec,
  type Nats,
  PipelinedPublisher,
  publishDeadLetter,
  runConsumer,
  subjects,
} from '../../infra/nats/index.ts';
import { ITEMS_HEADER, NOTICES_HEADER } from '../rating/index.ts';
import { rateFlat } from './decide.ts';

export const flatRateConsumers = (partitions: number): ConsumerSpec[] =>
  Array.from({ length: partitions }, (_, p) => ({
    stream: 'CDR',
    durable: `flatrate-p${p}`,
    filterSubject: subjects.cdr(p),
    maxAckPending: 1000,
    ackWaitSec: 15,
  }));

export interface ProcessorDeps {
  nats: Nats;
  partitions: number;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
}

/**
 * One consumer per subscriber partition: rates each CDR batch and publishes the rated batch to
 * `rated.p.<n>` with a message id derived from the input batch, so a crash after publishing
 * and before acking republishes a duplicate the stream drops. Acks only after the publish ack.
 */
export async function runFlatRating(deps: ProcessorDeps, signal: AbortSignal): Promise<void> {
  const publisher = new PipelinedPublisher(deps.nats.js, 256);
  await Promise.all(
    flatRateConsumers(deps.partitions).map((spec, p) =>
      runConsumer({
        js: deps.nats.js,
        stream: spec.stream,
        durable: spec.durable,
        maxBatch: 100,
        log: deps.log,
        signal,
        handle: async (msgs) => {
          for (const m of msgs) {
            const env = decodeBatch(m.data);
            const rated: RatedCdr[] = [];
            const batchId = env.ok ? env.batch.batchId : `CDR-${m.seq}`;
            const items = env.ok ? env.batch.items : [];
            if (!env.ok) {
              await deadLetter(
                publisher,
                deps,
                m.subject,
                batchId,
                undefined,
                'bad_envelope',
                env.reason,
                m.data,
              );
            }
            for (const [i, item] of items.entries()) {
              const v = validators.cdr(item);
              if (v.ok) rated.push(rateFlat(v.value));
              else
                await deadLetter(
                  publisher,
                  deps,
                  m.subject,
                  batchId,
                  i,
                  'schema',
                  `${v.error.field} ${v.error.message}`,
                  Buffer.from(JSON.stringify(item)),
                );
            }
            if (rated.length) {
              const id = `rated-${batchId}`.slice(0, 128);
              await publisher.publish({
                subject: subjects.rated(p),
                data: encodeBatch(id, rated),
                msgId: id,
                headers: { [NOTICES_HEADER]: '0', [ITEMS_HEADER]: String(rated.length) },
              });
            }
            deps.metrics.processed.inc({ processor: 'flatrate' }, rated.length);
          }
          await publisher.flush();
        },
      }),
    ),
  );
}

async function deadLetter(
  publisher: PipelinedPublisher,
  deps: ProcessorDeps,
  subject: string,
  batchId: string,
  itemIndex: number | undefined,
  code: string,
  reason: string,
  original: Uint8Array,
): Promise<void> {
  await publishDeadLetter(
    publisher,
    {
      id: stableId('dl', 'flatrate', batchId, itemIndex ?? -1),
      source: 'flatrate',
      code,
      reason: reason.slice(0, 500),
      originalSubject: subject,
      ...(itemIndex !== undefined ? { itemIndex } : {}),
      atMs: deps.clock.nowMs(),
    },
    original,
  );
  deps.metrics.deadLettered.inc({ source: 'flatrate', code });
}
