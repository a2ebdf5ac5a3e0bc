import { describe, expect, it } from 'vitest';
import { NocRuleError } from './errors.ts';
import {
  applyDispatch,
  closeTicket,
  markFlapping,
  newTicket,
  reopenTicket,
  technicianAction,
  toTicketEvent,
} from './tickets.ts';
import { validators } from '../events/index.ts';
import { nocValidators } from './validate.ts';
import { inLanguage } from './bilingual.ts';

const T0 = Date.UTC(2026, 5, 1, 2);
const fresh = () =>
  newTicket({
    id: 'TT-1',
    ticketType: 'network',
    faultType: 'power',
    severity: 'critical',
    priority: 'P1',
    channel: 'system',
    name: '站点停电 / site power loss',
    description: '',
    region: 'GD',
    siteId: 'GD-GZ-0012',
    related: [{ role: 'site', id: 'GD-GZ-0012' }],
    by: 'noc-processor',
    atMs: T0,
  });
const why = (technicianId?: string) => ({
  rule: 'r',
  atMs: T0,
  ...(technicianId ? { technicianId } : {}),
  reasonEn: 'x',
  reasonZh: 'x',
  candidates: [],
});

describe('ticket model', () => {
  it('walks the technician flow to resolved, with notes and parts, and stays valid on the wire', () => {
    let t = applyDispatch(fresh(), why('T-1'));
    const o = { technicianId: 'T-1', by: 'technician', atMs: T0 + 1 };
    for (const a of ['accept', 'on_the_way', 'on_site'] as const) t = technicianAction(t, a, o);
    t = technicianAction(t, 'resolve', { ...o, note: '更换整流模块', parts: ['rectifier R48'] });
    expect(t.status).toBe('resolved');
    expect(t.parts).toEqual(['rectifier R48']);
    expect(t.statusChange.map((s) => s.status)).toEqual([
      'acknowledged',
      'assigned',
      'accepted',
      'on_the_way',
      'on_site',
      'resolved',
    ]);
    expect(nocValidators.ticket(t)).toMatchObject({ ok: true });
    expect(validators.businessEvent(toTicketEvent(t, 'ticket.resolved', T0))).toMatchObject({ ok: true });
  });

  it('refuses actions by another technician or out of order', () => {
    const t = applyDispatch(fresh(), why('T-1'));
    expect(() => technicianAction(t, 'accept', { technicianId: 'T-2', by: 'x', atMs: T0 })).toThrow(
      NocRuleError,
    );
    expect(() =>
      technicianAction(t, 'resolve', { technicianId: 'T-1', by: 'x', atMs: T0, note: 'n' }),
    ).toThrow(/cannot resolve/);
  });

  it('hand back queues it again; no technician → queued with an escalation', () => {
    const t = technicianAction(applyDispatch(fresh(), why('T-1')), 'hand_back', {
      technicianId: 'T-1',
      by: 'technician',
      atMs: T0 + 5,
      note: '缺少备件',
    });
    expect(t).toMatchObject({ status: 'queued', handedBackBy: ['T-1'] });
    expect(t.technicianId).toBeUndefined();
    const q = applyDispatch(fresh(), why());
    expect(q.status).toBe('queued');
    expect(q.escalations[0]?.kind).toBe('no_technician');
  });

  it('closes on clear and reopens with a fresh SLA', () => {
    const c = closeTicket(applyDispatch(fresh(), why('T-1')), 'noc-processor', T0 + 60_000, 'alarm cleared');
    expect(c.status).toBe('closed');
    const r = reopenTicket(c, 'noc-processor', T0 + 3_600_000, 'fault returned');
    expect(r).toMatchObject({ status: 'acknowledged', reopenCount: 1 });
    expect(r.sla.startMs).toBe(T0 + 3_600_000);
  });

  it('marks a flapping ticket in each language of its name, once', () => {
    const f = markFlapping(fresh(), T0 + 1000);
    expect(f.flapping).toBe(true);
    expect(inLanguage(f.name, 'zh')).toBe('站点停电（频繁闪断）');
    expect(inLanguage(f.name, 'en')).toBe('site power loss (flapping)');
    expect(markFlapping(f, T0 + 2000)).toBe(f);
    // a name that is not bilingual keeps its text whole and is still marked
    const plain = markFlapping({ ...fresh(), name: 'link down' }, T0 + 1000);
    expect(plain.name).toBe('link down [频繁闪断/flapping]');
  });
});
