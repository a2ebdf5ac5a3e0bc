import type { KV } from '@nats-io/kv';
import { DeliverPolicy } from '@nats-io/jetstream';
import { compile, type Clock } from '../../domain/index.ts';
import { RatingNotification } from '../../domain/rating/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import {
  consumerConfig,
  isNotFound,
  runConsumer,
  type ConsumerSpec,
  type Nats,
} from '../../infra/nats/index.ts';
import { NOTICES_HEADER, readOutputParts } from '../rating/index.ts';
import {
  attemptDelivery,
  publishNoticeEvent,
  recordDue,
  waitForCareBuckets,
  withNextAttempt,
  type NoticeGateway,
  type StoredNotice,
} from './outbox-store.ts';

export type { NoticeGateway };
import { noticeId, noticeText } from './texts.ts';

/**
 * Charging thresholds (allowance 80 %/100 %, low balance, exhausted, credit limit, barred) reach
 * the customer through the care notification outbox: the same records (bucket `notifications`,
 * key `<customerId>.<notificationId>`), the same queued → sent | failed states and
 * `bss.notification.*` events, so they show in the customer's notification history and a failed one
 * can be retried from care. The outbox id is derived from the notification key, and the record is
 * created only if absent: each notification is queued and sent once however often the rating
 * output is redelivered. Lines without a care customer (simulated traffic) are not told.
 */

export const CHARGING_NOTICES_CONSUMER: ConsumerSpec = {
  stream: 'RATED',
  durable: 'notify-charging',
  maxAckPending: 1000,
  ackWaitSec: 60,
};

/** Accepts everything except numbers ending in 0000 (unreachable), like care's simulated gateway. */
export const simulatedSms: NoticeGateway = {
  send: async (_channel, to) => (to.endsWith('0000') ? 'number_unreachable' : null),
};

export interface ChargingNoticeDeps {
  nats: Nats;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  gateway?: NoticeGateway;
  /** Notifications older than this (event time vs now) are not sent any more; default 2 days. */
  maxAgeMs?: number;
}

const validNotice = compile(RatingNotification);
const enc = new TextEncoder();
const dec = new TextDecoder();

type OutboxRecord = StoredNotice;

type Outcome = 'sent' | 'failed' | 'duplicate' | 'no_customer' | 'stale' | 'not_for_customer';

export async function runChargingNotices(deps: ChargingNoticeDeps, signal: AbortSignal): Promise<void> {
  await ensureConsumer(deps.nats, deps.log);
  const buckets = await waitForCareBuckets(
    deps.nats,
    deps.log,
    ['care_lines', 'customers', 'notifications', 'notification_due'] as const,
    signal,
    'charging notices',
  );
  if (!buckets) return;
  const stores = {
    lines: buckets.care_lines,
    customers: buckets.customers,
    outbox: buckets.notifications,
    due: buckets.notification_due,
  };
  await runConsumer({
    js: deps.nats.js,
    stream: CHARGING_NOTICES_CONSUMER.stream,
    durable: CHARGING_NOTICES_CONSUMER.durable,
    maxBatch: 50,
    log: deps.log,
    signal,
    handle: async (msgs) => {
      for (const m of msgs) {
        // Most outputs carry no notification: skip those by their header.
        if (m.headers?.get(NOTICES_HEADER) === '0') continue;
        // The consumer delivers headers only (see ensureConsumer): read the body of the few
        // outputs that carry notices from the stream.
        const data = m.data.length > 0 ? m.data : await bodyOf(deps.nats, m.seq);
        if (!data) {
          deps.log.warn({ seq: m.seq }, 'rated output gone from the stream before its notices were read');
          continue;
        }
        for (const raw of readOutputParts(data)?.notifications ?? []) {
          const v = validNotice(raw);
          if (!v.ok) continue;
          // the schema checked kind against NotificationKind (its TypeBox union is built from a list)
          const outcome = await deliverNotice(deps, stores, v.value as RatingNotification);
          deps.metrics.processed.inc({ processor: `notify-${outcome}` });
        }
      }
    },
  });
}

/** The body of a RATED message, or null when the stream no longer holds it. */
async function bodyOf(nats: Nats, seq: number): Promise<Uint8Array | null> {
  return (await nats.jsm.streams.getMessage(CHARGING_NOTICES_CONSUMER.stream, { seq }))?.data ?? null;
}

/**
 * The durable consumer on RATED, created at first start (the roles' topology list does not name
 * it). It delivers headers only: every rated CDR's ~600 bytes would otherwise cross to this
 * process (the rating thread's, in `npm start`) to be skipped unread. A consumer created before
 * is switched over; where the server refuses, bodies keep coming and are read as they are.
 */
async function ensureConsumer(nats: Nats, log: Logger): Promise<void> {
  const c = CHARGING_NOTICES_CONSUMER;
  try {
    const info = await nats.jsm.consumers.info(c.stream, c.durable);
    if (!info.config.headers_only)
      await nats.jsm.consumers
        .update(c.stream, c.durable, { headers_only: true })
        .catch((err: unknown) =>
          log.warn({ err }, 'charging notices consumer still receives whole messages'),
        );
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await nats.jsm.consumers.add(c.stream, {
      ...consumerConfig(c),
      deliver_policy: DeliverPolicy.All,
      headers_only: true,
    });
  }
}

const json = <T>(v: Uint8Array): T | null => {
  try {
    return JSON.parse(dec.decode(v)) as T;
  } catch {
    return null;
  }
};

/**
 * Where a notice goes: an SMS to the line, except the settlement of a line closed by an
 * unsubscribe, whose SIM no longer works: to the customer's e-mail, else their contact mobile
 * when it is another number (a ported-out number still reaches its owner at the new operator).
 */
function addressOf(
  n: RatingNotification,
  profile: { mobile?: string; email?: string } | null,
): { channel: 'sms' | 'email'; to: string } {
  if (n.kind === 'line_closed' && n.params.reason === 'unsubscribe') {
    if (profile?.email) return { channel: 'email', to: profile.email };
    if (profile?.mobile && profile.mobile !== n.msisdn) return { channel: 'sms', to: profile.mobile };
  }
  return { channel: 'sms', to: n.msisdn };
}

/** Queues (once) and sends one charging notification to the line's customer. */
export async function deliverNotice(
  deps: ChargingNoticeDeps,
  kv: { lines: KV; customers: KV; outbox: KV; due: KV },
  n: RatingNotification,
): Promise<Outcome> {
  const now = deps.clock.nowMs();
  if (now - n.atMs > (deps.maxAgeMs ?? 2 * 86_400_000)) return 'stale';
  const line = await kv.lines.get(n.msisdn.replace(/^\+/, ''));
  const owner = line?.operation === 'PUT' ? json<{ customerId?: string; status?: string }>(line.value) : null;
  // a closed line's owner is told only of its closing settlement (the money left or owed)
  if (!owner?.customerId || (owner.status === 'closed' && n.kind !== 'line_closed')) return 'no_customer';
  const cust = await kv.customers.get(`c.${owner.customerId}`);
  const profile =
    cust?.operation === 'PUT' ? json<{ locale?: string; mobile?: string; email?: string }>(cust.value) : null;
  const locale = profile?.locale === 'en' ? 'en' : 'zh-CN';
  const text = noticeText(n, locale);
  if (!text) return 'not_for_customer';
  const id = noticeId(n);
  const key = `${owner.customerId}.${id}`;
  const rec: OutboxRecord = withNextAttempt({
    notificationId: id,
    customerId: owner.customerId,
    ...addressOf(n, profile),
    template: `charging.${n.kind}`,
    locale,
    text,
    state: 'queued',
    attempts: 0,
    history: [{ state: 'queued', atMs: now }],
    createdAtMs: now,
  });
  let rev: number;
  let cur = rec;
  try {
    // the due entry first: a crash before the send leaves the notice to the retry sweeper
    await recordDue(kv.due, rec);
    rev = await kv.outbox.create(key, enc.encode(JSON.stringify(rec)));
    await publishNoticeEvent(deps.nats, deps.clock, rec, 'notification.queued');
  } catch {
    // already queued: finish it only if a crash stopped it before the send
    const e = await kv.outbox.get(key);
    const existing = e?.operation === 'PUT' ? json<OutboxRecord>(e.value) : null;
    if (!e || !existing || existing.state !== 'queued') return 'duplicate';
    rev = e.revision;
    cur = existing;
  }
  const outcome = await attemptDelivery({ ...deps, gateway: deps.gateway ?? simulatedSms }, kv, cur, rev);
  return outcome ?? 'duplicate'; // null: another worker finished it first
}
