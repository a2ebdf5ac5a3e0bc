import { Kvm, type KV } from '@nats-io/kv';
import {
  afterDeliveryAttempt,
  DEFAULT_RETRY_POLICY,
  nextAttemptAtMs,
  type DeliveryState,
  type RetryPolicy,
} from '../../domain/customer/index.ts';
import type { Clock, NotificationEvent } from '../../domain/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { Nats } from '../../infra/nats/index.ts';

/**
 * A notice as the outbox (bucket `notifications`, key `<customerId>.<notificationId>`) keeps it:
 * the fields care's notices and charging's share.
 */
export interface StoredNotice extends DeliveryState {
  notificationId: string;
  customerId: string;
  channel: 'sms' | 'email';
  to: string;
  template: string;
  locale: 'zh-CN' | 'en';
  text: string;
  /** It carried a one-time code, which is not kept: never sent again by itself. */
  secret?: boolean;
  /** When it will be tried again without anyone asking (absent: it will not be). */
  nextAttemptAtMs?: number;
  createdAtMs: number;
}

/** The record with its next automatic attempt set, or cleared when there is none. */
export function withNextAttempt<T extends StoredNotice>(
  rec: T,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): T {
  const at = nextAttemptAtMs(rec, policy);
  const { nextAttemptAtMs: _old, ...rest } = rec;
  return (at === null ? rest : { ...rest, nextAttemptAtMs: at }) as T;
}

const enc = new TextEncoder();

/**
 * Keeps the due index (bucket `notification_due`, same key as the outbox) in step with a record:
 * an entry while the notice waits for an automatic attempt, none once it was sent or given up.
 */
export async function recordDue(due: KV, rec: StoredNotice): Promise<void> {
  const key = `${rec.customerId}.${rec.notificationId}`;
  if (rec.nextAttemptAtMs === undefined) await due.purge(key);
  else await due.put(key, enc.encode(JSON.stringify({ dueAtMs: rec.nextAttemptAtMs })));
}

/** Publishes `bss.notification.<queued|sent|failed>` for a record (the id makes a repeat a no-op). */
/** The `bss.notification.*` event of a record (its id makes a repeat a no-op); params trimmed to the schema. */
export function noticeEvent(
  r: StoredNotice,
  type: NotificationEvent['type'],
  atMs: number,
  params: Record<string, string> = {},
  reason?: string,
): NotificationEvent {
  return {
    eventId: `${r.notificationId}.${r.attempts}.${type.split('.')[1]}`,
    atMs,
    type,
    notificationId: r.notificationId,
    channel: r.channel,
    to: r.to,
    template: r.template,
    locale: r.locale,
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k.slice(0, 32), v.slice(0, 200)])),
    ...(reason ? { reason } : {}),
  };
}

/** Publishes `bss.notification.<queued|sent|failed>` for a record. */
export function publishNoticeEvent(
  nats: Nats,
  clock: Clock,
  r: StoredNotice,
  type: NotificationEvent['type'],
  reason?: string,
): Promise<unknown> {
  const ev = noticeEvent(r, type, clock.nowMs(), {}, reason);
  return nats.js.publish(`bss.notification.${type.split('.')[1]}`, enc.encode(JSON.stringify(ev)), {
    msgID: ev.eventId,
  });
}

/**
 * Binds KV buckets care owns, waiting until care has created them (it owns their settings).
 * Null when stopped first.
 */
export async function waitForCareBuckets<const N extends readonly string[]>(
  nats: Nats,
  log: Logger,
  names: N,
  signal: AbortSignal,
  who: string,
): Promise<{ [K in N[number]]: KV } | null> {
  for (let waited = 0; !signal.aborted; waited++) {
    const found = await Promise.all(
      names.map((b) =>
        nats.jsm.streams.info(`KV_${b}`).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (found.every(Boolean)) {
      const kvm = new Kvm(nats.nc);
      const kvs = await Promise.all(names.map((b) => kvm.open(b)));
      return Object.fromEntries(names.map((b, i) => [b, kvs[i]!])) as { [K in N[number]]: KV };
    }
    if (waited === 0) log.info({ buckets: names }, `${who} waits for the care buckets`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  return null;
}

/** The SMS / e-mail gateway: resolves with a failure reason, or null when accepted. */
export interface NoticeGateway {
  /**
   * Resolves with a failure reason, or null when accepted. `messageId` is the notice's id: a
   * gateway that keeps it answers a repeat of the same message without sending it again.
   */
  send(channel: 'sms' | 'email', to: string, text: string, messageId?: string): Promise<string | null>;
}

/**
 * How long a gateway's answer is awaited. Well under the stuck grace of the retry policy
 * (`stuckMs`, 1 min), so no sweeper takes a notice over while its first sender still waits on
 * the gateway; an answer that comes later counts as the passing failure `gateway_timeout`.
 */
export const GATEWAY_TIMEOUT_MS = 20_000;

/** One attempt at the gateway: its failure reason or null, `gateway_error` if it threw, bounded in time. */
export async function sendBounded(
  gateway: NoticeGateway,
  rec: { channel: 'sms' | 'email'; to: string; notificationId: string },
  text: string,
  timeoutMs = GATEWAY_TIMEOUT_MS,
): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('gateway_timeout'), timeoutMs);
  });
  try {
    return await Promise.race([
      gateway.send(rec.channel, rec.to, text, rec.notificationId).catch(() => 'gateway_error'),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The record written if nobody changed it since `revision`: its new revision, or null. */
export async function casUpdate(
  kv: KV,
  key: string,
  rec: StoredNotice,
  revision: number,
): Promise<number | null> {
  return kv.update(key, enc.encode(JSON.stringify(rec)), revision).catch(() => null);
}

/**
 * One delivery attempt of a record held at `revision`: sent through the gateway, the outcome
 * written (compare-and-set), the due index set for the next attempt, the event published.
 * Null when someone else wrote the record meanwhile (their outcome stands).
 */
export async function attemptDelivery(
  deps: { nats: Nats; clock: Clock; gateway: NoticeGateway; policy?: RetryPolicy },
  kv: { outbox: KV; due: KV },
  rec: StoredNotice,
  revision: number,
): Promise<'sent' | 'failed' | null> {
  const reason = await sendBounded(deps.gateway, rec, rec.text);
  const next = withNextAttempt(afterDeliveryAttempt(rec, reason || null, deps.clock.nowMs()), deps.policy);
  if ((await casUpdate(kv.outbox, `${rec.customerId}.${rec.notificationId}`, next, revision)) === null)
    return null;
  await recordDue(kv.due, next);
  await publishNoticeEvent(
    deps.nats,
    deps.clock,
    next,
    reason ? 'notification.failed' : 'notification.sent',
    reason ?? undefined,
  );
  return reason ? 'failed' : 'sent';
}
