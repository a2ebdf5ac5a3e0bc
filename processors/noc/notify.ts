import type { NotificationEvent } from '../../domain/index.ts';
import { stableId } from '../../domain/index.ts';
import type { Complaint, Escalation, Ticket } from '../../domain/noc/index.ts';

/** Where supervisor escalations go (demo mailbox). */
export const SUPERVISOR_EMAIL = 'noc-supervisor@streambss.example';

export const telId = (msisdn: string) => `tel:${msisdn.replace(/^\+/, '')}`;
export const msisdnOfTelId = (id: string) => (id.startsWith('tel:') ? `+${id.slice(4)}` : null);

const text = {
  sla_at_risk: {
    zh: '工单 {ticketId}（{priority}）即将超出时限',
    en: 'Ticket {ticketId} ({priority}) is at risk of breaching its SLA',
  },
  sla_breached: {
    zh: '工单 {ticketId}（{priority}）已超时',
    en: 'Ticket {ticketId} ({priority}) breached its SLA',
  },
  no_technician: {
    zh: '工单 {ticketId} 无可派技术员，已排队',
    en: 'Ticket {ticketId}: no technician available, queued',
  },
} as const;

/** A supervisor escalation notice (zh-CN text with the English beside it in params). */
export function escalationNotice(t: Ticket, e: Escalation): NotificationEvent {
  const tpl = text[e.kind];
  const fill = (s: string) => s.replace('{ticketId}', t.id).replace('{priority}', t.priority);
  return {
    eventId: stableId('ev', t.id, e.kind, e.atMs),
    notificationId: stableId('N', t.id, e.kind, e.atMs),
    atMs: e.atMs,
    type: 'notification.queued',
    channel: 'email',
    to: SUPERVISOR_EMAIL,
    template: `noc.${e.kind}`,
    locale: 'zh-CN',
    params: {
      ticketId: t.id,
      priority: t.priority,
      region: t.region,
      textZh: fill(tpl.zh),
      textEn: fill(tpl.en),
    },
  };
}

/** 故障处理结果反馈: tells a customer who reported the fault (or was affected) that it is resolved. */
export function resultNotice(
  t: Ticket,
  msisdn: string,
  atMs: number,
  template = 'noc.fault_resolved',
): NotificationEvent {
  return {
    eventId: stableId('ev', t.id, template, msisdn),
    notificationId: stableId('N', t.id, template, msisdn),
    atMs,
    type: 'notification.queued',
    channel: 'sms',
    to: msisdn,
    template,
    locale: 'zh-CN',
    params: {
      ticketId: t.id,
      textZh: `您反映的网络故障（工单 ${t.id}）已处理完毕，感谢您的耐心。`.slice(0, 200),
      textEn:
        `The network fault you were affected by (ticket ${t.id}) has been resolved. Thank you for your patience.`.slice(
          0,
          200,
        ),
    },
  };
}

/** Tells an affected subscriber about the goodwill credit for an outage (zh-CN, English beside it). */
export function goodwillNotice(
  t: Ticket,
  msisdn: string,
  amountFen: number,
  atMs: number,
): NotificationEvent {
  const yuan = (amountFen / 100).toFixed(2);
  return {
    eventId: stableId('ev', t.id, 'goodwill', msisdn),
    notificationId: stableId('N', t.id, 'goodwill', msisdn),
    atMs,
    type: 'notification.queued',
    channel: 'sms',
    to: msisdn,
    template: 'noc.outage_goodwill',
    locale: 'zh-CN',
    params: {
      ticketId: t.id,
      amountYuan: yuan,
      textZh: `因网络故障给您带来不便，我们已为您补偿 ${yuan} 元（工单 ${t.id}）。`.slice(0, 200),
      textEn:
        `Sorry for the network outage: we credited ${yuan} yuan to your account (ticket ${t.id}).`.slice(
          0,
          200,
        ),
    },
  };
}

/** A supervisor escalation for a complaint past (or near) its 48 h SLA. */
export function complaintEscalationNotice(c: Complaint, e: Escalation): NotificationEvent {
  const breached = e.kind === 'sla_breached';
  return {
    eventId: stableId('ev', c.id, e.kind, e.atMs),
    notificationId: stableId('N', c.id, e.kind, e.atMs),
    atMs: e.atMs,
    type: 'notification.queued',
    channel: 'email',
    to: SUPERVISOR_EMAIL,
    template: `complaint.${e.kind}`,
    locale: 'zh-CN',
    params: {
      complaintId: c.id,
      category: c.category,
      textZh: breached ? `投诉 ${c.id} 已超时未办结` : `投诉 ${c.id} 即将超时`,
      textEn: breached
        ? `Complaint ${c.id} breached its SLA`
        : `Complaint ${c.id} is at risk of breaching its SLA`,
    },
  };
}
