import { describe, expect, it } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import { rate } from '../rating/index.ts';
import { defaultCatalog, MSISDN, subscriber, voice } from '../rating/test-fixtures.ts';
import { billsForMonth, endedPeriodStarts, monthOf, monthRange } from './index.ts';

const cat = defaultCatalog();

describe('billing months', () => {
  it('maps YYYY-MM to the local month and back', () => {
    expect(monthRange('2025-03')).toEqual({ startMs: shanghaiMs(2025, 3, 1), endMs: shanghaiMs(2025, 4, 1) });
    expect(monthRange('2025-12')?.endMs).toBe(shanghaiMs(2026, 1, 1));
    expect(monthRange('2025-13')).toBeNull();
    expect(monthRange('2025-3')).toBeNull();
    expect(monthOf(shanghaiMs(2025, 3, 31, 23, 59))).toBe('2025-03');
    expect(monthOf(shanghaiMs(2025, 4, 1))).toBe('2025-04');
  });
});

describe('billsForMonth', () => {
  // activated mid-month: period 0 is 15 Mar – 1 Apr, then calendar months
  const activated = shanghaiMs(2025, 3, 15, 9);
  let s = subscriber(cat, 'changxiang-128', { activatedAtMs: activated, used: { voice: 30_000 } });
  s = rate(cat, s, voice(shanghaiMs(2025, 3, 20, 10), 600)).newState; // 10 min over allowance, peak

  it('bills the period that started in the month once it has ended, with fee, discount and overage', () => {
    const r = billsForMonth(cat, s, '2025-03', shanghaiMs(2025, 4, 2));
    expect(r.notBilled).toEqual([]);
    expect(r.bills).toHaveLength(1);
    const b = r.bills[0]!;
    expect(b).toMatchObject({
      billId: `bill:${MSISDN}:${activated}`,
      periodStartMs: activated,
      periodEndMs: shanghaiMs(2025, 4, 1),
      dueAtMs: shanghaiMs(2025, 4, 21),
      totalFen: 12800 - 6400 + 150,
    });
    expect(b.lines.map((l) => l.code)).toEqual(['monthly_fee', 'discount', 'voice_overage']);
  });

  it('is the same bill when computed again from the same state and time', () => {
    const at = shanghaiMs(2025, 4, 2);
    expect(billsForMonth(cat, s, '2025-03', at)).toEqual(billsForMonth(cat, s, '2025-03', at));
  });

  it('does not bill a period still open or a month with no period start, nor a prepaid line', () => {
    expect(billsForMonth(cat, s, '2025-03', shanghaiMs(2025, 3, 31)).bills).toEqual([]);
    expect(billsForMonth(cat, s, '2025-02', shanghaiMs(2025, 6, 1)).bills).toEqual([]);
    const prepaid = subscriber(cat, 'dazhongka-8');
    expect(billsForMonth(cat, prepaid, '2025-03', shanghaiMs(2025, 6, 1)).bills).toEqual([]);
  });

  it('finds periods ended since the last saved state (the state is rolled forward), fee only', () => {
    expect(endedPeriodStarts(cat, s, shanghaiMs(2025, 6, 2))).toEqual([
      activated,
      shanghaiMs(2025, 4, 1),
      shanghaiMs(2025, 5, 1),
    ]);
    const may = billsForMonth(cat, s, '2025-05', shanghaiMs(2025, 6, 2)).bills;
    expect(may.map((b) => [b.periodStartMs, b.totalFen])).toEqual([[shanghaiMs(2025, 5, 1), 12800]]);
  });
});
