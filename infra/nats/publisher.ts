import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { onConnectionLoss } from './connection-loss.ts';
import { RetryableError } from './consumer.ts';

export interface PublishItem {
  subject: string;
  data: Uint8Array;
  /** JetStream message id: the stream drops a second publish with the same id (dedup window). */
  msgId: string;
  headers?: Record<string, string>;
  /** Called with the stream's ack (its sequence tells where the message landed). */
  onAck?: (ack: PubAck) => void;
}

export interface PublishStats {
  published: number;
  duplicates: number;
}

/**
 * Pipelined JetStream publisher: keeps up to `window` publishes in flight instead of waiting for
 * each ack (the one-at-a-time path is client-bound at ~45k msg/s here). `flush()` resolves once
 * every publish so far is acknowledged by the stream — only then is it durable.
 *
 * When the connection drops, the acks of the publishes in flight are lost with it: they fail at
 * once (RetryableError 'CONNECTION_LOST') instead of after `timeoutMs`, and `publishAll` sends them
 * again under the same message ids, which the stream deduplicates. A restarted nats-server used
 * to stall every publisher for the whole 10 s ack timeout.
 */
export class PipelinedPublisher {
  /** In-flight publishes, each with the way to fail it early. */
  private inflight = new Map<Promise<PubAck>, (err: unknown) => void>();
  private failure: unknown = null;
  private unwatch: (() => void) | null = null;
  private readonly nc: NatsConnection | undefined;
  readonly stats: PublishStats = { published: 0, duplicates: 0 };

  constructor(
    private readonly js: JetStreamClient,
    private readonly window = 256,
    private readonly timeoutMs = 10_000,
  ) {
    // JetStreamClientImpl carries its connection; a client without one only loses the early failure.
    const nc = (js as { nc?: NatsConnection }).nc;
    this.nc = nc && typeof nc.status === 'function' ? nc : undefined;
  }

  // On reconnect too: what was sent while the connection was down is not reliably answered.
  private readonly lost = (event: 'disconnect' | 'reconnect') => {
    const err = new RetryableError(
      'CONNECTION_LOST',
      `NATS connection ${event === 'disconnect' ? 'dropped' : 'restarted'} before the stream acknowledged; publish again`,
    );
    for (const fail of this.inflight.values()) fail(err);
  };

  async publish(item: PublishItem): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.inflight.size >= this.window) await Promise.race(this.inflight.keys()).catch(() => undefined);
    if (this.failure) throw this.failure;
    let h: ReturnType<typeof natsHeaders> | undefined;
    if (item.headers) {
      h = natsHeaders();
      for (const [k, v] of Object.entries(item.headers)) h.set(k, v);
    }
    let fail: (err: unknown) => void = () => undefined;
    const early = new Promise<never>((_, reject) => (fail = reject));
    const sent = this.js.publish(item.subject, item.data, {
      msgID: item.msgId,
      headers: h,
      timeout: this.timeoutMs,
    });
    sent.catch(() => undefined); // settles after an early failure too; nobody waits for it then
    const p = Promise.race([sent, early]);
    if (this.inflight.size === 0 && this.nc && !this.unwatch)
      this.unwatch = onConnectionLoss(this.nc, this.lost);
    this.inflight.set(p, fail);
    p.then(
      (ack) => {
        item.onAck?.(ack);
        this.stats.published++;
        if (ack.duplicate) this.stats.duplicates++;
      },
      (err: unknown) => {
        this.failure ??= err;
      },
    ).finally(() => {
      this.inflight.delete(p);
      if (this.inflight.size === 0) {
        this.unwatch?.();
        this.unwatch = null;
      }
    });
  }

  /** Waits for every in-flight publish; throws the first failure (the caller must not ack its input). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.inflight.keys()]);
    if (this.failure) {
      const f = this.failure;
      this.failure = null;
      throw f;
    }
  }

  /**
   * Publishes all items, retrying a failed round with the same message ids (dedup makes retries
   * safe). A round cut short by a dropped connection does not use up an attempt (up to 20 such):
   * in a cluster one node kill can drop the connection while the stream elects a new leader, and
   * those rounds fail in milliseconds where a timeout takes seconds.
   */
  async publishAll(items: PublishItem[], attempts = 5): Promise<void> {
    let drops = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        for (const it of items) await this.publish(it);
        await this.flush();
        return;
      } catch (err) {
        await this.flush().catch(() => undefined);
        if ((err as { code?: string }).code === 'CONNECTION_LOST' && ++drops <= 20) attempt--;
        else if (attempt >= attempts) throw err;
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }
}
