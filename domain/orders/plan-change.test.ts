import { describe, it, expect } from 'vitest';
import { planChangeChoices, type PlanChangeInput } from './plan-change.ts';
import type { PlanSummary } from './plan.ts';

const T0 = Date.UTC(2026, 10, 26, 0, 0);
const plan = (planId: string, feeYuan: number, payment = 'postpaid'): PlanSummary => ({
  planId,
  name: { 'zh-CN': planId, en: planId },
  type: 'combo',
  payment,
  monthlyFeeFen: feeYuan * 100,
  voiceSec: 0,
  dataBytes: 0,
  smsCount: 0,
});
const plans = [plan('big', 288), plan('mid', 128), plan('small', 19), plan('card', 8, 'prepaid')];
const input = (o: Partial<PlanChangeInput> = {}): PlanChangeInput => ({
  lineStatus: 'active',
  currentPlanId: 'mid',
  pendingPlanId: null,
  paidPeriodsAhead: 0,
  contractEndMs: null,
  nowMs: T0,
  plans,
  ...o,
});
const byId = (o: Partial<PlanChangeInput>) =>
  Object.fromEntries(planChangeChoices(input(o)).map((c) => [c.planId, c]));

describe('planChangeChoices', () => {
  it('offers every other plan, cheapest first, and says why not the line’s own', () => {
    const cs = planChangeChoices(input());
    expect(cs.map((c) => [c.planId, c.role, c.action, c.refusal?.code ?? null])).toEqual([
      ['card', 'option', 'change', null],
      ['small', 'option', 'change', null],
      ['mid', 'current', null, 'CURRENT_PLAN'],
      ['big', 'option', 'change', null],
    ]);
  });

  it('a postpaid line to a prepaid plan (后转预): settled first, and not while suspended', () => {
    expect(byId({ balanceFen: 0 }).card).toMatchObject({
      action: 'change',
      toPrepaid: true,
      conversion: false,
    });
    expect(byId({ balanceFen: 0 }).small?.toPrepaid).toBe(false);
    const owing = byId({ balanceFen: -12_800 }).card;
    expect(owing).toMatchObject({ action: null, refusal: { code: 'ARREARS' } });
    expect(owing?.refusal?.text['zh-CN']).toContain('结清费用');
    // what the line owes does not hold back a change that keeps it postpaid
    expect(byId({ balanceFen: -12_800 }).big?.action).toBe('change');
    expect(byId({ balanceFen: 0, suspended: true }).card?.refusal?.code).toBe('SUSPENDED');
    expect(byId({ suspended: true }).big?.action).toBe('change');
  });

  it('offers a prepaid line the postpaid plans as a conversion (预转后), and its own type as a change', () => {
    const c = byId({ currentPlanId: 'card' });
    expect(c.mid).toMatchObject({ action: 'change', conversion: true, refusal: null });
    expect(c.big?.conversion).toBe(true);
    expect(c.card).toMatchObject({ role: 'current', conversion: false });
    // a postpaid line's move to prepaid is the other conversion (后转预), not this one
    expect(byId({}).card).toMatchObject({ conversion: false, toPrepaid: true });
    expect(byId({}).big?.conversion).toBe(false);
  });

  it('with a change pending: the current plan withdraws it, the pending one is not asked twice', () => {
    const c = byId({ pendingPlanId: 'big' });
    expect(c.mid).toMatchObject({ role: 'current', action: 'withdraw', refusal: null });
    expect(c.big).toMatchObject({ role: 'pending', action: null, refusal: { code: 'ALREADY_PENDING' } });
    expect(c.small?.action).toBe('change');
  });

  it('in a contract term: upgrades only, with the end day in Beijing time', () => {
    const end = Date.UTC(2027, 5, 30, 17, 0); // 1 July 01:00 in Beijing
    const c = byId({ contractEndMs: end });
    expect(c.small?.refusal).toMatchObject({ code: 'CONTRACT_DOWNGRADE' });
    expect(c.small?.refusal?.text['zh-CN']).toContain('2027-07-01');
    expect(c.big?.action).toBe('change');
    expect(byId({ contractEndMs: T0 - 1 }).small?.action).toBe('change');
  });

  it('refuses everything while periods are paid ahead, and on a line that is not active', () => {
    for (const o of [
      { paidPeriodsAhead: 2 },
      { lineStatus: 'closed' as const },
      { lineStatus: 'pre_opened' as const },
    ]) {
      const cs = planChangeChoices(input({ ...o, pendingPlanId: 'big' }));
      expect(cs.every((c) => c.action === null && c.refusal !== null)).toBe(true);
    }
    expect(byId({ paidPeriodsAhead: 2 }).big?.refusal?.text.en).toContain('2 period(s)');
    expect(byId({ lineStatus: 'pre_opened' }).big?.refusal?.code).toBe('LINE_NOT_ACTIVE');
  });
});
