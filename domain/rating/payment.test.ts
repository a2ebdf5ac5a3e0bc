import { describe, it, expect } from 'vitest';
import { DAY_MS, shanghaiMs } from '../catalog/index.ts';
import { applyPayment, type Payment } from './payment.ts';
import { closeBill } from './bill.ts';
import { rate } from './rate.ts';
import { defaultCatalog, MSISDN, subscriber, voice } from './test-fixtures.ts';

const cat = defaultCatalog();
const pay = (p: Partial<Payment>): Payment => ({
  paymentId: 'pay-1',
  msisdn: MSISDN,
  amountFen: 1000,
  purpose: 'top_up',
  atMs: shanghaiMs(2025, 3, 10),
  ...p,
});

describe('applyPayment', () => {
  it('credits a top-up under its payment key and lifts a balance bar', () => {
    const s0 = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 800, used: { voice: 1800 } });
    const barred = rate(cat, s0, voice(shanghaiMs(2025, 3, 3, 10), 60)).newState;
    expect(barred).toMatchObject({ barred: true, balanceFen: -15 });
    const r = applyPayment(cat, barred, pay({ amountFen: 5000 }));
    expect(r.ledger).toEqual([
      expect.objectContaining({
        key: 'payment:pay-1',
        direction: 'credit',
        amountFen: 5000,
        balanceAfterFen: 4985,
      }),
    ]);
    expect(r.newState).toMatchObject({ barred: false, barReason: null, balanceFen: 4985 });
    expect(r.notifications.map((n) => n.kind)).toEqual(['line_unbarred']);
  });

  it('renews an expired prepaid line: new period from the payment, allowances reset, fee taken', () => {
    const s0 = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 800, used: { voice: 1800, data: 100 } });
    const at = shanghaiMs(2025, 4, 5, 9);
    const r = applyPayment(cat, s0, pay({ purpose: 'renewal', amountFen: 800, atMs: at }));
    expect(r.renewed).toBe(true);
    expect(r.newState).toMatchObject({
      periodIndex: 1,
      periodStartMs: at,
      periodEndMs: at + 30 * DAY_MS,
      balanceFen: 0,
    });
    expect(r.newState.allowances.voice).toEqual({ totalUnits: 1800, usedUnits: 0 });
    expect(r.newState.allowances.data.totalUnits).toBe(1_073_741_824 + 536_870_912); // bonus every period
    expect(r.ledger.map((e) => [e.key, e.direction, e.amountFen])).toEqual([
      ['payment:pay-1', 'credit', 800],
      [`fee:${MSISDN}:${at}`, 'debit', 800],
    ]);
    expect(r.notifications.map((n) => n.kind)).toEqual(['period_renewed']);
  });

  it('queues an early renewal after the current period, started by the first later usage', () => {
    const s0 = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 800, used: { voice: 1800 } });
    const r = applyPayment(cat, s0, pay({ purpose: 'renewal', amountFen: 800 }));
    expect(r.newState).toMatchObject({ paidPeriodsAhead: 1, periodIndex: 0, balanceFen: 0 });
    expect(r.ledger[1]?.key).toBe(`fee:${MSISDN}:${s0.periodEndMs}`);
    const next = rate(cat, r.newState, voice(s0.periodEndMs + 3600_000, 60));
    expect(next.newState).toMatchObject({
      paidPeriodsAhead: 0,
      periodIndex: 1,
      periodStartMs: s0.periodEndMs,
    });
    expect(next.rated).toMatchObject({ allowanceUsed: 60, chargeFen: 0 });
  });

  it('does not renew when the balance cannot cover the fee', () => {
    const s0 = subscriber(cat, 'liuliangwang-39', { openingBalanceFen: 3900 });
    const r = applyPayment(cat, s0, pay({ purpose: 'renewal', amountFen: 1000 }));
    expect(r.renewed).toBe(false);
    expect(r.newState.paidPeriodsAhead).toBe(0);
    expect(r.notifications.map((n) => n.kind)).toEqual(['renewal_failed']);
  });

  it('lifts a postpaid credit bar once what is owed is under the limit', () => {
    const s0 = subscriber(cat, 'yuyinbao-19', { used: { voice: 12_000 } });
    const barred = rate(cat, s0, voice(shanghaiMs(2025, 3, 3, 10), 60 * 207)).newState;
    const r = applyPayment(cat, barred, pay({ purpose: 'bill', amountFen: 3000 }));
    expect(r.newState).toMatchObject({ barred: false, balanceFen: -2005 });
  });

  it('refuses a non-positive amount or another subscriber', () => {
    const s0 = subscriber(cat, 'dazhongka-8');
    expect(() => applyPayment(cat, s0, pay({ amountFen: 0 }))).toThrow(
      expect.objectContaining({ code: 'BAD_PAYMENT' }),
    );
    expect(() => applyPayment(cat, s0, pay({ msisdn: '+8613900000000' }))).toThrow(
      expect.objectContaining({ code: 'WRONG_SUBSCRIBER' }),
    );
  });
});

describe('closeBill', () => {
  it('bills a closed postpaid period with fee, discount and overage lines', () => {
    let s = subscriber(cat, 'changxiang-128', { used: { voice: 30_000, sms: 100 } }); // first period: 50 % off
    s = rate(cat, s, voice(shanghaiMs(2025, 3, 3, 10), 600)).newState; // 150 fen
    s = rate(cat, s, voice(shanghaiMs(2025, 3, 4, 10), 61, '+442071234567')).newState; // 798 fen
    s = applyPayment(cat, s, {
      paymentId: 'p9',
      msisdn: MSISDN,
      amountFen: 2000,
      purpose: 'bill',
      atMs: shanghaiMs(2025, 3, 20),
    }).newState;
    const r = closeBill(cat, s, shanghaiMs(2025, 3, 1), shanghaiMs(2025, 4, 2));
    expect(r.bill.lines.map((l) => [l.code, l.amountFen])).toEqual([
      ['monthly_fee', 12800],
      ['discount', -6400],
      ['voice_overage', 948],
    ]);
    expect(r.bill).toMatchObject({
      billId: `bill:${MSISDN}:${shanghaiMs(2025, 3, 1)}`,
      totalFen: 7348,
      periodEndMs: shanghaiMs(2025, 4, 1),
      dueAtMs: shanghaiMs(2025, 4, 21),
      amountDueFen: 7348 - 2000,
    });
    expect(r.ledger.map((e) => e.key)).toEqual([`fee:${MSISDN}:${shanghaiMs(2025, 4, 1)}`]);
    expect(r.newState.closedPeriods).toEqual([]);
    expect(() => closeBill(cat, r.newState, shanghaiMs(2025, 3, 1), shanghaiMs(2025, 4, 2))).toThrow(
      expect.objectContaining({ code: 'BILL_NOT_FOUND' }),
    );
  });

  it('refuses to bill an open period or a prepaid line', () => {
    const s = subscriber(cat, 'changxiang-128');
    expect(() => closeBill(cat, s, s.periodStartMs, shanghaiMs(2025, 3, 15))).toThrow(
      expect.objectContaining({ code: 'PERIOD_OPEN' }),
    );
    const p = subscriber(cat, 'dazhongka-8');
    expect(() => closeBill(cat, p, p.periodStartMs, shanghaiMs(2025, 5, 1))).toThrow(
      expect.objectContaining({ code: 'NOT_POSTPAID' }),
    );
  });
});
