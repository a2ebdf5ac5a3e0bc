import { describe, expect, it } from 'vitest';
import type uPlot from 'uplot';
import { barRange, barValueRange, lineRange } from './time-range.ts';

const DAY = 86_400;
const chart = (xs: number[]) => ({ data: [xs, xs.map(() => 1)] }) as unknown as uPlot;
const day = Date.parse('2026-11-28T00:00:00+08:00') / 1000;
// What uPlot proposes for a single point in time: its "one day" in ms on a scale in seconds.
const uPlotSingle = day + 86_400_000;

describe('the x range of daily bars', () => {
  it('is one day wide around a single day, whatever uPlot proposes', () => {
    expect(barRange(chart([day]), day, uPlotSingle, 'x')).toEqual([day - DAY / 2, day + DAY / 2]);
  });

  it('runs half a day past the first and the last day when fitting the data', () => {
    const last = day + 27 * DAY;
    expect(barRange(chart([day, day + DAY, last]), day, last, 'x')).toEqual([day - DAY / 2, last + DAY / 2]);
  });

  it('keeps a window the user zoomed to', () => {
    const xs = Array.from({ length: 28 }, (_, i) => day + i * DAY);
    expect(barRange(chart(xs), day + 3 * DAY, day + 9 * DAY, 'x')).toEqual([day + 3 * DAY, day + 9 * DAY]);
  });

  it("keeps uPlot's range when there is no data", () => {
    expect(barRange(chart([]), 10, 20, 'x')).toEqual([10, 20]);
  });
});

describe('the x range of time lines', () => {
  it('is an hour either side of a single point in time', () => {
    expect(lineRange(chart([day]), day, uPlotSingle, 'x')).toEqual([day - 3600, day + 3600]);
  });

  it('is what uPlot proposes otherwise (fitting or zoomed)', () => {
    expect(lineRange(chart([day, day + 60, day + 120]), day, day + 120, 'x')).toEqual([day, day + 120]);
    expect(lineRange(chart([day, day + 60, day + 120]), day + 30, day + 90, 'x')).toEqual([
      day + 30,
      day + 90,
    ]);
  });
});

describe('the y range of bars', () => {
  const y = (min: number, max: number) => barValueRange(chart([day]), min, max, 'y');

  it('starts at zero, so a bar is as tall as its value', () => {
    expect(y(6, 6)).toEqual([0, 6.3]);
    expect(y(2, 6)).toEqual([0, 6.3]);
    expect(y(120, 1234)).toEqual([0, 1300]);
  });

  it('reaches below zero for negative values, and has a range with nothing to show', () => {
    expect(y(-50, 100)).toEqual([-60, 110]);
    expect(y(0, 0)).toEqual([0, 1]);
  });
});
