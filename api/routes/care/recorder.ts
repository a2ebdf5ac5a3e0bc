import type { JetStreamClient } from '@nats-io/jetstream';
import {
  compile,
  CustomerEvent,
  OrderEvent,
  PaymentEvent,
  NotificationEvent,
  type Clock,
  type IdGenerator,
} from '../../../domain/index.ts';
import { CareAuditEvent, type FieldChange } from '../../../domain/customer/index.ts';
import type { Session } from '../../auth/index.ts';
import { UnavailableError } from '../../errors.ts';

const checks = {
  audit: compile(CareAuditEvent),
  customer: compile(CustomerEvent),
  order: compile(OrderEvent),
  payment: compile(PaymentEvent),
  notification: compile(NotificationEvent),
};
type Kind = keyof typeof checks;

export type Actor = { userId: string; role: string };
export const actorOf = (s: Session): Actor => ({ userId: s.username, role: s.role });

const enc = new TextEncoder();

/**
 * Publishes care events to the BSS stream, validated against their schemas, each with its event id
 * as the JetStream message id (a retried publish is dropped by the stream, never doubled).
 */
export class Recorder {
  constructor(
    private readonly js: JetStreamClient,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async publish(kind: Kind, subject: string, event: Record<string, unknown>): Promise<void> {
    const v = checks[kind](event);
    if (!v.ok)
      throw new UnavailableError(
        `refusing to publish an invalid ${kind} event: ${v.error.field} ${v.error.message}`,
      );
    const msgID = String(event.eventId);
    await this.js.publish(subject, enc.encode(JSON.stringify(event)), { msgID });
  }

  /** One audited step: who, what, which entity, before/after. */
  audit(
    actor: Actor,
    action: string,
    entity: CareAuditEvent['entity'],
    entityId: string,
    o: { customerId?: string; changes?: FieldChange[]; reason?: string; eventId?: string } = {},
  ): Promise<void> {
    const changes = (o.changes ?? []).map((c) => ({
      field: c.field.slice(0, 64),
      before: c.before === null ? null : c.before.slice(0, 500),
      after: c.after === null ? null : c.after.slice(0, 500),
    }));
    return this.publish('audit', `bss.audit.${entity}`, {
      eventId: o.eventId ?? this.ids.next('aud'),
      atMs: this.clock.nowMs(),
      actor,
      action,
      entity,
      entityId,
      ...(o.customerId ? { customerId: o.customerId } : {}),
      changes,
      ...(o.reason ? { reason: o.reason.slice(0, 500) } : {}),
    });
  }

  order(e: Omit<OrderEvent, 'eventId' | 'atMs' | 'type'> & { eventId?: string }): Promise<void> {
    return this.publish('order', 'bss.order.state_changed', {
      ...e,
      type: 'order.state_changed',
      eventId: e.eventId ?? this.ids.next('oev'),
      atMs: this.clock.nowMs(),
    });
  }

  customer(e: Omit<CustomerEvent, 'eventId' | 'atMs'>): Promise<void> {
    return this.publish('customer', `bss.customer.${e.type.split('.')[1] ?? 'updated'}`, {
      ...e,
      eventId: this.ids.next('cev'),
      atMs: this.clock.nowMs(),
    });
  }

  /** Payment events carry the payment id as their message id: the same payment is never published twice. */
  payment(e: Omit<PaymentEvent, 'eventId' | 'atMs'>): Promise<void> {
    const type = e.type.split('.')[1] ?? 'succeeded';
    return this.publish('payment', `bss.payment.${type}`, {
      ...e,
      eventId: `${e.paymentId}.${type}`,
      atMs: this.clock.nowMs(),
    });
  }

  notification(e: NotificationEvent): Promise<void> {
    return this.publish('notification', `bss.notification.${e.type.split('.')[1] ?? 'queued'}`, { ...e });
  }
}
