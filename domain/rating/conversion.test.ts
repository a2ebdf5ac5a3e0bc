import { describe, it, expect } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import { closeBill } from './bill.ts';
import { applyPayment } from './payment.ts';
import { applyPlanChange, type PlanChange } from './plan-change.ts';
import { rate } from './rate.ts';
import { deepFreeze, defaultCatalog, MSISDN, subscriber, voice } from './test-fixtures.ts';

const cat = defaultCatalog();
const POSTPAID_FEE = 12_800; // changxiang-128
const toPostpaid = (atMs: number, changeId = 'conv-1'): PlanChange => ({
  changeId,
  msisdn: MSISDN,
  planId: 'changxiang-128',
  atMs,
});

describe('预转后: a prepaid line moves to a postpaid plan', () => {
  it('at its period end: the credit stays, the postpaid fee is taken, the prepaid period is not billed', () => {
    // dazhongka-8: 30-day periods from 1 March; ¥20.00 of credit left after the first fee
    const s0 = deepFreeze(subscriber(cat, 'dazhongka-8', { openingBalanceFen: 2800 }));
    const credit = s0.balanceFen;
    const r = applyPlanChange(cat, s0, toPostpaid(shanghaiMs(2025, 3, 10)));
    expect(r.newState).toMatchObject({ payment: 'prepaid', nextPlanId: 'changxiang-128' });
    expect(r.notifications[0]).toMatchObject({
      kind: 'plan_change_scheduled',
      params: { planId: 'changxiang-128', effectiveFromMs: s0.periodEndMs },
    });
    // a renewal meanwhile buys no prepaid period: it is credit for the postpaid account
    const paid = applyPayment(cat, r.newState, {
      paymentId: 'p1',
      msisdn: MSISDN,
      amountFen: 1000,
      purpose: 'renewal',
      atMs: shanghaiMs(2025, 3, 20),
    });
    expect(paid.renewed).toBe(false);
    expect(paid.newState.paidPeriodsAhead).toBe(0);
    // the first call after the period end starts the postpaid terms
    const after = rate(cat, paid.newState, voice(s0.periodEndMs + 3_600_000, 60));
    expect(after.newState).toMatchObject({
      payment: 'postpaid',
      planId: 'changxiang-128',
      periodStartMs: s0.periodEndMs,
      closedPeriods: [],
      barred: false,
    });
    expect(after.newState.creditLimitFen).toBeGreaterThan(0);
    expect(after.ledger.filter((e) => e.kind === 'fee').map((e) => [e.amountFen, e.planId])).toEqual([
      [POSTPAID_FEE, 'changxiang-128'],
    ]);
    expect(after.newState.balanceFen).toBe(credit + 1000 - POSTPAID_FEE - after.rated.chargeFen);
    // its first postpaid bill is the postpaid period; there is none for the prepaid one
    const next = after.newState.periodEndMs;
    const closed = rate(cat, after.newState, voice(next + 3_600_000, 60)).newState;
    expect(closed.closedPeriods.map((p) => p.planId)).toEqual(['changxiang-128']);
    const bill = closeBill(cat, closed, s0.periodEndMs, next + 86_400_000);
    expect(bill.bill.lines[0]).toMatchObject({ code: 'monthly_fee', amountFen: POSTPAID_FEE });
  });

  it('an expired prepaid line, barred for its balance, converts at once and works within its credit limit', () => {
    const s0 = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 800 });
    const atMs = s0.periodEndMs + 5 * 86_400_000;
    // expired, and a call took the balance below zero: barred
    const spent = rate(cat, s0, voice(s0.periodEndMs - 3_600_000, 600, '+442071234567')).newState;
    expect(spent).toMatchObject({ barred: true, barReason: 'balance' });
    const r = applyPlanChange(cat, spent, toPostpaid(atMs));
    expect(r.newState).toMatchObject({
      payment: 'postpaid',
      planId: 'changxiang-128',
      periodStartMs: atMs,
      barred: false,
      barReason: null,
    });
    expect(r.newState.nextPlanId).toBeUndefined();
    // one notice says it (not a second plan_changed), then the bar lifts
    expect(r.notifications.map((n) => [n.kind, n.params.converted])).toEqual([
      ['plan_change_scheduled', 1],
      ['line_unbarred', undefined],
    ]);
    expect(r.ledger.map((e) => [e.kind, e.amountFen])).toEqual([['fee', POSTPAID_FEE]]);
  });

  it('a postpaid line stays postpaid', () => {
    const s0 = subscriber(cat, 'changxiang-128');
    expect(() =>
      applyPlanChange(cat, s0, { ...toPostpaid(shanghaiMs(2025, 3, 10)), planId: 'dazhongka-8' }),
    ).toThrow(/stays postpaid/);
  });
});
