import type { TicketEvent } from '../events/index.ts';
import { NocRuleError } from './errors.ts';
import type { DispatchWhy, Escalation, RelatedEntity, Ticket, TicketStatus } from './schemas.ts';
import { evaluateSla, slaFor } from './sla.ts';
import { bilingual, splitBilingual } from './bilingual.ts';

export type NewTicket = Pick<
  Ticket,
  'id' | 'ticketType' | 'faultType' | 'severity' | 'priority' | 'channel' | 'name' | 'description' | 'region'
> &
  Partial<Pick<Ticket, 'siteId' | 'cellId' | 'customerMsisdn' | 'rootKey' | 'flapping' | 'childCount'>> & {
    related: RelatedEntity[];
    by: string;
    atMs: number;
  };

const cap = <T>(xs: T[], n: number) => xs.slice(-n);
export const OPEN_STATUSES: readonly TicketStatus[] = [
  'acknowledged',
  'queued',
  'assigned',
  'accepted',
  'on_the_way',
  'on_site',
];
export const isOpen = (t: Pick<Ticket, 'status'>) => OPEN_STATUSES.includes(t.status);

export function newTicket(n: NewTicket): Ticket {
  const sla = slaFor(n.priority, n.atMs);
  const { related, by, atMs, ...rest } = n;
  return {
    ...rest,
    version: 1,
    status: 'acknowledged',
    flapping: n.flapping ?? false,
    childCount: n.childCount ?? 0,
    reopenCount: 0,
    relatedEntity: related.slice(0, 100),
    note: [],
    statusChange: [{ atMs, status: 'acknowledged', by }],
    handedBackBy: [],
    parts: [],
    sla,
    escalations: [],
    creationDateMs: atMs,
    lastUpdateMs: atMs,
    expectedResolutionDateMs: sla.dueAtMs,
  };
}

function change(t: Ticket, status: TicketStatus, by: string, atMs: number, reason?: string): Ticket {
  return {
    ...t,
    status,
    version: t.version + 1,
    lastUpdateMs: Math.max(t.lastUpdateMs, atMs),
    statusChange: cap([...t.statusChange, { atMs, status, by, ...(reason ? { reason } : {}) }], 200),
  };
}

/** Applies a dispatch decision: assigned to the chosen technician, or queued and escalated. */
export function applyDispatch(t: Ticket, why: DispatchWhy): Ticket {
  if (why.technicianId) {
    const next = change(t, 'assigned', 'dispatcher', why.atMs, why.reasonEn);
    return { ...next, technicianId: why.technicianId, dispatch: why };
  }
  const next = change(t, 'queued', 'dispatcher', why.atMs, why.reasonEn);
  delete next.technicianId;
  const esc: Escalation = { atMs: why.atMs, kind: 'no_technician', to: 'supervisor' };
  return { ...next, dispatch: why, escalations: cap([...t.escalations, esc], 20) };
}

export const TECH_ACTIONS = ['accept', 'on_the_way', 'on_site', 'resolve', 'hand_back'] as const;
export type TechAction = (typeof TECH_ACTIONS)[number];

const FROM: Record<TechAction, readonly TicketStatus[]> = {
  accept: ['assigned'],
  on_the_way: ['accepted'],
  on_site: ['accepted', 'on_the_way'],
  resolve: ['on_site'],
  hand_back: ['assigned', 'accepted', 'on_the_way', 'on_site'],
};
const TO: Record<Exclude<TechAction, 'hand_back'>, TicketStatus> = {
  accept: 'accepted',
  on_the_way: 'on_the_way',
  on_site: 'on_site',
  resolve: 'resolved',
};

/**
 * The technician flow: accept → on the way → on site → resolved (with result notes and parts),
 * or handed back from any of them (back to the queue, not offered to that technician again).
 * Only the assigned technician may act; anything else is refused with a stable code.
 */
export function technicianAction(
  t: Ticket,
  action: TechAction,
  o: { technicianId: string; by: string; atMs: number; note?: string; parts?: string[] },
): Ticket {
  if (t.technicianId !== o.technicianId)
    throw new NocRuleError('NOT_ASSIGNED', `ticket ${t.id} is not assigned to ${o.technicianId}`);
  if (!FROM[action].includes(t.status))
    throw new NocRuleError('BAD_TRANSITION', `cannot ${action} a ticket that is ${t.status}`);
  if (action === 'resolve' && !o.note)
    throw new NocRuleError('NOTE_REQUIRED', 'a resolution needs result notes');
  let next: Ticket;
  if (action === 'hand_back') {
    next = change(t, 'queued', o.by, o.atMs, o.note ?? 'handed back');
    delete next.technicianId;
    next.handedBackBy = cap([...t.handedBackBy, o.technicianId], 50);
  } else {
    next = change(t, TO[action], o.by, o.atMs);
    if (action === 'resolve') {
      next.resolutionDateMs = o.atMs;
      next.parts = cap([...t.parts, ...(o.parts ?? [])], 50);
    }
  }
  if (o.note) next.note = cap([...t.note, { atMs: o.atMs, author: o.by, text: o.note }], 200);
  return next;
}

/** An alarm cleared (or the NOC closed it): closed, whatever the field state. */
export function closeTicket(t: Ticket, by: string, atMs: number, reason: string): Ticket {
  if (t.status === 'closed') return t;
  const next = change(t, 'closed', by, atMs, reason);
  next.resolutionDateMs ??= atMs;
  return next;
}

/** The fault came back: acknowledged again with a fresh SLA, to be dispatched again. */
export function reopenTicket(t: Ticket, by: string, atMs: number, reason: string): Ticket {
  const next = change(t, 'acknowledged', by, atMs, reason);
  delete next.resolutionDateMs;
  delete next.technicianId;
  next.reopenCount = t.reopenCount + 1;
  next.sla = slaFor(t.priority, atMs);
  next.expectedResolutionDateMs = next.sla.dueAtMs;
  return next;
}

export function addRelated(t: Ticket, entities: RelatedEntity[], atMs: number, children = 0): Ticket {
  const have = new Set(t.relatedEntity.map((e) => `${e.role}/${e.id}`));
  const fresh = entities.filter((e) => !have.has(`${e.role}/${e.id}`));
  if (fresh.length === 0 && children === 0) return t;
  return {
    ...t,
    version: t.version + 1,
    lastUpdateMs: Math.max(t.lastUpdateMs, atMs),
    childCount: t.childCount + children,
    relatedEntity: [...t.relatedEntity, ...fresh].slice(0, 100),
  };
}

/** The name with its flapping mark, in each language of a bilingual name. */
function flappingName(name: string): string {
  const parts = splitBilingual(name);
  return parts
    ? bilingual(`${parts.zh}（频繁闪断）`, `${parts.en} (flapping)`)
    : `${name} [频繁闪断/flapping]`.slice(0, 200);
}

export function markFlapping(t: Ticket, atMs: number): Ticket {
  if (t.flapping) return t;
  return {
    ...t,
    flapping: true,
    version: t.version + 1,
    lastUpdateMs: Math.max(t.lastUpdateMs, atMs),
    name: flappingName(t.name),
  };
}

/** SLA check of an open ticket at `nowMs`: the ticket with its SLA state and any escalation owed. */
export function checkTicketSla(t: Ticket, nowMs: number): { ticket: Ticket; escalation?: Escalation } {
  if (!isOpen(t)) return { ticket: t };
  const r = evaluateSla(t.sla, nowMs);
  if (!r.escalation) return { ticket: t };
  return {
    ticket: {
      ...t,
      sla: r.sla,
      version: t.version + 1,
      lastUpdateMs: Math.max(t.lastUpdateMs, nowMs),
      escalations: cap([...t.escalations, r.escalation], 20),
    },
    escalation: r.escalation,
  };
}

/** The wire event for a ticket change (the TicketEvent contract other services consume). */
export function toTicketEvent(
  t: Ticket,
  type: TicketEvent['type'],
  atMs: number,
  note?: string,
): TicketEvent {
  return {
    eventId: `${t.id}.v${t.version}`,
    atMs,
    type,
    ticketId: t.id,
    ticketType: t.ticketType,
    openedAtMs: t.creationDateMs,
    priority: t.priority,
    status: t.status,
    region: t.region,
    relatedIds: t.relatedEntity.map((e) => e.id).slice(0, 100),
    ...(t.technicianId ? { technicianId: t.technicianId } : {}),
    ...(note ? { note: note.slice(0, 2000) } : {}),
    channel: t.channel,
  };
}
