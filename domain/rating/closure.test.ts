import { describe, it, expect } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import { billsForMonth } from '../billing/period.ts';
import { applyLineClosure, assertLineOpen, type LineClosure } from './closure.ts';
import { applyPayment } from './payment.ts';
import { rate } from './rate.ts';
import { sentences } from './explain.ts';
import { defaultCatalog, deepFreeze, MSISDN, subscriber, voice, errorOf } from './test-fixtures.ts';

const cat = defaultCatalog();
const PLAN_FEE = 12_800; // changxiang-128, postpaid
const close = (atMs: number, reason: LineClosure['reason'] = 'unsubscribe'): LineClosure => ({
  closureId: 'uns-1',
  msisdn: MSISDN,
  reason,
  atMs,
});

describe('applyLineClosure (销户 / 携号转网 out)', () => {
  it('postpaid: the month under way becomes the final bill; no fee, no period and no usage after', () => {
    const s0 = subscriber(cat, 'changxiang-128');
    const used = rate(cat, s0, voice(shanghaiMs(2025, 3, 5, 10), 600, '+442071234567')).newState;
    const closedAt = shanghaiMs(2025, 3, 20, 15);
    const c = applyLineClosure(cat, deepFreeze(used), close(closedAt));
    expect(c.newState).toMatchObject({ barred: true, barReason: 'closed', closedAtMs: closedAt });
    expect(c.newState.allowances.data).toEqual({ totalUnits: 0, usedUnits: 0 });
    // what is owed stays for the final bill: nothing refunded, nothing taken
    expect(used.balanceFen).toBeLessThan(0);
    expect(c.ledger).toEqual([]);
    expect(c.newState.balanceFen).toBe(used.balanceFen);
    expect(c.notifications.map((n) => [n.key, n.kind, n.params])).toEqual([
      [
        `line_closure:${MSISDN}`,
        'line_closed',
        { reason: 'unsubscribe', closureId: 'uns-1', refundFen: 0, owedFen: -used.balanceFen },
      ],
    ]);

    // months later: no fee was taken, and usage the network still reports is refused, naming why
    const later = shanghaiMs(2025, 6, 2, 10);
    expect(errorOf(() => rate(cat, c.newState, voice(later, 60)))).toMatchObject({
      code: 'LINE_CLOSED',
      field: '/msisdn',
    });
    const paid = applyPayment(cat, c.newState, {
      paymentId: 'final',
      msisdn: MSISDN,
      amountFen: 5000,
      purpose: 'bill',
      atMs: later,
    });
    expect(paid.ledger.map((e) => [e.kind, e.amountFen])).toEqual([['payment', 5000]]);
    expect(paid.newState).toMatchObject({ barred: true, barReason: 'closed' });

    // March's billing run issues the final bill (fee + the international call), cut at the closure
    const march = billsForMonth(cat, paid.newState, '2025-03', shanghaiMs(2025, 4, 1, 2));
    expect(march.notBilled).toEqual([]);
    expect(march.bills).toHaveLength(1);
    expect(march.bills[0]).toMatchObject({ periodStartMs: shanghaiMs(2025, 3, 1), periodEndMs: closedAt });
    expect(march.bills[0]!.lines[0]).toMatchObject({ code: 'monthly_fee', amountFen: PLAN_FEE });
    expect(march.bills[0]!.lines.some((l) => l.code === 'voice_overage')).toBe(true);
    // and April nothing at all
    expect(billsForMonth(cat, paid.newState, '2025-04', shanghaiMs(2025, 5, 1, 2))).toEqual({
      bills: [],
      notBilled: [],
    });
  });

  it('a closure at a month boundary starts (and charges) no new month', () => {
    const s0 = subscriber(cat, 'changxiang-128');
    const c = applyLineClosure(cat, s0, close(shanghaiMs(2025, 4, 1)));
    expect(c.ledger).toEqual([]);
    expect(c.newState.closedPeriods.map((p) => [p.startMs, p.endMs])).toEqual([
      [shanghaiMs(2025, 3, 1), shanghaiMs(2025, 4, 1)],
    ]);
  });

  it('postpaid credit left (a deposit, an overpayment) is paid back at the closure', () => {
    const s0 = subscriber(cat, 'changxiang-128', { openingBalanceFen: 20_000 });
    const left = s0.balanceFen; // the deposit less the first month's (discounted) fee
    expect(left).toBeGreaterThan(0);
    const c = applyLineClosure(cat, s0, close(shanghaiMs(2025, 3, 20)));
    expect(c.ledger).toEqual([
      expect.objectContaining({
        key: `closure_settlement:${MSISDN}`,
        direction: 'debit',
        amountFen: left,
        balanceAfterFen: 0,
      }),
    ]);
    expect(c.notifications[0]?.params).toMatchObject({ refundFen: left, owedFen: 0 });
    expect(c.newState.balanceFen).toBe(0);
  });

  it('prepaid: periods paid ahead that never started are refunded to the balance', () => {
    const s0 = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 5000 });
    const ahead = applyPayment(cat, s0, {
      paymentId: 'renew-1',
      msisdn: MSISDN,
      amountFen: 1000,
      purpose: 'renewal',
      atMs: shanghaiMs(2025, 3, 10),
    }).newState;
    expect(ahead.paidPeriodsAhead).toBe(1);
    const c = applyLineClosure(cat, ahead, close(shanghaiMs(2025, 3, 12), 'port_out'));
    // the unstarted period back (800), then everything on the account paid back to the customer
    expect(c.ledger.map((e) => [e.key.split(':')[0], e.kind, e.direction, e.amountFen])).toEqual([
      ['closure_refund', 'fee', 'credit', 800],
      ['closure_settlement', 'adjustment', 'debit', ahead.balanceFen + 800],
    ]);
    expect(c.newState).toMatchObject({ balanceFen: 0, paidPeriodsAhead: 0, barReason: 'closed' });
    expect(c.notifications[0]?.params).toMatchObject({ refundFen: ahead.balanceFen + 800, owedFen: 0 });
    // a payment afterwards buys nothing, and is paid back too: a closed line keeps no money
    const paid = applyPayment(cat, c.newState, {
      paymentId: 'renew-2',
      msisdn: MSISDN,
      amountFen: 800,
      purpose: 'renewal',
      atMs: shanghaiMs(2025, 5, 1),
    });
    expect(paid.renewed).toBe(false);
    expect(paid.ledger.map((e) => [e.key, e.direction, e.amountFen])).toEqual([
      ['payment:renew-2', 'credit', 800],
      ['closure_settlement:payment:renew-2', 'debit', 800],
    ]);
    expect(paid.newState.balanceFen).toBe(0);
  });

  it('postpaid: a late record of usage from before the closure goes on the final bill, at overage', () => {
    const s0 = subscriber(cat, 'changxiang-128');
    const closedAt = shanghaiMs(2025, 3, 20, 15);
    const c = applyLineClosure(cat, s0, close(closedAt)).newState;
    // a domestic call made the hour before the closure, reported after it: no allowance is left
    const late = rate(cat, deepFreeze(c), voice(closedAt - 3_600_000, 120));
    expect(late.rated.chargeFen).toBeGreaterThan(0);
    expect(late.rated.allowanceUsed).toBe(0);
    expect(late.rated.breakdown.notes).toContain('after_closure');
    expect(sentences(late.rated.breakdown)['zh-CN']).toContain('销户前的使用');
    expect(late.notifications).toEqual([]);
    expect(late.newState.balanceFen).toBe(c.balanceFen - late.rated.chargeFen);
    expect(late.newState).toMatchObject({ barReason: 'closed', closedAtMs: closedAt });
    expect(late.ledger.map((e) => [e.key.split(':')[0], e.amountFen])).toEqual([
      ['cdr', late.rated.chargeFen],
    ]);
    const bill = billsForMonth(cat, late.newState, '2025-03', shanghaiMs(2025, 4, 1, 2)).bills[0];
    expect(bill?.lines.find((l) => l.code === 'voice_overage')?.amountFen).toBe(late.rated.chargeFen);
    expect(bill?.amountDueFen).toBe(-late.newState.balanceFen);
    // the instant of the closure and after: still refused
    expect(errorOf(() => rate(cat, c, voice(closedAt, 60)))).toMatchObject({ code: 'LINE_CLOSED' });
  });

  it('prepaid: a late record after the settlement leaves the customer owing it, barred as closed', () => {
    const s0 = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 5000 });
    const closedAt = shanghaiMs(2025, 3, 12);
    const c = applyLineClosure(cat, s0, close(closedAt)).newState;
    expect(c.balanceFen).toBe(0);
    const late = rate(cat, c, voice(closedAt - 60_000, 30, '+442071234567'));
    expect(late.rated.chargeFen).toBeGreaterThan(0);
    expect(late.newState.balanceFen).toBe(-late.rated.chargeFen);
    // no low-balance or exhaustion notice, and the bar stays the closure's
    expect(late.notifications).toEqual([]);
    expect(late.newState).toMatchObject({ barred: true, barReason: 'closed' });
  });

  it('closing twice changes nothing; nothing but money is taken afterwards', () => {
    const s0 = subscriber(cat, 'changxiang-128');
    const c = applyLineClosure(cat, s0, close(shanghaiMs(2025, 3, 20))).newState;
    expect(applyLineClosure(cat, c, { ...close(shanghaiMs(2025, 3, 25)), closureId: 'other' })).toEqual({
      newState: c,
      ledger: [],
      notifications: [],
    });
    expect(errorOf(() => assertLineOpen(c, 'a plan change'))).toMatchObject({ code: 'LINE_CLOSED' });
    expect(errorOf(() => assertLineOpen(s0, 'a plan change'))).toBeNull();
  });

  it('refuses a closure for another line', () => {
    const s0 = subscriber(cat, 'changxiang-128');
    expect(errorOf(() => applyLineClosure(cat, s0, { ...close(1), msisdn: '+8613900000000' }))).toMatchObject(
      {
        code: 'WRONG_SUBSCRIBER',
      },
    );
  });
});
