import type { JsMsg } from '@nats-io/jetstream';
import type { CompiledCatalog } from '../../domain/catalog/index.ts';
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
import {
  encodeRatingOutput,
  INPUT_SEQ_HEADER,
  ITEMS_HEADER,
  NOTICES_HEADER,
  type RatingOutput,
} from './contracts.ts';
import { readRange, scanOutputs } from './recovery.ts';
import {
  loadStates,
  newFence,
  openChargingStores,
  readCheckpoint,
  saveCheckpoint,
  type ChargingStores,
  type StateFence,
} from './store.ts';
import { ProvisioningCache } from './provisioning.ts';
import { leaseKey, openLeases, PartitionLease } from './lease.ts';
import type { CatalogWatch } from './catalog-watch.ts';
import { PartitionWorker, type Applied, type InputMessage } from './worker.ts';
import { InputGapError, InputOrder } from './input-order.ts';
import { fanOut, sleep } from '../../infra/time/index.ts';

export const ratingConsumers = (partitions: number): ConsumerSpec[] =>
  Array.from({ length: partitions }, (_, p) => ({
    stream: 'CDR',
    durable: `rating-p${p}`,
    filterSubject: subjects.charging(p),
    maxAckPending: 2000,
    ackWaitSec: 30,
  }));

export interface RatingDeps {
  nats: Nats;
  partitions: number;
  catalog: CompiledCatalog;
  /** Follows admin catalog edits; each batch is rated with the version in force when it starts. */
  catalogWatch?: CatalogWatch;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** How often changed balances are saved (ms); recovery replays at most this much. */
  checkpointMs?: number;
  /**
   * On recovery, CDR ids of this many stream sequences before the checkpoint are read back into
   * the duplicate index, so a CDR resent in a new batch shortly after a restart is still caught.
   */
  dedupPrescanSeqs?: number;
  /**
   * A connection of its own for partition leases, so a renewal never queues behind megabytes of
   * rated output on the main connection (default: the main connection).
   */
  leaseNats?: Nats;
  /** Called each time a partition has rebuilt its state and starts taking new deliveries. */
  onRecovered?: (partition: number) => void;
}

/**
 * Runs one rating worker per subscriber partition. Each is the single ordered writer of its
 * subscribers' balances; exactly-once comes from three rules:
 *  - an input is acked only after its output (rated records + ledger + notifications) and its
 *    dead letters are acknowledged by JetStream;
 *  - state is saved at checkpoints; after any failure or restart the worker rebuilds it from the
 *    checkpoint, re-applying only what the already-published outputs say was charged, then
 *    processes every later input in stream order before taking new deliveries;
 *  - the same CDR id twice in a partition changes nothing (counted), with other content is flagged.
 */
export async function runRating(deps: RatingDeps, signal: AbortSignal): Promise<void> {
  const stores = await openChargingStores(deps.nats.nc);
  const leases = await openLeases((deps.leaseNats ?? deps.nats).nc);
  const lines = await ProvisioningCache.open(stores.subscribers, deps.log);
  const stop = fanOut(signal);
  try {
    await Promise.all(
      Array.from({ length: deps.partitions }, (_, p) =>
        runPartition(
          deps,
          stores,
          lines,
          new PartitionLease(leases.kv, leaseKey('rating', p), leases),
          p,
          stop,
        ),
      ),
    );
  } finally {
    lines.stop();
  }
}

/** Thrown before writing anything once this process no longer holds the partition's lease. */
export class LeaseLostError extends Error {
  readonly code = 'LEASE_LOST';
}

function assertHeld(lease: PartitionLease, partition: number): void {
  if (!lease.held()) throw new LeaseLostError(`lease of rating partition ${partition} lost`);
}

const yieldToIo = () => new Promise<void>((r) => setImmediate(r));

/**
 * Rates one partition while this process holds its lease: another rating process (a cluster, a
 * rolling restart) waits, and takes the partition over when the lease is given back or expires.
 */
async function runPartition(
  deps: RatingDeps,
  stores: ChargingStores,
  lines: ProvisioningCache,
  lease: PartitionLease,
  p: number,
  signal: AbortSignal,
): Promise<void> {
  const { log } = deps;
  let waiting = false;
  while (!signal.aborted) {
    if (!(await lease.tryAcquire())) {
      if (!waiting) log.info({ partition: p }, 'rating partition held by another process; standing by');
      waiting = true;
      await sleep(1000, signal);
      continue;
    }
    waiting = false;
    const local = new AbortController();
    const stop = () => local.abort();
    signal.addEventListener('abort', stop, { once: true });
    lease.keep(() => {
      log.warn({ partition: p }, 'rating partition lease lost; stopping before another process takes over');
      local.abort();
    });
    try {
      const session = await recoverPartition(deps, stores, lines, p, lease);
      deps.onRecovered?.(p);
      await consumePartition(deps, stores, session, local, lease);
    } catch (err) {
      if (err instanceof LeaseLostError || err instanceof InputGapError)
        log.warn({ partition: p }, err.message);
      else log.error({ err, partition: p }, 'rating partition failed; recovering from checkpoint');
      await sleep(500, signal);
    } finally {
      signal.removeEventListener('abort', stop);
      await lease.release();
    }
  }
}

interface Session {
  worker: PartitionWorker;
  /** Revisions of this partition's state and checkpoint as this process last saw them. */
  fence: StateFence;
  publisher: PipelinedPublisher;
  ratedSeq: number;
  lastCheckpointMs: number;
  /** Outputs of ours the stream dropped as duplicates: another process answered those inputs. */
  foreignOutputs: number;
}

/**
 * Throws when the stream already held outputs for inputs this process just rated: a process
 * that lost the partition published them late (a paused node held them back) after this one
 * had scanned the outputs. Its state may differ from what the ledger now says, so it must not
 * be saved: the partition recovers from what was published.
 */
function assertOwnOutputs(s: Session): void {
  if (s.foreignOutputs > 0)
    throw new Error(
      `RATING_OUTPUT_EXISTS: ${s.foreignOutputs} output(s) of partition ${s.worker.partition} were already published by another process; recovering`,
    );
}

/** Rebuilds a partition's state: checkpoint + outputs already published + every later input, in order. */
async function recoverPartition(
  deps: RatingDeps,
  stores: ChargingStores,
  lines: ProvisioningCache,
  p: number,
  lease: PartitionLease,
): Promise<Session> {
  const t0 = Date.now();
  const catalog = deps.catalogWatch?.current() ?? deps.catalog;
  const worker = new PartitionWorker(catalog, p, lines.lookup, deps.clock.nowMs);
  const fence = newFence();
  const ckpt = await readCheckpoint(stores.checkpoints, p, fence);
  for (const [msisdn, entry] of await loadStates(deps.nats.js, p, deps.log, fence, ckpt?.states))
    worker.states.set(msisdn, entry);
  worker.appliedThrough = ckpt?.inputSeq ?? 0;
  const outputs = await scanOutputs(deps.nats.js, p, ckpt?.ratedSeq ?? 0);
  const prescanFrom = Math.max(1, worker.appliedThrough - (deps.dedupPrescanSeqs ?? 20_000) + 1);
  if (worker.appliedThrough > 0)
    await readRange(
      deps.nats.js,
      'CDR',
      subjects.charging(p),
      prescanFrom,
      (m) => {
        if (m.seq <= worker.appliedThrough) worker.remember({ seq: m.seq, subject: m.subject, data: m.data });
      },
      { toSeq: worker.appliedThrough },
    );
  const session: Session = {
    worker,
    fence,
    publisher: new PipelinedPublisher(deps.nats.js, 64),
    ratedSeq: outputs.lastRatedSeq,
    lastCheckpointMs: Date.now(),
    foreignOutputs: 0,
  };
  let replayed = 0;
  let processed = 0;
  await readRange(deps.nats.js, 'CDR', subjects.charging(p), worker.appliedThrough + 1, async (m) => {
    const input: InputMessage = { seq: m.seq, subject: m.subject, data: m.data };
    const done = outputs.byInput.get(m.seq);
    if (done) {
      await worker.apply(input, done);
      replayed++;
    } else {
      assertHeld(lease, p);
      await emit(deps, session, await worker.apply(input));
      processed++;
    }
  });
  await session.publisher.flush();
  assertOwnOutputs(session);
  assertHeld(lease, p);
  await saveCheckpoint(stores, worker, session.ratedSeq, deps.clock.nowMs(), fence);
  deps.log.info(
    {
      partition: p,
      fromSeq: ckpt?.inputSeq ?? 0,
      replayed,
      processed,
      states: worker.states.size,
      ms: Date.now() - t0,
    },
    'rating partition recovered',
  );
  return session;
}

/** Publishes an input's output and dead letters (not yet durable: the caller flushes before acking). */
async function emit(deps: RatingDeps, s: Session, a: Applied): Promise<void> {
  const o: RatingOutput = a.output;
  await s.publisher.publish({
    subject: subjects.rated(o.partition),
    data: encodeRatingOutput(o),
    msgId: o.batchId,
    headers: {
      [INPUT_SEQ_HEADER]: String(o.inputSeq),
      [NOTICES_HEADER]: String(o.notifications.length),
      [ITEMS_HEADER]: String(o.items.length),
    },
    onAck: (ack) => {
      if (ack.duplicate) s.foreignOutputs++;
      else if (ack.seq > s.ratedSeq) s.ratedSeq = ack.seq;
    },
  });
  for (const d of a.deadLetters) {
    await publishDeadLetter(s.publisher, d.info, d.original);
    deps.metrics.deadLettered.inc({ source: 'rating', code: d.info.code });
  }
  deps.metrics.processed.inc({ processor: 'rating' }, o.items.length);
  if (a.duplicates) deps.metrics.duplicates.inc({ processor: 'rating' }, a.duplicates);
  if (a.conflicts) deps.metrics.conflicts.inc({ processor: 'rating' }, a.conflicts);
}

async function consumePartition(
  deps: RatingDeps,
  stores: ChargingStores,
  s: Session,
  local: AbortController,
  lease: PartitionLease,
): Promise<void> {
  const spec = ratingConsumers(deps.partitions)[s.worker.partition]!;
  const order = new InputOrder(deps.nats.js, s.worker.partition);
  let failure: unknown = null;
  const ms = deps.checkpointMs ?? 5000;
  // Batches and idle-time checkpoints take turns: the worker has one writer at a time.
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = turn.then(fn, fn);
    turn = next.catch(() => undefined);
    return next;
  };
  // A checkpoint says "every input up to appliedThrough has its output durable": it runs only
  // after the publisher confirmed every output so far, and never after a failed batch (an idle
  // checkpoint queued while a batch was failing would otherwise skip that batch's lost outputs).
  const checkpoint = async () => {
    if (failure) throw failure;
    try {
      await s.publisher.flush();
      assertOwnOutputs(s);
    } catch (err) {
      failure = err;
      local.abort();
      throw err;
    }
    assertHeld(lease, s.worker.partition);
    await saveCheckpoint(stores, s.worker, s.ratedSeq, deps.clock.nowMs(), s.fence);
    s.lastCheckpointMs = Date.now();
  };
  // When traffic stops, changed balances are still saved within one interval.
  const idle = setInterval(
    () => {
      if (failure || s.worker.dirty.size === 0 || Date.now() - s.lastCheckpointMs < ms) return;
      void exclusive(checkpoint).catch((err: unknown) =>
        deps.log.warn({ err }, 'idle checkpoint failed; retried'),
      );
    },
    Math.max(50, Math.floor(ms / 2)),
  );
  try {
    await runConsumer({
      js: deps.nats.js,
      stream: spec.stream,
      durable: spec.durable,
      // Inputs carry up to 200 CDRs: 16 of them are ~3k CDRs of work per batch, and 64 queued
      // keep the partition busy without holding megabytes ahead of it.
      maxBatch: 16,
      prefetch: 64,
      log: deps.log,
      signal: local.signal,
      handle: (msgs: JsMsg[]) =>
        exclusive(async () => {
          if (failure) throw failure;
          if (deps.catalogWatch) s.worker.catalog = deps.catalogWatch.current();
          try {
            assertHeld(lease, s.worker.partition);
            for (const m of msgs) {
              if (m.seq <= s.worker.appliedThrough) continue; // applied before a restart or during recovery
              // Never past an input that was delivered elsewhere: it would come back as "applied".
              await order.assertNext(m, s.worker.appliedThrough);
              await emit(deps, s, await s.worker.apply({ seq: m.seq, subject: m.subject, data: m.data }));
              // Let the connection read between inputs: rating resolves in microtasks, and a loop
              // that never yields leaves publish acks and KV replies unread until they time out.
              await yieldToIo();
            }
            await s.publisher.flush();
            assertOwnOutputs(s);
            if (Date.now() - s.lastCheckpointMs >= ms) await checkpoint();
          } catch (err) {
            // In-memory state may now hold effects whose outputs were not published: stop and rebuild.
            failure = err;
            local.abort();
            throw err;
          }
        }),
    });
  } finally {
    clearInterval(idle);
    await turn;
  }
  if (failure) throw failure;
  if (!local.signal.aborted) return;
  // Clean stop: save what we have so the next start replays little.
  if (lease.held())
    await saveCheckpoint(stores, s.worker, s.ratedSeq, deps.clock.nowMs(), s.fence).catch(() => undefined);
}
