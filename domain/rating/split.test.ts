import { describe, it, expect } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import { applyIncrements, roundHalfUpDiv, shareByTime, splitByWindow } from './split.ts';
import { defaultCatalog } from './test-fixtures.ts';

const w = defaultCatalog().windows; // night 00:00–07:00, peak 07:00–19:00, offpeak 19:00–23:00, night 23:00–24:00
const runs = (startMs: number, sec: number) =>
  splitByWindow(w, startMs, sec).map((r) => [w.ids[r.window], r.seconds, r.startMs - startMs]);

describe('splitByWindow', () => {
  it('keeps a call inside one window whole', () => {
    expect(runs(shanghaiMs(2025, 3, 3, 10, 0, 0), 192)).toEqual([['peak', 192, 0]]);
  });
  it('splits at 07:00 (night → peak)', () => {
    expect(runs(shanghaiMs(2025, 3, 3, 6, 59, 30), 60)).toEqual([
      ['night', 30, 0],
      ['peak', 30, 30_000],
    ]);
  });
  it('does not split at midnight inside the night window', () => {
    expect(runs(shanghaiMs(2025, 3, 3, 23, 59, 0), 120)).toEqual([['night', 120, 0]]);
  });
  it('splits a session crossing two boundaries (19:00 and 23:00)', () => {
    expect(runs(shanghaiMs(2025, 3, 3, 18, 30, 0), 5 * 3600)).toEqual([
      ['peak', 1800, 0],
      ['offpeak', 4 * 3600, 1_800_000],
      ['night', 1800, 16_200_000],
    ]);
  });
  it('splits a session spanning midnight and 07:00 the next day', () => {
    expect(runs(shanghaiMs(2025, 3, 3, 22, 0, 0), 10 * 3600)).toEqual([
      ['offpeak', 3600, 0],
      ['night', 8 * 3600, 3_600_000],
      ['peak', 3600, 32_400_000],
    ]);
  });
  it('gives each second to the window in force when it starts (sub-second start)', () => {
    expect(runs(shanghaiMs(2025, 3, 3, 6, 59, 59) + 500, 2)).toEqual([
      ['night', 1, 0],
      ['peak', 1, 1000],
    ]);
  });
  it('gives a zero-length record one empty run in its start window', () => {
    expect(runs(shanghaiMs(2025, 3, 3, 20, 0, 0), 0)).toEqual([['offpeak', 0, 0]]);
  });
});

describe('applyIncrements', () => {
  it('rounds up to the first increment then whole steps', () => {
    expect(applyIncrements(0, 60, 6)).toBe(0);
    expect(applyIncrements(1, 60, 6)).toBe(60);
    expect(applyIncrements(60, 60, 6)).toBe(60);
    expect(applyIncrements(61, 60, 6)).toBe(66);
    expect(applyIncrements(192, 60, 6)).toBe(192);
    expect(applyIncrements(193, 60, 6)).toBe(198);
    expect(applyIncrements(1500, 1024, 1024)).toBe(2048);
  });
});

describe('shareByTime', () => {
  it('shares volume in proportion to time and always sums exactly', () => {
    const r = splitByWindow(w, shanghaiMs(2025, 3, 3, 18, 30, 0), 5 * 3600);
    const parts = shareByTime(1_000_001, r, 5 * 3600);
    expect(parts).toEqual([100_000, 800_000, 100_001]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1_000_001);
  });
  it('handles volumes whose product with seconds exceeds 2^53', () => {
    const r = splitByWindow(w, shanghaiMs(2025, 3, 3, 18, 30, 0), 5 * 3600);
    const total = 999_999_999_999;
    const parts = shareByTime(total, r, 5 * 3600);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
    expect(parts[0]).toBe(99_999_999_999);
  });
});

describe('roundHalfUpDiv', () => {
  it('rounds money half up', () => {
    expect(roundHalfUpDiv(990, 60)).toBe(17); // 16.5 → 17
    expect(roundHalfUpDiv(989, 60)).toBe(16);
    expect(roundHalfUpDiv(0, 60)).toBe(0);
    expect(roundHalfUpDiv(2 ** 60, 2 ** 10)).toBe(2 ** 50);
  });
});
