import { describe, expect, it } from 'vitest';
import { applyComplaintAction, checkComplaintSla, registerComplaint, suggestCategory } from './complaints.ts';
import { NocRuleError } from './errors.ts';

describe('complaint category suggestion', () => {
  it.each([
    ['这个月话费多扣了50元，账单不对', 'billing'],
    ['家里信号很差，经常掉线', 'network_quality'],
    ['营业员态度很差，不耐烦', 'service_attitude'],
    ['新买的手机死机，光猫也坏了', 'device'],
    ['I was overcharged on my last bill', 'billing'],
    ['No service and dropped calls at home', 'network_quality'],
    ['随便说说', 'other'],
  ])('%s → %s', (text, category) => {
    expect(suggestCategory(text).category).toBe(category);
  });
});

describe('complaint lifecycle', () => {
  const base = () =>
    registerComplaint({
      id: 'CP-1',
      customerMsisdn: '+8613800000042',
      channel: 'app',
      text: '信号差，经常掉线',
      by: 'customer',
      atMs: Date.UTC(2026, 5, 1),
    });

  it('registers with the suggestion, accepts a correction, closes only with confirmation and a score', () => {
    let c = base();
    expect(c).toMatchObject({
      suggestedCategory: 'network_quality',
      category: 'network_quality',
      status: 'registered',
    });
    c = applyComplaintAction(c, { action: 'correct_category', category: 'device' }, 'agent', c.createdMs + 1);
    expect(c).toMatchObject({
      category: 'device',
      suggestedCategory: 'network_quality',
      categoryCorrectedBy: 'agent',
    });
    expect(() =>
      applyComplaintAction(
        c,
        { action: 'close', customerConfirmed: true, satisfaction: 5 },
        'agent',
        c.createdMs + 2,
      ),
    ).toThrow(NocRuleError);
    c = applyComplaintAction(
      c,
      { action: 'propose_solution', solution: '更换SIM卡' },
      'agent',
      c.createdMs + 3,
    );
    const notOk = applyComplaintAction(
      c,
      { action: 'close', customerConfirmed: false, satisfaction: 2 },
      'agent',
      c.createdMs + 4,
    );
    expect(notOk.status).toBe('in_progress');
    c = applyComplaintAction(
      c,
      { action: 'close', customerConfirmed: true, satisfaction: 4 },
      'agent',
      c.createdMs + 5,
    );
    expect(c).toMatchObject({ status: 'closed', satisfaction: 4, customerConfirmed: true });
    expect(c.history.map((h) => h.status)).toEqual([
      'registered',
      'in_progress',
      'solution_proposed',
      'closed',
    ]);
  });
});

describe('complaint SLA', () => {
  it('escalates an open complaint at 36 h (at risk) and 48 h (breached), never a closed one', () => {
    const c = registerComplaint({
      id: 'CP-2',
      customerMsisdn: '+8613800000042',
      channel: 'phone',
      text: 'bill is wrong',
      by: 'agent',
      atMs: 0 + Date.UTC(2026, 5, 1),
    });
    const h = (n: number) => c.createdMs + n * 3_600_000;
    expect(checkComplaintSla(c, h(35)).escalation).toBeUndefined();
    const risk = checkComplaintSla(c, h(36));
    expect(risk.escalation).toMatchObject({ kind: 'sla_at_risk', to: 'supervisor' });
    expect(checkComplaintSla(risk.complaint, h(40)).escalation).toBeUndefined();
    expect(checkComplaintSla(risk.complaint, h(48)).escalation?.kind).toBe('sla_breached');
    const closed = { ...c, status: 'closed' as const };
    expect(checkComplaintSla(closed, h(100)).escalation).toBeUndefined();
  });
});
