import type { NatsConnection } from '@nats-io/transport-node';

/** Told when the connection dropped (`disconnect`) or came back (`reconnect`). */
export type LossListener = (event: 'disconnect' | 'reconnect') => void;

interface Watch {
  listeners: Set<LossListener>;
}

const watches = new WeakMap<NatsConnection, Watch>();

/**
 * Calls `listener` each time `nc` drops or comes back, until the returned function is called.
 * One status iterator per connection, however many listeners: a publisher subscribes while it
 * has publishes in flight, so a lost ack is known at once instead of after its timeout.
 */
export function onConnectionLoss(nc: NatsConnection, listener: LossListener): () => void {
  let w = watches.get(nc);
  if (!w) {
    const watch: Watch = { listeners: new Set() };
    watches.set(nc, watch);
    w = watch;
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type !== 'disconnect' && s.type !== 'reconnect') continue;
        for (const l of [...watch.listeners]) l(s.type);
      }
    })().catch(() => undefined);
  }
  const listeners = w.listeners;
  listeners.add(listener);
  return () => listeners.delete(listener);
}
