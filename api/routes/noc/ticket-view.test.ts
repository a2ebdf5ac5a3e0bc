import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../../domain/index.ts';
import { newTicket } from '../../../domain/noc/index.ts';
import type { Session } from '../../auth/index.ts';
import { nocRooms, roomPolicy } from './live.ts';
import { complaintView, numberPolicy, ticketEventView, ticketView } from './ticket-view.ts';

const OWN = '+8613800000042';
const OTHER = '+8613900000007';
const session = (role: Session['role'], customerMsisdn?: string): Session => ({
  username: role,
  role,
  expiresAtMs: 0,
  ...(customerMsisdn ? { customerMsisdn } : {}),
});
// a network ticket two customers' reports were linked to, and one customer's own report
const network = newTicket({
  id: 'TT-1',
  ticketType: 'network',
  faultType: 'power',
  severity: 'critical',
  priority: 'P1',
  channel: 'system',
  name: 'site down',
  description: '',
  region: 'GD',
  siteId: 'GD-GZ-0012',
  related: [
    { role: 'site', id: 'GD-GZ-0012' },
    { role: 'customerReport', id: 'tel:8613800000042' },
    { role: 'customerReport', id: 'tel:8613900000007' },
  ],
  by: 'noc',
  atMs: 1_000,
});
const report = { ...network, id: 'TC-1', ticketType: 'customer_fault' as const, customerMsisdn: OTHER };
const ids = (t: { relatedEntity: { id: string }[] }) => t.relatedEntity.map((e) => e.id);

describe('numbers on tickets', () => {
  it('shows NOC staff and agents every customer number masked', () => {
    for (const role of ['noc', 'supervisor', 'admin', 'agent'] as const) {
      const p = numberPolicy(session(role));
      expect(ids(ticketView(p, network))).toEqual(['GD-GZ-0012', 'tel:86138****0042', 'tel:86139****0007']);
      expect(ticketView(p, report).customerMsisdn).toBe('+86139****0007');
    }
  });

  it('shows a customer their own number only, and the technician all of them', () => {
    const own = numberPolicy(session('customer', OWN));
    expect(ids(ticketView(own, network))).toEqual(['GD-GZ-0012', 'tel:8613800000042', 'tel:86139****0007']);
    expect(ticketView(own, { ...report, customerMsisdn: OWN }).customerMsisdn).toBe(OWN);
    const tech = numberPolicy(session('technician'));
    expect(ticketView(tech, report)).toBe(report);
  });

  it('masks live pushes by room as the REST answers do', () => {
    const ev = { ticketId: 'TT-1', relatedIds: ['GD-GZ-0012', 'tel:8613800000042'] } as TicketEvent;
    expect(ticketEventView(roomPolicy(nocRooms.all), ev).relatedIds).toEqual([
      'GD-GZ-0012',
      'tel:86138****0042',
    ]);
    expect(ticketEventView(roomPolicy(nocRooms.region('GD')), ev).relatedIds[1]).toBe('tel:86138****0042');
    expect(ticketEventView(roomPolicy(nocRooms.customer(OWN)), ev).relatedIds[1]).toBe('tel:8613800000042');
    expect(ticketEventView(roomPolicy(nocRooms.customer(OTHER)), ev).relatedIds[1]).toBe('tel:86138****0042');
    expect(ticketEventView(roomPolicy(nocRooms.technician('T-GD-GZ-01')), ev)).toBe(ev);
  });

  it("shows staff a complaint's number masked, and the complainant their own", () => {
    const complaint = { id: 'CP-1', customerMsisdn: OWN, text: '话费不对' };
    for (const role of ['noc', 'supervisor', 'admin', 'agent'] as const)
      expect(complaintView(numberPolicy(session(role)), complaint)).toEqual({
        ...complaint,
        customerMsisdn: '+86138****0042',
      });
    expect(complaintView(numberPolicy(session('customer', OWN)), complaint).customerMsisdn).toBe(OWN);
  });
});
