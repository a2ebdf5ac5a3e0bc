import type { Server, Socket } from 'socket.io';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { validators, type TicketEvent } from '../../../domain/index.ts';
import { demoRoster, OPEN_STATUSES, type Technician } from '../../../domain/noc/index.ts';
import { msisdnOfTelId } from '../../../processors/noc/index.ts';
import type { Logger } from '../../../infra/log/index.ts';
import type { Session } from '../../auth/index.ts';
import { ticketEventView, type NumberPolicy } from './ticket-view.ts';
import type { OwnerSince } from '../owner-since.ts';

/** socket.io event carrying coalesced ticket changes: `{ atMs, tickets: TicketEvent[] }`. */
export const NOC_TICKETS_EVENT = 'noc:tickets';
export const nocRooms = {
  all: 'noc:all',
  region: (r: string) => `noc:region:${r}`,
  technician: (id: string) => `noc:tech:${id}`,
  customer: (msisdn: string) => `noc:customer:${msisdn}`,
};

/**
 * Coalesces ticket events between pushes (pure): only the latest change of each ticket is
 * kept, then handed out per room — NOC all, the ticket's region, its technician's queue and the
 * customers who reported it.
 */
export class TicketCoalescer {
  private pending = new Map<string, TicketEvent>();

  add(ev: TicketEvent): void {
    const cur = this.pending.get(ev.ticketId);
    if (!cur || cur.atMs <= ev.atMs) this.pending.set(ev.ticketId, ev);
  }

  take(): Map<string, TicketEvent[]> {
    const rooms = new Map<string, TicketEvent[]>();
    const to = (room: string, ev: TicketEvent) => rooms.set(room, [...(rooms.get(room) ?? []), ev]);
    for (const ev of this.pending.values()) {
      to(nocRooms.all, ev);
      if (ev.region) to(nocRooms.region(ev.region), ev);
      if (ev.technicianId) to(nocRooms.technician(ev.technicianId), ev);
      for (const id of ev.relatedIds) {
        const msisdn = msisdnOfTelId(id);
        if (msisdn) to(nocRooms.customer(msisdn), ev);
      }
    }
    this.pending.clear();
    return rooms;
  }
}

/** Whose numbers a room's pushes show whole: as the REST answers to the roles in that room. */
export function roomPolicy(room: string): NumberPolicy {
  if (room.startsWith('noc:tech:')) return { kind: 'whole' };
  if (room.startsWith('noc:customer:')) return { kind: 'own', msisdn: room.slice('noc:customer:'.length) };
  return { kind: 'masked' };
}

/**
 * Whether a line's owner since `sinceMs` (过户; 0 = always theirs) follows this ticket change, as
 * the REST reads decide (`canSeeTicket`): a ticket opened before they had the line was the
 * previous owner's, except an outage still open, which concerns whoever has the line now. An
 * event that does not say when its ticket was opened (written before it did) counts as old.
 */
export function ownerFollows(ev: TicketEvent, sinceMs: number): boolean {
  if (sinceMs <= 0 || (ev.openedAtMs ?? 0) >= sinceMs) return true;
  return ev.ticketType === 'network' && (OPEN_STATUSES as readonly string[]).includes(ev.status);
}

/** Rooms a socket joins for its session: NOC staff all (and their region if asked), a technician their queue, a customer their tickets. */
export function nocRoomsFor(s: Session, roster: readonly Technician[], region?: string): string[] {
  if (s.role === 'noc' || s.role === 'supervisor' || s.role === 'admin')
    return region ? [nocRooms.region(region)] : [nocRooms.all];
  if (s.role === 'technician') {
    const t = roster.find((x) => x.username === s.username);
    return t ? [nocRooms.technician(t.id)] : [];
  }
  if (s.role === 'customer' && s.customerMsisdn) return [nocRooms.customer(s.customerMsisdn)];
  return [];
}

/**
 * Live ticket updates: follows `bss.ticket.>` (core subscription: the live view needs no
 * durability) and pushes coalesced changes at most `pushesPerSec` times per second per room.
 * A socket may pass `?nocRegion=GD` in its handshake to watch one region instead of all.
 */
export function startNocLive(o: {
  io: Server;
  nc: NatsConnection;
  log: Logger;
  roster?: readonly Technician[];
  pushesPerSec?: number;
  /** When a line changed hands: a customer room follows only its current owner's tickets. */
  ownerSince?: OwnerSince;
}): { stop(): void } {
  const roster = o.roster ?? demoRoster();
  const coalescer = new TicketCoalescer();
  const onConnection = (socket: Socket) => {
    const s = (socket.data as { session?: Session }).session;
    const q = socket.handshake.query.nocRegion;
    const region = typeof q === 'string' && /^[A-Z]{2}$/.test(q) ? q : undefined;
    if (s) for (const room of nocRoomsFor(s, roster, region)) void socket.join(room);
  };
  o.io.on('connection', onConnection);
  const sub: Subscription = o.nc.subscribe('bss.ticket.>', {
    callback: (err, msg) => {
      if (err) return;
      try {
        const v = validators.businessEvent(msg.json());
        if (v.ok && 'ticketId' in v.value) coalescer.add(v.value);
      } catch {
        o.log.debug('noc live: skipped an unreadable ticket event');
      }
    },
  });
  const emit = (room: string, tickets: TicketEvent[]) => {
    const p = roomPolicy(room);
    if (tickets.length > 0)
      o.io
        .to(room)
        .emit(NOC_TICKETS_EVENT, { atMs: Date.now(), tickets: tickets.map((t) => ticketEventView(p, t)) });
  };
  const forOwner = async (room: string, msisdn: string, tickets: TicketEvent[]) => {
    // nobody of that line is watching: no lookup, nothing to send
    if (!o.io.sockets.adapter.rooms.get(room)?.size) return;
    try {
      const since = o.ownerSince ? await o.ownerSince(msisdn) : 0;
      emit(
        room,
        tickets.filter((t) => ownerFollows(t, since)),
      );
    } catch (err) {
      // unsure whose line it is: better a missed push (the page re-reads) than a stranger's ticket
      o.log.warn({ err, room }, 'noc live: owner of a line unknown, customer push skipped');
    }
  };
  const timer = setInterval(
    () => {
      for (const [room, tickets] of coalescer.take()) {
        const p = roomPolicy(room);
        if (p.kind === 'own') void forOwner(room, p.msisdn, tickets);
        else emit(room, tickets);
      }
    },
    1000 / (o.pushesPerSec ?? 5),
  );
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      o.io.off('connection', onConnection);
      if (!o.nc.isClosed()) sub.unsubscribe();
    },
  };
}
