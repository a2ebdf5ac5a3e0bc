import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../../domain/index.ts';
import { demoRoster } from '../../../domain/noc/index.ts';
import { nocRoomsFor, ownerFollows, TicketCoalescer } from './live.ts';

const ev = (ticketId: string, atMs: number, status: string, technicianId?: string): TicketEvent => ({
  eventId: `${ticketId}.${atMs}`,
  atMs,
  type: 'ticket.updated',
  ticketId,
  ticketType: 'network',
  priority: 'P1',
  status,
  region: 'GD',
  relatedIds: ['GD-GZ-0012', 'tel:8613800000042'],
  ...(technicianId ? { technicianId } : {}),
  channel: 'system',
});

describe('NOC live rooms', () => {
  it('coalesces many changes of one ticket into its latest, fanned out to the rooms that may see it', () => {
    const c = new TicketCoalescer();
    c.add(ev('TT-1', 1, 'acknowledged'));
    c.add(ev('TT-1', 3, 'accepted', 'T-GD-GZ-01'));
    c.add(ev('TT-1', 2, 'assigned', 'T-GD-GZ-01'));
    const rooms = c.take();
    expect([...rooms.keys()].sort()).toEqual([
      'noc:all',
      'noc:customer:+8613800000042',
      'noc:region:GD',
      'noc:tech:T-GD-GZ-01',
    ]);
    expect(rooms.get('noc:all')?.map((e) => e.status)).toEqual(['accepted']);
    expect(c.take().size).toBe(0);
  });

  it('joins each role only to its own rooms', () => {
    const roster = demoRoster();
    const base = { expiresAtMs: 0 };
    expect(nocRoomsFor({ ...base, username: 'noc', role: 'noc' }, roster)).toEqual(['noc:all']);
    expect(nocRoomsFor({ ...base, username: 'noc', role: 'noc' }, roster, 'ZJ')).toEqual(['noc:region:ZJ']);
    expect(nocRoomsFor({ ...base, username: 'technician', role: 'technician' }, roster)).toEqual([
      'noc:tech:T-GD-GZ-01',
    ]);
    expect(
      nocRoomsFor(
        { ...base, username: 'customer', role: 'customer', customerMsisdn: '+8613800000042' },
        roster,
      ),
    ).toEqual(['noc:customer:+8613800000042']);
    expect(nocRoomsFor({ ...base, username: 'agent', role: 'agent' }, roster)).toEqual([]);
  });

  it("follows, for a line's owner since a transfer, only the tickets that concern them", () => {
    const since = 1_000;
    const at = (openedAtMs: number | undefined, status: string, ticketType: TicketEvent['ticketType']) => ({
      ...ev('TT-9', 2_000, status),
      ticketType,
      ...(openedAtMs === undefined ? {} : { openedAtMs }),
    });
    // a line never transferred: everything
    expect(ownerFollows(at(10, 'resolved', 'customer_fault'), 0)).toBe(true);
    // the previous owner's fault report is not the new owner's business, open or not
    expect(ownerFollows(at(999, 'on_site', 'customer_fault'), since)).toBe(false);
    expect(ownerFollows(at(999, 'resolved', 'network'), since)).toBe(false);
    // an outage still open concerns whoever has the line now
    expect(ownerFollows(at(999, 'on_site', 'network'), since)).toBe(true);
    // opened since the transfer: theirs
    expect(ownerFollows(at(1_000, 'resolved', 'customer_fault'), since)).toBe(true);
    // an event that does not say when its ticket was opened counts as old
    expect(ownerFollows(at(undefined, 'resolved', 'customer_fault'), since)).toBe(false);
  });
});
