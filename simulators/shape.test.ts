import { describe, expect, it } from 'vitest';
import { burstFactor, dailyFactor, Timeline } from './shape.ts';
import { CdrGenerator } from './cdr-generator.ts';
import { population } from './population.ts';

// 2026-11-26 00:00 in Asia/Shanghai is 2026-11-25 16:00 UTC.
const MIDNIGHT_CST = Date.UTC(2026, 10, 25, 16, 0, 0);
const H = 3_600_000;

describe('daily traffic curve (Asia/Shanghai)', () => {
  it('peaks in the evening, is quiet before dawn and averages 1 over the day', () => {
    expect(dailyFactor(MIDNIGHT_CST + 20 * H)).toBeGreaterThan(1.4);
    expect(dailyFactor(MIDNIGHT_CST + 4 * H)).toBeLessThan(0.2);
    let sum = 0;
    for (let m = 0; m < 24 * 60; m++) sum += dailyFactor(MIDNIGHT_CST + m * 60_000);
    expect(sum / (24 * 60)).toBeCloseTo(1, 2);
  });

  it('puts more events in the evening hour than at 4 am for the same rate', () => {
    const tl = new Timeline(MIDNIGHT_CST, 10, { daily: true, seed: 1 });
    const perHour = new Array<number>(24).fill(0);
    for (;;) {
      const t = tl.next();
      if (t >= MIDNIGHT_CST + 24 * H) break;
      const h = Math.floor((t - MIDNIGHT_CST) / H);
      perHour[h] = (perHour[h] ?? 0) + 1;
    }
    expect(perHour[20]!).toBeGreaterThan(perHour[4]! * 8);
    const total = perHour.reduce((a, b) => a + b, 0);
    expect(total / 86_400).toBeGreaterThan(9);
    expect(total / 86_400).toBeLessThan(11);
  });
});

describe('bursts', () => {
  const spec = { everySec: 600, durationSec: 60, factor: 5 };
  it('last durationSec once per window, at the same seeded place on every run', () => {
    const inBurst = (seed: number) => {
      const secs: number[] = [];
      for (let s = 0; s < 600; s++) if (burstFactor(MIDNIGHT_CST + s * 1000, spec, seed) === 5) secs.push(s);
      return secs;
    };
    expect(inBurst(3)).toHaveLength(60);
    expect(inBurst(3)).toEqual(inBurst(3));
    expect(inBurst(3)).not.toEqual(inBurst(4));
  });
  it('shaped CDR times are the same for the same seed, byte for byte', () => {
    const run = () => {
      const tl = new Timeline(MIDNIGHT_CST, 50, { daily: true, bursts: spec, seed: 9 });
      const g = new CdrGenerator(9, population(9, 200, ['P1']), MIDNIGHT_CST, 50, undefined, undefined, tl);
      return JSON.stringify(Array.from({ length: 1000 }, () => g.next()));
    };
    expect(run()).toBe(run());
  });
});
