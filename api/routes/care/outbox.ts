import { stableId, type Clock, type IdGenerator } from '../../../domain/index.ts';
import type { KV } from '@nats-io/kv';
import { afterDeliveryAttempt, MAX_DELIVERY_ATTEMPTS } from '../../../domain/customer/index.ts';
import {
  noticeEvent,
  recordDue,
  sendBounded,
  type NoticeGateway,
  withNextAttempt,
} from '../../../processors/notify/index.ts';
import { ApiError } from '../../errors.ts';
import type { Recorder } from './recorder.ts';
import type { NotificationRecord } from './records.ts';
import type { Repo } from './store.ts';
import { render, type TemplateId } from './templates.ts';

/** The SMS / e-mail gateway. `send` resolves with a failure reason, or null when accepted. */
export type MessageGateway = NoticeGateway;

/**
 * Simulated gateway: e-mail to a `.invalid` domain bounces, SMS to a number ending in 0000 is
 * unreachable, an address starting with `flaky` fails its first send only (a transient error);
 * everything else is accepted. `down` makes every send fail (gateway outage).
 */
export function simulatedGateway(): MessageGateway & { down: boolean } {
  const flaky = new Set<string>();
  const g = {
    down: false,
    send: async (channel: 'sms' | 'email', to: string): Promise<string | null> => {
      if (g.down) return 'gateway_unavailable';
      if (to.startsWith('flaky') && !flaky.has(to)) {
        flaky.add(to);
        return 'temporary_failure';
      }
      if (channel === 'email' && to.endsWith('.invalid')) return 'mailbox_unreachable';
      if (channel === 'sms' && to.endsWith('0000')) return 'number_unreachable';
      return null;
    },
  };
  return g;
}

export interface NoticeRequest {
  customerId: string;
  channel: 'sms' | 'email';
  to: string;
  locale: 'zh-CN' | 'en';
  template: TemplateId;
  params: Record<string, string>;
  /**
   * The business event the notice tells of (a swap id, a transfer id): the same key again (a
   * twin of the request, sent at the same instant) queues nothing more and answers the notice
   * already queued.
   */
  onceKey?: string;
  /**
   * Params that must never be stored or logged (a one-time code): rendered into the message as
   * sent, kept as ****** in the stored text, left out of the notification event. Such a notice
   * is not retried: the customer asks for a new code.
   */
  secret?: Record<string, string>;
}

const masked = (secret: Record<string, string> | undefined) =>
  Object.fromEntries(Object.keys(secret ?? {}).map((k) => [k, '******']));

/** Notifications outbox: queued → sent | failed → retried → sent | failed; per-customer keys. */
export class Outbox {
  constructor(
    private readonly repo: Repo<NotificationRecord>,
    /** The due index the retry sweeper reads (processors/notify/retries.ts). */
    private readonly due: KV,
    private readonly gateway: MessageGateway,
    private readonly recorder: Recorder,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  static key(customerId: string, notificationId: string): string {
    return `${customerId}.${notificationId}`;
  }

  /** Queues a notice and tries to deliver it at once; never throws for a delivery failure. */
  async notify(n: NoticeRequest): Promise<NotificationRecord> {
    const now = this.clock.nowMs();
    const rec: NotificationRecord = withNextAttempt({
      notificationId: n.onceKey
        ? stableId('ntf', n.customerId, n.channel, n.template, n.onceKey)
        : this.ids.next('ntf'),
      customerId: n.customerId,
      channel: n.channel,
      to: n.to,
      template: n.template,
      locale: n.locale,
      text: render(n.template, n.locale, { ...n.params, ...masked(n.secret) }).slice(0, 1000),
      ...(n.secret ? { secret: true } : {}),
      state: 'queued',
      attempts: 0,
      history: [{ state: 'queued', atMs: now }],
      createdAtMs: now,
    });
    const key = Outbox.key(n.customerId, rec.notificationId);
    // the due entry first: a crash before the send leaves the notice to the retry sweeper
    await recordDue(this.due, rec);
    const rev = await this.repo.create(key, rec);
    if (rev === null) {
      const told = n.onceKey ? await this.repo.get(key) : null;
      if (told) return told.value;
      throw new ApiError('INTERNAL', 'notification id collision');
    }
    await this.event(rec, 'notification.queued', n.params);
    return this.deliver(
      key,
      rec,
      rev,
      n.secret ? render(n.template, n.locale, { ...n.params, ...n.secret }) : rec.text,
    );
  }

  /** Retries a failed notice (state retried, then sent or failed). */
  async retry(customerId: string, notificationId: string): Promise<NotificationRecord> {
    const key = Outbox.key(customerId, notificationId);
    const cur = await this.repo.must(key);
    if (cur.value.state !== 'failed')
      throw new ApiError(
        'INVALID_STATE',
        `only a failed notification can be retried (it is ${cur.value.state})`,
      );
    if (cur.value.secret)
      throw new ApiError(
        'INVALID_STATE',
        'a notice with a one-time code is not sent again: ask for a new code',
      );
    if (cur.value.attempts >= MAX_DELIVERY_ATTEMPTS)
      throw new ApiError('INVALID_STATE', `gave up after ${MAX_DELIVERY_ATTEMPTS} attempts`);
    const retried: NotificationRecord = withNextAttempt({
      ...cur.value,
      state: 'retried',
      history: [...cur.value.history, { state: 'retried', atMs: this.clock.nowMs() }].slice(-50),
    });
    const rev = await this.repo.update(key, retried, cur.revision);
    await recordDue(this.due, retried);
    return this.deliver(key, retried, rev);
  }

  private async deliver(
    key: string,
    rec: NotificationRecord,
    rev: number,
    text = rec.text,
  ): Promise<NotificationRecord> {
    const reason = await sendBounded(this.gateway, rec, text);
    const next = withNextAttempt(afterDeliveryAttempt(rec, reason || null, this.clock.nowMs()));
    await this.repo.update(key, next, rev);
    await recordDue(this.due, next);
    await this.event(next, reason ? 'notification.failed' : 'notification.sent', {}, reason ?? undefined);
    return next;
  }

  private event(
    r: NotificationRecord,
    type: 'notification.queued' | 'notification.sent' | 'notification.failed',
    params: Record<string, string>,
    reason?: string,
  ): Promise<void> {
    return this.recorder.notification(noticeEvent(r, type, this.clock.nowMs(), params, reason));
  }

  /** One notice of the customer's, or null when it is not (yet) queued. */
  async find(customerId: string, notificationId: string): Promise<NotificationRecord | null> {
    return (await this.repo.get(Outbox.key(customerId, notificationId)))?.value ?? null;
  }

  async history(customerId: string): Promise<NotificationRecord[]> {
    const keys = await this.repo.keys(`${customerId}.>`);
    const out: NotificationRecord[] = [];
    for (const k of keys) {
      const r = await this.repo.get(k);
      if (r) out.push(r.value);
    }
    return out.sort((a, b) => b.createdAtMs - a.createdAtMs);
  }
}
