import { describe, expect, it } from 'vitest';
import { fixedClock } from '../ids/index.ts';
import { checkTicketSla, newTicket } from './tickets.ts';

describe('SLA timers', () => {
  it('escalates a P1 to the supervisor once at risk (3 h) and once breached (4 h), with an injected clock', () => {
    const clock = fixedClock(Date.UTC(2026, 5, 1, 2));
    let t = newTicket({
      id: 'TT-1',
      ticketType: 'network',
      faultType: 'power',
      severity: 'critical',
      priority: 'P1',
      channel: 'system',
      name: 'site down',
      description: '',
      region: 'GD',
      related: [],
      by: 'noc-processor',
      atMs: clock.nowMs(),
    });
    const kinds: string[] = [];
    for (const stepMin of [60, 60, 59, 1, 30, 30, 30]) {
      clock.advance(stepMin * 60_000);
      const r = checkTicketSla(t, clock.nowMs());
      t = r.ticket;
      if (r.escalation) kinds.push(`${r.escalation.kind}@${(clock.nowMs() - t.creationDateMs) / 60_000}`);
    }
    expect(kinds).toEqual(['sla_at_risk@180', 'sla_breached@240']);
    expect(t.sla.state).toBe('breached');
    expect(t.escalations.map((e) => e.to)).toEqual(['supervisor', 'supervisor']);
  });
});
