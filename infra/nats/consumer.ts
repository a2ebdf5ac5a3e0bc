import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Logger } from '../log/index.ts';

/** A failure that may succeed later (dependency down, timeout): nak with delay, redeliver. */
export class RetryableError extends Error {
  readonly retryable = true;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ConsumerRunOptions {
  js: JetStreamClient;
  stream: string;
  durable: string;
  /** Largest number of messages handed to `handle` at once. */
  maxBatch: number;
  /**
   * What one message weighs (e.g. the rows it will become) and the most a batch may weigh: a
   * batch is cut before the message that would take it past `max` (a batch always takes at
   * least one message), and lingering stops once the queue weighs that much.
   */
  weight?: { of: (m: JsMsg) => number; max: number };
  /** Messages pulled ahead of processing. */
  prefetch?: number;
  /** Called with a batch; when it resolves every message of the batch is acked. */
  handle: (msgs: JsMsg[]) => Promise<void>;
  log: Logger;
  signal: AbortSignal;
  /** Delay before a failed batch is redelivered. */
  retryDelayMs?: number;
  onBatch?: (size: number, ms: number) => void;
  /** After the first message, wait up to this long for a fuller batch (fewer, larger inserts). */
  lingerMs?: number;
  /** A batch still not handled after this long is logged as a warning, and again each time. */
  slowBatchMs?: number;
  /** Batches handled at once (acks stay per batch, so order of completion does not matter). */
  concurrency?: number;
}

/**
 * Delay on the naks of a stopping consumer. Naked with no delay, a message was redelivered at
 * once into this consumer's own pull that was still closing, and then sat there until its ack
 * wait (30 s for rating) lapsed; after the delay the next holder's pull gets it.
 */
const HANDOVER_NAK_MS = 2000;
/** Lifetime of one pull request; heartbeats every half of it (see runConsumer). */
const PULL_EXPIRES_MS = 5000;

/**
 * Pulls from a durable consumer and hands over whatever is buffered, up to maxBatch: small
 * batches at low rates (low latency), large ones under load (throughput). Acks only after the
 * handler resolved; a throwing handler naks the batch with a delay — nothing is lost, and the
 * handler must be idempotent because redelivery may repeat any message.
 */
export async function runConsumer(o: ConsumerRunOptions): Promise<void> {
  const consumer = await o.js.consumers.get(o.stream, o.durable);
  // Pulls live PULL_EXPIRES_MS, with heartbeats every half of it: a pull lost with its consumer's
  // leader (a node killed or paused) is noticed after two missed heartbeats and pulled again.
  // With the default 30 s the consumer sat idle ~30 s after an election with messages pending.
  const messages = await consumer.consume({
    max_messages: o.prefetch ?? o.maxBatch * 2,
    expires: PULL_EXPIRES_MS,
  });
  const queue: JsMsg[] = [];
  /** Weight of each queued message (same order as `queue`) and of all of them. */
  const weights: number[] = [];
  let queuedWeight = 0;
  let wake: (() => void) | null = null;
  let ended = false;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const onAbort = () => {
    void messages.close();
    ended = true;
    notify();
    freed();
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  // Sequences queued or being handled here. When the ack wait lapses while a message is still
  // queued, the server delivers it again to this same process: keep one copy, or two batches
  // could apply it twice.
  const held = new Set<number>();
  // Backpressure: the pump stops reading once `limit` messages wait, so consume() stops pulling.
  // Without it the queue grew to the consumer's max ack pending (hundreds of MB of large
  // batches under a backlog), and replies to this connection's own publishes and KV writes
  // queued behind those deliveries until they timed out.
  const limit = o.prefetch ?? o.maxBatch * 2;
  let space: (() => void) | null = null;
  const freed = () => {
    const s = space;
    space = null;
    s?.();
  };
  const pump = (async () => {
    for await (const m of messages) {
      // close() lets the iterator yield what it had buffered: give those back, or they would
      // sit unacked here until their ack wait lapsed.
      if (o.signal.aborted) {
        m.nak(HANDOVER_NAK_MS);
        continue;
      }
      if (held.has(m.seq)) continue;
      held.add(m.seq);
      queue.push(m);
      if (o.weight) {
        const w = o.weight.of(m);
        weights.push(w);
        queuedWeight += w;
      }
      notify();
      while (queue.length >= limit && !ended) await new Promise<void>((r) => (space = r));
    }
    ended = true;
    notify();
  })();

  const running = new Set<Promise<void>>();
  const handleOne = async (batch: JsMsg[]) => {
    const t0 = performance.now();
    // A handler that never settles holds its messages (and their redeliveries) forever: say so.
    const slow = setInterval(() => {
      o.log.warn(
        {
          stream: o.stream,
          durable: o.durable,
          size: batch.length,
          firstSeq: batch[0]?.seq,
          ms: Math.round(performance.now() - t0),
        },
        'batch still being handled',
      );
    }, o.slowBatchMs ?? 15_000);
    slow.unref();
    try {
      await o.handle(batch);
      for (const m of batch) m.ack();
      o.onBatch?.(batch.length, performance.now() - t0);
    } catch (err) {
      const retryable = (err as { retryable?: boolean }).retryable === true;
      o.log.error(
        { err, stream: o.stream, durable: o.durable, size: batch.length, retryable },
        'batch failed; will be redelivered',
      );
      for (const m of batch) m.nak(o.retryDelayMs ?? 1000);
    } finally {
      clearInterval(slow);
      for (const m of batch) held.delete(m.seq);
    }
  };
  const concurrency = o.concurrency ?? 1;
  const full = () => queue.length >= o.maxBatch || (o.weight !== undefined && queuedWeight >= o.weight.max);
  /** The next batch: up to maxBatch messages, and no more weight than allowed. */
  const take = (): JsMsg[] => {
    if (!o.weight) return queue.splice(0, o.maxBatch);
    let n = 0;
    let w = 0;
    while (n < queue.length && n < o.maxBatch) {
      const next = weights[n]!;
      if (n > 0 && w + next > o.weight.max) break;
      w += next;
      n++;
    }
    weights.splice(0, n);
    queuedWeight -= w;
    return queue.splice(0, n);
  };
  while (!o.signal.aborted) {
    if (queue.length === 0) {
      if (ended) break;
      await new Promise<void>((r) => (wake = r));
      continue;
    }
    if (o.lingerMs && !full() && !ended) {
      const deadline = Date.now() + o.lingerMs;
      while (!full() && !ended && !o.signal.aborted && Date.now() < deadline) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, Math.max(1, deadline - Date.now()));
        });
      }
    }
    while (running.size >= concurrency) await Promise.race(running);
    const p = handleOne(take()).finally(() => running.delete(p));
    freed();
    running.add(p);
  }
  await Promise.allSettled([...running]);
  for (const m of queue.splice(0)) m.nak(HANDOVER_NAK_MS);
  weights.length = 0;
  queuedWeight = 0;
  o.signal.removeEventListener('abort', onAbort);
  // A closed consume() iterator does not always end while a pull is outstanding; don't hang on it.
  await Promise.race([pump.catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
}
