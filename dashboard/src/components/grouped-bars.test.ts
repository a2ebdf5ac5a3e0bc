import { describe, expect, it } from 'vitest';
import { dayTicks, groupLayout, slotOf } from './grouped-bars.ts';

const DAY = 86_400;
const days = [0, DAY, 2 * DAY].map((d) => 1_795_800_000 + d);

describe('grouped bars', () => {
  it('puts the series of a day side by side, centred on the day, none on top of another', () => {
    const bars = [0, 1, 2].map((k) => groupLayout(days, k, 3));
    const width = bars[0]!.width;
    expect(width).toBeCloseTo((DAY * 0.72) / 3, 6);
    for (const [i, x] of days.entries()) {
      const starts = bars.map((b) => b.x0[i]!);
      // Each bar starts where the previous one ends ...
      expect(starts[1]! - starts[0]!).toBeCloseTo(width, 6);
      expect(starts[2]! - starts[1]!).toBeCloseTo(width, 6);
      // ... and the group's middle is the day.
      expect((starts[0]! + starts[2]! + width) / 2).toBeCloseTo(x, 6);
    }
  });

  it('takes the slot from the closest two xs, and a day for a single one', () => {
    expect(slotOf(days)).toBe(DAY);
    expect(slotOf([10, 70, 100])).toBe(30);
    expect(slotOf([days[0]!])).toBe(DAY);
    expect(slotOf([])).toBe(DAY);
  });

  it('keeps the bars of a group together when they are capped narrower than the slot allows', () => {
    const bars = [0, 1, 2].map((k) => groupLayout(days, k, 3, 1000));
    expect(bars.map((b) => b.width)).toEqual([1000, 1000, 1000]);
    expect(bars.map((b) => b.x0[1])).toEqual([days[1]! - 1500, days[1]! - 500, days[1]! + 500]);
  });

  it('ticks each day with data, thinned when labels would overlap', () => {
    const month = Array.from({ length: 30 }, (_, i) => days[0]! + i * DAY);
    expect(dayTicks(days, days[0]! - DAY / 2, days[2]! + DAY / 2, 600)).toEqual(days);
    // 30 days in 420 px: 56 px a label leaves room for every 4th.
    const ticks = dayTicks(month, month[0]!, month[29]!, 420);
    expect(ticks).toEqual(month.filter((_, i) => i % 4 === 0));
    // Only the days in view.
    expect(dayTicks(month, month[3]!, month[5]!, 600)).toEqual(month.slice(3, 6));
  });
});
