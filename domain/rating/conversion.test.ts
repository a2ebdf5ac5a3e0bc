import { describe, it, expect } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import { closeBill } from './bill.ts';
import { applyPayment } from './payment.ts';
import { applyPlanChange, type PlanChange } from './plan-change.ts';
import { rate } from './rate.ts';
import { applyLineSuspension } from './suspension.ts';
import { deepFreeze, defaultCatalog, errorOf, MSISDN, sms, subscriber, voice } from './test-fixtures.ts';
import { billsForMonth } from '../billing/period.ts';

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
});

describe('后转预: a postpaid line moves to a prepaid plan', () => {
  const PREPAID_FEE = 800; // dazhongka-8
  const toPrepaid = (atMs: number): PlanChange => ({
    changeId: 'conv-2',
    msisdn: MSISDN,
    planId: 'dazhongka-8',
    atMs,
  });
  const APRIL = shanghaiMs(2025, 4, 1);

  it('with the balance to buy it: March is billed as usual, the first prepaid period starts on 1 April', () => {
    // a deposit: ¥200 less March's fee leaves ¥72 of credit
    const s0 = deepFreeze(subscriber(cat, 'changxiang-128', { openingBalanceFen: 20_000 }));
    const r = applyPlanChange(cat, s0, toPrepaid(shanghaiMs(2025, 3, 10)));
    expect(r.newState).toMatchObject({ payment: 'postpaid', nextPlanId: 'dazhongka-8' });
    expect(r.notifications[0]?.params).toMatchObject({ effectiveFromMs: APRIL });
    const march = rate(cat, r.newState, voice(shanghaiMs(2025, 3, 20, 10), 600, '+442071234567'));
    const after = rate(cat, march.newState, voice(APRIL + 3_600_000, 60));
    const s = after.newState;
    expect(s).toMatchObject({ payment: 'prepaid', planId: 'dazhongka-8', creditLimitFen: 0, barred: false });
    expect(s.periodStartMs).toBe(APRIL);
    expect(s.periodEndMs).toBeGreaterThan(APRIL);
    expect(s.allowances.voice.totalUnits).toBeGreaterThan(0);
    expect(after.ledger.filter((e) => e.kind === 'fee').map((e) => [e.amountFen, e.planId])).toEqual([
      [PREPAID_FEE, 'dazhongka-8'],
    ]);
    expect(s.balanceFen).toBe(march.newState.balanceFen - PREPAID_FEE - after.rated.chargeFen);
    // March's bill: the monthly fee and the international call, as for any postpaid month
    const bills = billsForMonth(cat, s, '2025-03', APRIL + 86_400_000);
    expect(bills.notBilled).toEqual([]);
    expect(bills.bills.map((b) => b.lines.map((l) => l.code))).toEqual([
      ['monthly_fee', 'discount', 'voice_overage'], // the first month is discounted
    ]);
    expect(bills.bills[0]?.amountDueFen).toBe(0);
  });

  it('a first period that takes the balance to exactly zero leaves the line in service, as a renewal does', () => {
    const s0 = subscriber(cat, 'changxiang-128', { openingBalanceFen: 7200 }); // March's 64.00 + 8.00
    const asked = applyPlanChange(cat, s0, toPrepaid(shanghaiMs(2025, 3, 10))).newState;
    const april = rate(cat, asked, sms(APRIL + 3_600_000)).newState;
    expect(april).toMatchObject({ payment: 'prepaid', periodStartMs: APRIL, barred: false });
    expect(april.balanceFen).toBe(0); // the SMS came out of the allowance
  });

  it('without it: the line waits expired and barred for a renewal, which starts the period', () => {
    const s0 = subscriber(cat, 'changxiang-128');
    const owing = applyPlanChange(cat, s0, toPrepaid(shanghaiMs(2025, 3, 10))).newState;
    expect(owing.balanceFen).toBeLessThan(0); // March's fee, unpaid
    const after = rate(cat, owing, voice(APRIL + 3_600_000, 60));
    const s = after.newState;
    expect(s).toMatchObject({ payment: 'prepaid', periodEndMs: APRIL, barred: true, barReason: 'balance' });
    expect(after.rated.allowanceUsed).toBe(0);
    expect(after.rated.breakdown.notes).toContain('validity_expired');
    expect(after.notifications.map((n) => n.kind)).toEqual(
      expect.arrayContaining(['plan_changed', 'renewal_failed', 'line_barred']),
    );
    // March's bill is still issued on the prepaid line, for what it owes
    const march = billsForMonth(cat, s, '2025-03', APRIL + 86_400_000).bills[0];
    expect(march?.totalFen).toBe(-s0.balanceFen); // the (first, discounted) month's fee
    expect(march?.amountDueFen).toBe(-s.balanceFen);
    // paying the bill and the first period: the period starts at the payment, the bar lifts
    const paid = applyPayment(cat, s, {
      paymentId: 'p-after',
      msisdn: MSISDN,
      amountFen: -s.balanceFen + PREPAID_FEE + 100,
      purpose: 'renewal',
      atMs: APRIL + 2 * 86_400_000,
    });
    expect(paid.renewed).toBe(true);
    expect(paid.newState).toMatchObject({
      barred: false,
      periodStartMs: APRIL + 2 * 86_400_000,
      balanceFen: 100,
    });
  });

  it('asked for before 停机保号, it waits through the suspension and converts at the first boundary after 复机', () => {
    const s0 = subscriber(cat, 'changxiang-128', { openingBalanceFen: 40_000 });
    const asked = applyPlanChange(cat, s0, toPrepaid(shanghaiMs(2025, 3, 10))).newState;
    const suspend = (suspended: boolean, atMs: number) => ({
      suspensionId: suspended ? 's1' : 'r1',
      msisdn: MSISDN,
      suspended,
      atMs,
    });
    const stopped = applyLineSuspension(cat, asked, suspend(true, shanghaiMs(2025, 3, 20))).newState;
    // April starts suspended: still postpaid, the keep-number fee, the change still waiting
    const april = applyLineSuspension(cat, stopped, suspend(false, shanghaiMs(2025, 4, 10))).newState;
    expect(april).toMatchObject({ payment: 'postpaid', nextPlanId: 'dazhongka-8', barred: false });
    // May converts
    const may = rate(cat, april, voice(shanghaiMs(2025, 5, 1, 9), 60)).newState;
    expect(may).toMatchObject({
      payment: 'prepaid',
      planId: 'dazhongka-8',
      periodStartMs: shanghaiMs(2025, 5, 1),
    });
    expect(may.closedPeriods.map((p) => p.planId)).toEqual(['changxiang-128', 'changxiang-128']);
  });

  it('not while suspended (停机保号): the line resumes first', () => {
    const s0 = { ...subscriber(cat, 'changxiang-128'), barred: true, barReason: 'suspended' as const };
    expect(errorOf(() => applyPlanChange(cat, s0, toPrepaid(shanghaiMs(2025, 3, 10))))).toMatchObject({
      code: 'PAYMENT_TYPE_CHANGE',
      field: '/planId',
    });
  });
});
