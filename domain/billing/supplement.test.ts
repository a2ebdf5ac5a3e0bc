import { describe, expect, it } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import { applyLineClosure, rate, type Bill } from '../rating/index.ts';
import { defaultCatalog, subscriber, voice } from '../rating/test-fixtures.ts';
import { billsForMonth } from './index.ts';
import { supplementaryBill } from './supplement.ts';

const cat = defaultCatalog();

describe('补收账单: late usage after the final bill', () => {
  // a postpaid line closed (销户) on 20 March; its final bill issued on 2 April
  const closedAt = shanghaiMs(2025, 3, 20, 12);
  let s = subscriber(cat, 'changxiang-128', {
    activatedAtMs: shanghaiMs(2025, 3, 1),
    used: { voice: 30_000 },
  });
  s = applyLineClosure(cat, s, {
    closureId: 'c-1',
    msisdn: s.msisdn,
    reason: 'unsubscribe',
    atMs: closedAt,
  }).newState;
  const billOf = (state: typeof s, atMs: number) => billsForMonth(cat, state, '2025-03', atMs).bills[0]!;
  const final = billOf(s, shanghaiMs(2025, 4, 2));
  // a call of 19 March, reported on 5 April: charged to the final period, over the allowance
  const late = rate(cat, s, voice(shanghaiMs(2025, 3, 19, 10), 300)).newState;

  it('bills what the late usage added, on its own line, due from its own issue date', () => {
    const now = billOf(late, shanghaiMs(2025, 4, 6));
    const extra = now.totalFen - final.totalFen;
    expect(extra).toBeGreaterThan(0);
    const supp = supplementaryBill(now, [final], cat.dueDays);
    expect(supp).toMatchObject({
      billId: `${final.billId}:late:1`,
      supplements: final.billId,
      periodStartMs: final.periodStartMs,
      totalFen: extra,
      issuedAtMs: shanghaiMs(2025, 4, 6),
      dueAtMs: shanghaiMs(2025, 4, 6) + cat.dueDays * 86_400_000,
    });
    expect(supp?.lines).toEqual([expect.objectContaining({ code: 'voice_overage', amountFen: extra })]);
  });

  it('issues nothing when the bills already cover the charges, and only the rest after a supplement', () => {
    expect(supplementaryBill(billOf(s, shanghaiMs(2025, 4, 6)), [final], cat.dueDays)).toBeNull();
    const first = supplementaryBill(billOf(late, shanghaiMs(2025, 4, 6)), [final], cat.dueDays)!;
    expect(supplementaryBill(billOf(late, shanghaiMs(2025, 4, 7)), [final, first], cat.dueDays)).toBeNull();
    // another late call: the second supplement has that call only
    const later = rate(cat, late, voice(shanghaiMs(2025, 3, 19, 11), 120)).newState;
    const second = supplementaryBill(billOf(later, shanghaiMs(2025, 4, 8)), [final, first], cat.dueDays);
    expect(second?.billId).toBe(`${final.billId}:late:2`);
    expect(second?.totalFen).toBe(
      billOf(later, shanghaiMs(2025, 4, 8)).totalFen - final.totalFen - first.totalFen,
    );
    // no original bill: nothing to supplement (the run issues the bill itself)
    expect(supplementaryBill(final, [] as Bill[], cat.dueDays)).toBeNull();
  });
});
