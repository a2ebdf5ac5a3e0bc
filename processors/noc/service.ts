import { stableId, type Clock, type NotificationEvent, type TicketEvent } from '../../domain/index.ts';
import {
  addRelated,
  applyDispatch,
  checkTicketSla,
  checkComplaintSla,
  toComplaintEvent,
  chooseTechnician,
  closeTicket,
  isOpen,
  markFlapping,
  newTicket,
  reopenTicket,
  siteLocation,
  technicianAction,
  toTicketEvent,
  nocValidators,
  NocRuleError,
  type Detection,
  type NewTicket,
  type RelatedEntity,
  type TechAction,
  type Technician,
  type TechnicianLoad,
  type Ticket,
} from '../../domain/noc/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { PipelinedPublisher } from '../../infra/nats/index.ts';
import { complaintEscalationNotice, escalationNotice, msisdnOfTelId, resultNotice } from './notify.ts';
import { checkComplaint, checkTech, checkTicket, keys, type NocStore, type TechState } from './store.ts';
import { reasons } from './text.ts';

export const nocSubjects = {
  ticket: (verb: string) => `bss.ticket.${verb}`,
  detection: 'bss.noc.detection',
  notification: 'bss.notification.queued',
  adjustment: 'bss.adjustment.goodwill',
} as const;

/** A ticket about to be stored must pass its own schema: a failure here is a bug, never retried. */
function valid(t: Ticket): Ticket {
  const r = nocValidators.ticket(t);
  if (!r.ok)
    throw new NocRuleError(
      'TICKET_INVALID',
      `ticket ${t.id} invalid at ${r.error.field}: ${r.error.message}`,
    );
  return t;
}

const enc = (v: unknown) => Buffer.from(JSON.stringify(v));
const PROCESSOR = 'noc-processor';

export interface NocServiceDeps {
  store: NocStore;
  publisher: PipelinedPublisher;
  clock: Clock;
  roster: readonly Technician[];
  log: Logger;
}

/**
 * Ticket operations shared by the NOC processor and the API: each reads and writes KV with
 * compare-and-set and publishes its events with ids derived from the ticket version, so doing
 * the same step twice (redelivery, retry) publishes nothing new. Callers flush the publisher.
 */
export class NocService {
  constructor(readonly d: NocServiceDeps) {}

  async getTicket(id: string): Promise<Ticket | null> {
    return (await this.d.store.get(keys.ticket(id), checkTicket))?.value ?? null;
  }

  async publishTicket(t: Ticket, type: TicketEvent['type'], note?: string): Promise<void> {
    const ev = toTicketEvent(t, type, t.lastUpdateMs, note);
    await this.d.publisher.publish({
      subject: nocSubjects.ticket(type.slice(7)),
      data: enc(ev),
      msgId: ev.eventId,
    });
  }

  async publishDetection(d: Detection): Promise<void> {
    await this.d.publisher.publish({ subject: nocSubjects.detection, data: enc(d), msgId: d.detectionId });
  }

  async publishNotification(n: NotificationEvent): Promise<void> {
    await this.d.publisher.publish({
      subject: nocSubjects.notification,
      data: enc(n),
      msgId: n.notificationId,
    });
  }

  /** Changes a ticket with CAS; `fn` returns null (or the same object) to leave it as it is. */
  async change(
    id: string,
    fn: (t: Ticket) => Ticket | null,
  ): Promise<{ before: Ticket; after: Ticket } | null> {
    let before: Ticket | null = null;
    const after = await this.d.store.update(keys.ticket(id), checkTicket, (cur) => {
      before = cur;
      if (!cur) return null;
      const next = fn(cur);
      return next === null || next === cur ? null : valid(next);
    });
    if (!before || !after) return null;
    return { before, after };
  }

  /** Opens a ticket (once: a second open of the same id is a no-op) and dispatches it. */
  async open(n: NewTicket): Promise<Ticket> {
    const t = valid(newTicket(n));
    const created = await this.d.store.createOnce(keys.ticket(t.id), t);
    const cur = created ? t : ((await this.getTicket(t.id)) ?? t);
    if (created) await this.publishTicket(t, 'ticket.opened', n.description);
    return (await this.dispatch(cur.id, n.atMs, 'dispatcher')) ?? cur;
  }

  async techLoads(): Promise<TechnicianLoad[]> {
    const states = await Promise.all(this.d.roster.map((t) => this.d.store.get(keys.tech(t.id), checkTech)));
    return this.d.roster.map((technician, i) => {
      const s = states[i]?.value;
      return { technician, workload: s?.openTicketIds.length ?? 0, offDuty: s?.offDuty ?? false };
    });
  }

  private async techSet(techId: string, fn: (s: TechState) => TechState): Promise<void> {
    await this.d.store.update(keys.tech(techId), checkTech, (cur) => {
      const s = cur ?? { offDuty: false, openTicketIds: [] };
      const next = fn(s);
      return JSON.stringify(next) === JSON.stringify(s) && cur ? null : next;
    });
  }

  async setOffDuty(techId: string, offDuty: boolean): Promise<void> {
    await this.techSet(techId, (s) => ({ ...s, offDuty }));
  }

  private assignTech = (techId: string, ticketId: string) =>
    this.techSet(techId, (s) =>
      s.openTicketIds.includes(ticketId)
        ? s
        : { ...s, openTicketIds: [...s.openTicketIds, ticketId].slice(-50) },
    );
  private releaseTech = (techId: string, ticketId: string) =>
    this.techSet(techId, (s) => ({ ...s, openTicketIds: s.openTicketIds.filter((x) => x !== ticketId) }));

  /** Dispatches an acknowledged or queued ticket by the documented rule; other states are left alone. */
  async dispatch(id: string, atMs: number, _by: string): Promise<Ticket | null> {
    const t = await this.getTicket(id);
    if (!t || (t.status !== 'acknowledged' && t.status !== 'queued')) return t;
    const why = chooseTechnician(
      {
        faultType: t.faultType,
        region: t.region,
        location: t.siteId ? siteLocation(t.siteId) : null,
        atMs,
        exclude: t.handedBackBy,
      },
      await this.techLoads(),
    );
    const r = await this.change(id, (cur) =>
      cur.status === 'acknowledged' || cur.status === 'queued' ? applyDispatch(cur, why) : null,
    );
    if (!r) return t;
    if (r.after.technicianId) {
      await this.assignTech(r.after.technicianId, id);
      await this.publishTicket(r.after, 'ticket.assigned', why.reasonEn);
    } else {
      await this.publishTicket(r.after, 'ticket.updated', why.reasonEn);
      const esc = r.after.escalations.at(-1);
      if (esc && r.before.status !== 'queued') await this.publishNotification(escalationNotice(r.after, esc));
    }
    return r.after;
  }

  /** Closes (alarm cleared, NOC closed it, merged into a root) and frees the technician. */
  async close(id: string, by: string, atMs: number, reason: string): Promise<Ticket | null> {
    const r = await this.change(id, (t) => (t.status === 'closed' ? null : closeTicket(t, by, atMs, reason)));
    if (!r) return this.getTicket(id);
    if (r.before.technicianId) await this.releaseTech(r.before.technicianId, id);
    await this.publishTicket(r.after, 'ticket.closed', reason);
    return r.after;
  }

  /** The fault came back: reopen (only a closed or resolved ticket) and dispatch again. */
  async reopen(id: string, atMs: number, reason: string): Promise<Ticket | null> {
    const r = await this.change(id, (t) => (isOpen(t) ? null : reopenTicket(t, PROCESSOR, atMs, reason)));
    if (!r) return this.getTicket(id);
    if (r.before.technicianId) await this.releaseTech(r.before.technicianId, id);
    await this.publishTicket(r.after, 'ticket.reopened', reason);
    return this.dispatch(id, atMs, PROCESSOR);
  }

  async relate(
    id: string,
    entities: RelatedEntity[],
    atMs: number,
    childCount?: number,
  ): Promise<Ticket | null> {
    const r = await this.change(id, (t) => {
      const next = addRelated(t, entities, atMs);
      if (childCount === undefined || childCount === next.childCount) return next;
      return {
        ...next,
        childCount,
        version: next === t ? t.version + 1 : next.version,
        lastUpdateMs: Math.max(t.lastUpdateMs, atMs),
      };
    });
    if (r) await this.publishTicket(r.after, 'ticket.updated');
    return r?.after ?? null;
  }

  async flapping(id: string, atMs: number): Promise<void> {
    const r = await this.change(id, (t) => markFlapping(t, atMs));
    if (r) await this.publishTicket(r.after, 'ticket.updated', reasons.flapping);
  }

  /** A technician's step; resolving frees them and tells the customers who reported the fault. */
  async techAction(
    id: string,
    action: TechAction,
    o: { technicianId: string; by: string; atMs: number; note?: string; parts?: string[] },
  ): Promise<Ticket> {
    const r = await this.change(id, (t) => technicianAction(t, action, o));
    if (!r) throw new Error(`ticket ${id} vanished`);
    const t = r.after;
    if (action === 'resolve' || action === 'hand_back') await this.releaseTech(o.technicianId, id);
    await this.publishTicket(
      t,
      action === 'resolve' ? 'ticket.resolved' : 'ticket.updated',
      o.note ?? action,
    );
    if (action === 'resolve') {
      for (const e of t.relatedEntity) {
        const msisdn = e.role === 'customerReport' ? msisdnOfTelId(e.id) : null;
        if (msisdn) await this.publishNotification(resultNotice(t, msisdn, o.atMs));
      }
      if (t.customerMsisdn) await this.publishNotification(resultNotice(t, t.customerMsisdn, o.atMs));
    }
    if (action === 'hand_back') return (await this.dispatch(id, o.atMs, o.by)) ?? t;
    return t;
  }

  /** Checks every open ticket against its SLA at `nowMs`; escalates to the supervisor; returns how many. */
  async slaSweep(nowMs: number): Promise<number> {
    let n = 0;
    for (const t of await this.d.store.list('ticket.', checkTicket)) {
      if (!isOpen(t)) continue;
      let esc: ReturnType<typeof checkTicketSla>['escalation'];
      const r = await this.change(t.id, (cur) => {
        const c = checkTicketSla(cur, nowMs);
        esc = c.escalation;
        return c.escalation ? c.ticket : null;
      });
      if (r && esc) {
        n++;
        await this.publishTicket(r.after, 'ticket.updated', esc.kind);
        await this.publishNotification(escalationNotice(r.after, esc));
      }
    }
    return n;
  }

  /** Checks every open complaint against its 48 h SLA; escalates to the supervisor; returns how many. */
  async complaintSlaSweep(nowMs: number): Promise<number> {
    let n = 0;
    for (const c of await this.d.store.list('complaint.', checkComplaint)) {
      if (c.status === 'closed') continue;
      let esc: ReturnType<typeof checkComplaintSla>['escalation'];
      const after = await this.d.store.update(keys.complaint(c.id), checkComplaint, (cur) => {
        if (!cur) return null;
        const r = checkComplaintSla(cur, nowMs);
        esc = r.escalation;
        return r.escalation ? r.complaint : null;
      });
      if (after && esc) {
        n++;
        const ev = toComplaintEvent(after, 'complaint.updated');
        await this.d.publisher.publish({
          subject: 'bss.complaint.updated',
          data: enc(ev),
          msgId: ev.eventId,
        });
        await this.publishNotification(complaintEscalationNotice(after, esc));
      }
    }
    return n;
  }

  newDetectionId(...parts: (string | number)[]): string {
    return stableId('DET', ...parts);
  }
}
