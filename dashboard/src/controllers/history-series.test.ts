import { describe, expect, it } from 'vitest';
import { SeriesStore, withEmptyBuckets } from './history-series.ts';

const H = 3_600_000;
const answer = (fromMs: number, toMs: number, stepSec: number, t: number[], voice: number[]) => ({
  fromMs,
  toMs,
  stepSec,
  t,
  series: [{ name: 'voice', values: voice }],
});

describe('SeriesStore.view', () => {
  it('draws hours without usage as zero, not as a line joining their two ends', () => {
    const now = Date.UTC(2026, 10, 28, 4);
    const s = new SeriesStore();
    // 15-minute buckets: usage at 01:45 and 02:00, then nothing until 03:15 (the system was stopped).
    const at = (h: number, m: number) => Date.UTC(2026, 10, 28, h, m);
    s.merge(answer(now - 4 * H, now, 900, [at(1, 45), at(2, 0), at(3, 15)], [900, 1800, 900]), now);
    const [x, voice] = s.view().data as [number[], number[]];
    expect(x.map((t) => new Date(t * 1000).toISOString().slice(11, 16))).toEqual([
      '01:45',
      '02:00',
      '02:15',
      '03:00',
      '03:15',
    ]);
    expect(voice).toEqual([1, 2, 0, 0, 1]);
  });

  it('adds nothing between adjacent buckets, and one zero for a single missing bucket', () => {
    const step = () => 60;
    expect(withEmptyBuckets([0, 60, 120], step)).toEqual([0, 60, 120]);
    expect(withEmptyBuckets([0, 120], step)).toEqual([0, 60, 120]);
    // a coarse bucket that reaches into the finer ones after it: no gap
    expect(withEmptyBuckets([0, 600, 660], (t) => (t === 0 ? 900 : 60))).toEqual([0, 600, 660]);
  });
});
