import { Type, type Static } from '@sinclair/typebox';
import { AmountFen, Closed, E164, EpochMs, Id, Region, ShortText, Text } from './common.ts';

const Channel = Type.Union(['counter', 'web', 'app', 'phone', 'system'].map((v) => Type.Literal(v)));
const Actor = Closed({ userId: Id, role: ShortText });
const envelope = { eventId: Id, atMs: EpochMs, actor: Type.Optional(Actor) };

export const CustomerEvent = Closed(
  {
    ...envelope,
    type: Type.Union([Type.Literal('customer.registered'), Type.Literal('customer.updated')]),
    customerId: Id,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    idType: Type.Union(
      ['resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit', 'other'].map((v) => Type.Literal(v)),
    ),
    /** Stored masked on the event log; the clear value lives only in the access-controlled customer store. */
    idNumberMasked: Type.String({ maxLength: 32 }),
    mobile: Type.Optional(E164),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    region: Type.Optional(Region),
    channel: Channel,
  },
  { $id: 'CustomerEvent' },
);
export type CustomerEvent = Static<typeof CustomerEvent>;

export const OrderEvent = Closed(
  {
    ...envelope,
    type: Type.Literal('order.state_changed'),
    orderId: Id,
    customerId: Id,
    kind: Type.Union(
      [
        'new_line',
        'pre_open',
        'renewal',
        'plan_change',
        'add_on',
        'sim_swap',
        'transfer',
        'port_out',
        'unsubscribe',
        'device',
      ].map((v) => Type.Literal(v)),
    ),
    fromState: Type.Optional(ShortText),
    toState: ShortText,
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    channel: Channel,
  },
  { $id: 'OrderEvent' },
);
export type OrderEvent = Static<typeof OrderEvent>;

export const PaymentEvent = Closed(
  {
    ...envelope,
    type: Type.Union([
      Type.Literal('payment.succeeded'),
      Type.Literal('payment.failed'),
      Type.Literal('payment.timeout'),
    ]),
    paymentId: Id,
    msisdn: E164,
    amountFen: AmountFen,
    method: Type.Union(['alipay', 'wechat_pay', 'bank_card', 'cash', 'voucher'].map((v) => Type.Literal(v))),
    purpose: Type.Union(['top_up', 'renewal', 'order', 'bill'].map((v) => Type.Literal(v))),
    orderId: Type.Optional(Id),
    channel: Channel,
  },
  { $id: 'PaymentEvent' },
);
export type PaymentEvent = Static<typeof PaymentEvent>;

export const TicketEvent = Closed(
  {
    ...envelope,
    type: Type.Union(
      [
        'ticket.opened',
        'ticket.updated',
        'ticket.assigned',
        'ticket.resolved',
        'ticket.closed',
        'ticket.reopened',
      ].map((v) => Type.Literal(v)),
    ),
    ticketId: Id,
    ticketType: Type.Union(['network', 'customer_fault', 'installation'].map((v) => Type.Literal(v))),
    /** When the ticket was opened: a customer who got the line later (过户) follows only what concerns them. */
    openedAtMs: Type.Optional(EpochMs),
    priority: Type.Union(['P1', 'P2', 'P3', 'P4'].map((v) => Type.Literal(v))),
    status: ShortText,
    region: Type.Optional(Region),
    relatedIds: Type.Array(Id, { maxItems: 100 }),
    technicianId: Type.Optional(Id),
    note: Type.Optional(Text),
    channel: Channel,
  },
  { $id: 'TicketEvent' },
);
export type TicketEvent = Static<typeof TicketEvent>;

export const ComplaintEvent = Closed(
  {
    ...envelope,
    type: Type.Union(
      ['complaint.opened', 'complaint.updated', 'complaint.closed'].map((v) => Type.Literal(v)),
    ),
    complaintId: Id,
    customerId: Id,
    category: Type.Union(
      ['billing', 'network_quality', 'service_attitude', 'device', 'other'].map((v) => Type.Literal(v)),
    ),
    status: ShortText,
    text: Type.Optional(Text),
    channel: Channel,
  },
  { $id: 'ComplaintEvent' },
);
export type ComplaintEvent = Static<typeof ComplaintEvent>;

export const NotificationEvent = Closed(
  {
    ...envelope,
    type: Type.Union(
      ['notification.queued', 'notification.sent', 'notification.failed'].map((v) => Type.Literal(v)),
    ),
    notificationId: Id,
    channel: Type.Union([Type.Literal('sms'), Type.Literal('email')]),
    to: Type.String({ minLength: 3, maxLength: 254 }),
    template: ShortText,
    locale: Type.Union([Type.Literal('zh-CN'), Type.Literal('en')]),
    params: Type.Record(Type.String({ maxLength: 32 }), Type.String({ maxLength: 200 }), {
      maxProperties: 20,
    }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { $id: 'NotificationEvent' },
);
export type NotificationEvent = Static<typeof NotificationEvent>;

export const BusinessEvent = Type.Union(
  [CustomerEvent, OrderEvent, PaymentEvent, TicketEvent, ComplaintEvent, NotificationEvent],
  { $id: 'BusinessEvent' },
);
export type BusinessEvent = Static<typeof BusinessEvent>;
