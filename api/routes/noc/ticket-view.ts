import { Type } from '@sinclair/typebox';
import { maskPhone } from '../../../domain/customer/index.ts';
import { Complaint, RelatedEntity, Ticket } from '../../../domain/noc/index.ts';
import type { TicketEvent } from '../../../domain/index.ts';
import { msisdnOfTelId, telId } from '../../../processors/noc/index.ts';
import type { Session } from '../../auth/index.ts';

/**
 * Whose numbers a ticket or a complaint shows whole. A customer's fault report carries their number, and a
 * network ticket lists the numbers of every customer whose report was linked to it. The assigned
 * technician sees them whole (they call the customer); a customer sees only their own (a network
 * ticket they reported to is shared with strangers); NOC staff and agents see them masked, as in
 * the customer 360 (whole only through the audited reveal). A complaint follows the same rule:
 * staff who call the customer back ask for the number through its audited reveal. Pure.
 */
export type NumberPolicy = { kind: 'whole' } | { kind: 'own'; msisdn: string } | { kind: 'masked' };

export function numberPolicy(s: Session): NumberPolicy {
  if (s.role === 'technician') return { kind: 'whole' };
  if (s.role === 'customer' && s.customerMsisdn) return { kind: 'own', msisdn: s.customerMsisdn };
  return { kind: 'masked' };
}

const shown = (p: NumberPolicy, msisdn: string): string =>
  p.kind === 'whole' || (p.kind === 'own' && p.msisdn === msisdn) ? msisdn : maskPhone(msisdn);

/** A related id as shown: a customer's `tel:` id masked unless the policy shows that number. */
export function relatedIdView(p: NumberPolicy, id: string): string {
  const msisdn = msisdnOfTelId(id);
  if (!msisdn) return id;
  const s = shown(p, msisdn);
  return s === msisdn ? id : telId(s);
}

/** The ticket as this viewer may see it. */
export function ticketView(p: NumberPolicy, t: Ticket): Ticket {
  if (p.kind === 'whole') return t;
  return {
    ...t,
    ...(t.customerMsisdn ? { customerMsisdn: shown(p, t.customerMsisdn) } : {}),
    relatedEntity: t.relatedEntity.map((e) => ({ ...e, id: relatedIdView(p, e.id) })),
  };
}

/** A live ticket event as this viewer may see it. */
export function ticketEventView(p: NumberPolicy, ev: TicketEvent): TicketEvent {
  if (p.kind === 'whole') return ev;
  return { ...ev, relatedIds: ev.relatedIds.map((id) => relatedIdView(p, id)) };
}

const Shown = Type.String({
  maxLength: 64,
  description: 'a number (or tel: id) whole when the viewer may see it, else masked: +86138****0042',
});
const { customerMsisdn: _number, relatedEntity: _related, ...kept } = Ticket.properties;

/** A ticket as the API answers it (ticketView): the numbers in it may be masked. */
export const TicketOut = Type.Object(
  {
    ...kept,
    customerMsisdn: Type.Optional(Shown),
    relatedEntity: Type.Array(Type.Object({ role: RelatedEntity.properties.role, id: Shown }), {
      maxItems: 100,
    }),
  },
  { additionalProperties: false },
);

/** The complaint as this viewer may see it. */
export function complaintView<C extends { customerMsisdn: string }>(p: NumberPolicy, c: C): C {
  return { ...c, customerMsisdn: shown(p, c.customerMsisdn) };
}

const { customerMsisdn: _complaintNumber, ...complaintKept } = Complaint.properties;

/** A complaint as the API answers it (complaintView): the customer's number may be masked. */
export const ComplaintOut = Type.Object(
  { ...complaintKept, customerMsisdn: Shown },
  { additionalProperties: false },
);
