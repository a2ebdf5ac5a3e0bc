import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { decodeBatch, validators, type Clock, type RatedCdr } from '../../domain/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import { LiveCoalescer, type LiveCdr, type LiveSnapshot } from './coalescer.ts';
import { maskMsisdn } from './mask.ts';
import { ITEMS_HEADER } from '../../processors/rating/index.ts';

export const RATED_SUBJECTS = 'rated.p.*';
/** At most this many pushes per second to the NOC room. */
export const PUSHES_PER_SEC = 5;
const LATEST = 20;

export function toLiveCdr(r: RatedCdr): LiveCdr {
  const c = r.cdr;
  return {
    cdrId: c.cdrId,
    msisdnMasked: maskMsisdn(c.msisdn),
    type: c.type,
    region: c.region,
    startMs: c.startMs,
    durationSec: c.type === 'sms' ? 0 : c.durationSec,
    bytes: c.type === 'data' ? c.bytesUp + c.bytesDown : 0,
    chargeFen: r.chargeFen,
  };
}

/**
 * The newest counted-but-unparsed messages, just enough of them to hold `want` items (older ones
 * are dropped: their items would not be shown).
 */
export class UnreadTail {
  private msgs: { data: Uint8Array; items: number }[] = [];
  private items = 0;
  constructor(private readonly want: number) {}

  push(data: Uint8Array, items: number): void {
    this.msgs.push({ data, items });
    this.items += items;
    while (this.msgs.length > 1 && this.items - this.msgs[0]!.items >= this.want)
      this.items -= this.msgs.shift()!.items;
  }

  /** The kept messages, oldest first; empties the tail. */
  take(): Uint8Array[] {
    const out = this.msgs.map((m) => m.data);
    this.msgs = [];
    this.items = 0;
    return out;
  }
}

export interface LiveFeed {
  /** The current picture, for a viewer who just connected. */
  current(): LiveSnapshot;
  stop(): void;
}

/**
 * Follows rated CDR batches with a plain core NATS subscription (JetStream publishes reach core
 * subscribers too; the live view needs no durability) and pushes one coalesced snapshot at most
 * PUSHES_PER_SEC times per second. Only the newest items of a batch are validated and shown; every
 * item is counted. A bad payload is counted and skipped, never thrown.
 *
 * Rating states each message's item count in a header: such a message is counted from it and
 * kept unparsed, and only the newest ones that hold the LATEST items shown are parsed when a
 * snapshot is due (at most PUSHES_PER_SEC times a second). Parsing every message cost the API's
 * thread ~2 µs per rated CDR. A message without the header is parsed at once, as before.
 */
export function startLiveFeed(o: {
  nc: NatsConnection;
  clock: Clock;
  log: Logger;
  push: (snapshot: LiveSnapshot) => void;
}): LiveFeed {
  const coalescer = new LiveCoalescer(o.clock, { latestMax: LATEST });
  /** Parses a message; shows its newest items, and counts them unless they were counted already. */
  const show = (data: Uint8Array, counted: boolean) => {
    const d = decodeBatch(data);
    if (!d.ok) {
      coalescer.badPayload();
      return;
    }
    const newest: LiveCdr[] = [];
    for (const item of d.batch.items.slice(-LATEST)) {
      const v = validators.ratedCdr(item);
      if (v.ok) newest.push(toLiveCdr(v.value));
      else coalescer.badPayload();
    }
    coalescer.add(counted ? 0 : d.batch.items.length, newest);
  };
  const unread = new UnreadTail(LATEST);
  const onMessage = (data: Uint8Array, itemsHeader: string | undefined) => {
    const items = itemsHeader === undefined ? Number.NaN : Number(itemsHeader);
    if (!Number.isSafeInteger(items) || items < 0) return show(data, false);
    coalescer.add(items);
    unread.push(data, items);
  };
  const showUnread = () => {
    for (const data of unread.take()) {
      try {
        show(data, true);
      } catch (e) {
        coalescer.badPayload();
        o.log.warn({ err: (e as Error).message }, 'live feed skipped a message');
      }
    }
  };
  const sub: Subscription = o.nc.subscribe(RATED_SUBJECTS, {
    callback: (err, msg) => {
      if (err) {
        o.log.warn({ err: err.message }, 'live feed subscription error');
        return;
      }
      try {
        onMessage(msg.data, msg.headers?.get(ITEMS_HEADER) || undefined);
      } catch (e) {
        coalescer.badPayload();
        o.log.warn({ err: (e as Error).message }, 'live feed skipped a message');
      }
    },
  });
  const timer = setInterval(() => {
    showUnread();
    const s = coalescer.take();
    if (s) o.push(s);
  }, 1000 / PUSHES_PER_SEC);
  timer.unref();
  return {
    current: () => {
      showUnread();
      return { ...coalescer.current(), recent: coalescer.recent() };
    },
    stop: () => {
      clearInterval(timer);
      if (!o.nc.isClosed()) sub.unsubscribe();
    },
  };
}
