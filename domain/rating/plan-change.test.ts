import { describe, it, expect } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import { closeBill } from './bill.ts';
import { applyPayment } from './payment.ts';
import { applyPlanChange, type PlanChange } from './plan-change.ts';
import { rate } from './rate.ts';
import { deepFreeze, defaultCatalog, MSISDN, subscriber, voice, errorOf } from './test-fixtures.ts';
import type { SubscriberState } from './types.ts';

const cat = defaultCatalog();
const change = (planId: string, atMs = shanghaiMs(2025, 3, 10), changeId = 'chg-1'): PlanChange => ({
  changeId,
  msisdn: MSISDN,
  planId,
  atMs,
});

describe('applyPlanChange (套餐变更, 次月生效)', () => {
  it('keeps the current period on the old plan and starts the next one on the new plan', () => {
    const s0 = deepFreeze(subscriber(cat, 'changxiang-128', { openingBalanceFen: 50_000 }));
    const r = applyPlanChange(cat, s0, change('shangwu-288'));
    expect(r.outcome).toBe('scheduled');
    expect(r.newState).toMatchObject({ planId: 'changxiang-128', nextPlanId: 'shangwu-288' });
    expect(r.notifications).toEqual([
      expect.objectContaining({
        key: 'plan_change:chg-1',
        kind: 'plan_change_scheduled',
        params: expect.objectContaining({
          planId: 'shangwu-288',
          fromPlanId: 'changxiang-128',
          effectiveFromMs: shanghaiMs(2025, 4, 1),
          planNameZh: expect.any(String),
        }),
      }),
    ]);

    // Still March: the old plan's allowance and prices.
    const march = rate(cat, r.newState, voice(shanghaiMs(2025, 3, 20, 10), 600));
    expect(march.rated.planId).toBe('changxiang-128');
    expect(march.newState.allowances.voice.usedUnits).toBe(600);

    // April: the new plan's fee is debited, its allowances apply, the customer is told.
    const april = rate(cat, march.newState, voice(shanghaiMs(2025, 4, 2, 10), 60));
    expect(april.rated.planId).toBe('shangwu-288');
    expect(april.newState.planId).toBe('shangwu-288');
    expect(april.newState.nextPlanId).toBeUndefined();
    expect(april.newState.allowances.voice).toEqual({ totalUnits: 120_000, usedUnits: 60 });
    expect(april.ledger).toContainEqual(
      expect.objectContaining({ kind: 'fee', amountFen: 28_800, planId: 'shangwu-288' }),
    );
    expect(april.notifications.map((n) => n.kind)).toContain('plan_changed');
    expect(april.newState.closedPeriods.at(-1)).toMatchObject({
      planId: 'changxiang-128',
      startMs: shanghaiMs(2025, 3, 1),
    });

    // March's bill is March's plan.
    const bill = closeBill(cat, april.newState, shanghaiMs(2025, 3, 1), shanghaiMs(2025, 4, 3));
    expect(bill.bill.planId).toBe('changxiang-128');
    expect(bill.bill.lines[0]).toMatchObject({ code: 'monthly_fee', amountFen: 12_800 });

    // A March call reported late is still priced on the March plan.
    const late = rate(cat, april.newState, voice(shanghaiMs(2025, 3, 31, 23), 60));
    expect(late.rated.planId).toBe('changxiang-128');
  });

  it('withdraws a pending change when asked for the current plan, and refuses a change to nothing', () => {
    const s0 = subscriber(cat, 'changxiang-128');
    const pending = applyPlanChange(cat, s0, change('shangwu-288')).newState;
    const back = applyPlanChange(cat, pending, change('changxiang-128', shanghaiMs(2025, 3, 11), 'chg-2'));
    expect(back.outcome).toBe('withdrawn');
    expect(back.newState.nextPlanId).toBeUndefined();
    expect(back.notifications.map((n) => [n.key, n.kind])).toEqual([
      ['plan_change:chg-2', 'plan_change_withdrawn'],
    ]);
    const april = rate(cat, back.newState, voice(shanghaiMs(2025, 4, 2, 10), 60));
    expect(april.rated.planId).toBe('changxiang-128');
    expect(errorOf(() => applyPlanChange(cat, s0, change('changxiang-128')))).toMatchObject({
      code: 'SAME_PLAN',
      field: '/planId',
    });
  });

  it('refuses a change of payment type while suspended, and an unknown plan, naming the field', () => {
    const s0 = { ...subscriber(cat, 'changxiang-128'), barred: true, barReason: 'suspended' as const };
    expect(errorOf(() => applyPlanChange(cat, s0, change('dazhongka-8')))).toMatchObject({
      code: 'PAYMENT_TYPE_CHANGE',
      field: '/planId',
    });
    expect(errorOf(() => applyPlanChange(cat, s0, change('no-such-plan')))).toMatchObject({
      code: 'UNKNOWN_PLAN',
      field: '/planId',
    });
  });

  it('prepaid: a renewal after the change buys the next period at the new plan, which then starts', () => {
    const s0 = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 800 });
    const pending = applyPlanChange(cat, s0, change('liuliangwang-39')).newState;
    const paid = applyPayment(cat, pending, {
      paymentId: 'p1',
      msisdn: MSISDN,
      amountFen: 3900,
      purpose: 'renewal',
      atMs: shanghaiMs(2025, 3, 20),
    });
    expect(paid.renewed).toBe(true);
    expect(paid.newState.paidPeriodsAhead).toBe(1);
    expect(paid.ledger).toContainEqual(
      expect.objectContaining({ kind: 'fee', amountFen: 3900, planId: 'liuliangwang-39' }),
    );
    // While a period is paid ahead the plan cannot change again (nor go back).
    expect(errorOf(() => applyPlanChange(cat, paid.newState, change('dazhongka-8')))).toMatchObject({
      code: 'PAID_AHEAD',
    });
    // dazhongka-8 runs 30 days from 1 March: the new plan starts on 31 March.
    const next = rate(cat, paid.newState, voice(shanghaiMs(2025, 4, 1, 10), 60));
    expect(next.newState).toMatchObject({ planId: 'liuliangwang-39', paidPeriodsAhead: 0 });
    expect(next.newState.allowances.data.totalUnits).toBe(20 * 1024 ** 3);
    expect(next.rated.planId).toBe('liuliangwang-39');
  });

  it('prepaid and expired: the change waits for the renewal, which starts the new plan at once', () => {
    const s0 = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 800 });
    const at = shanghaiMs(2025, 5, 2);
    const r = applyPlanChange(cat, s0, change('duanxinbao-5', at));
    expect(r.notifications[0]?.params.effectiveFromMs).toBe(0);
    const renewed = applyPayment(cat, r.newState, {
      paymentId: 'p2',
      msisdn: MSISDN,
      amountFen: 500,
      purpose: 'renewal',
      atMs: at + 1000,
    });
    const s: SubscriberState = renewed.newState;
    expect(s).toMatchObject({ planId: 'duanxinbao-5', periodStartMs: at + 1000, balanceFen: 0 });
    expect(s.nextPlanId).toBeUndefined();
    expect(s.allowances.sms.totalUnits).toBe(200);
    expect(renewed.notifications.map((n) => n.kind)).toEqual(['plan_changed', 'period_renewed']);
  });
});
