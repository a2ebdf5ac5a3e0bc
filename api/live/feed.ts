import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { decodeBatch, validators, type Clock, type RatedCdr } from '../../domain/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import { LiveCoalescer, type LiveCdr, type LiveSnapshot } from './coalescer.ts';
import { maskMsisdn } from './mask.ts';

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
 */
export function startLiveFeed(o: {
  nc: NatsConnection;
  clock: Clock;
  log: Logger;
  push: (snapshot: LiveSnapshot) => void;
}): LiveFeed {
  const coalescer = new LiveCoalescer(o.clock, { latestMax: LATEST });
  const onData = (data: Uint8Array) => {
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
    coalescer.add(d.batch.items.length, newest);
  };
  const sub: Subscription = o.nc.subscribe(RATED_SUBJECTS, {
    callback: (err, msg) => {
      if (err) {
        o.log.warn({ err: err.message }, 'live feed subscription error');
        return;
      }
      try {
        onData(msg.data);
      } catch (e) {
        coalescer.badPayload();
        o.log.warn({ err: (e as Error).message }, 'live feed skipped a message');
      }
    },
  });
  const timer = setInterval(() => {
    const s = coalescer.take();
    if (s) o.push(s);
  }, 1000 / PUSHES_PER_SEC);
  timer.unref();
  return {
    current: () => coalescer.current(),
    stop: () => {
      clearInterval(timer);
      if (!o.nc.isClosed()) sub.unsubscribe();
    },
  };
}
