import { describe, expect, it } from 'vitest';
import type uPlot from 'uplot';
import { barRange } from './bar-range.ts';

const DAY = 86_400;
const chart = (xs: number[]) => ({ data: [xs, xs.map(() => 1)] }) as unknown as uPlot;

describe('the x range of daily bars', () => {
  it('is one day wide around a single day, whatever uPlot proposes', () => {
    const day = Date.parse('2026-11-28T00:00:00+08:00') / 1000;
    // uPlot widens an empty range before asking: it proposed max = day + 1000 days here.
    expect(barRange(chart([day]), day, day + 1000 * DAY, 'x')).toEqual([day - DAY / 2, day + DAY / 2]);
  });

  it('runs half a day past the first and the last day', () => {
    const first = Date.parse('2026-11-01T00:00:00+08:00') / 1000;
    const last = first + 27 * DAY;
    expect(barRange(chart([first, first + DAY, last]), first, last, 'x')).toEqual([
      first - DAY / 2,
      last + DAY / 2,
    ]);
  });

  it("keeps uPlot's range when there is no data", () => {
    expect(barRange(chart([]), 10, 20, 'x')).toEqual([10, 20]);
  });
});
