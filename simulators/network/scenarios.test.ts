import { describe, expect, it } from 'vitest';
import { validators } from '../../domain/index.ts';
import { scenarioEvents } from './scenarios.ts';

const T0 = Date.UTC(2026, 5, 1, 2);

describe('NE-health scenarios', () => {
  it('are deterministic and valid on the wire', () => {
    const a = scenarioEvents('site-power-loss', { seed: 7, startMs: T0, alarms: 500 });
    const b = scenarioEvents('site-power-loss', { seed: 7, startMs: T0, alarms: 500 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    for (const x of a.alarms) expect(validators.neAlarm(x).ok).toBe(true);
    for (const x of a.kpis) expect(validators.kpiSample(x).ok).toBe(true);
  });

  it('a site power loss starts with the site power alarm and spreads the storm over the duration', () => {
    const ev = scenarioEvents('site-power-loss', { seed: 1, startMs: T0, alarms: 5000, durationMs: 10_000 });
    expect(ev.alarms).toHaveLength(5000);
    expect(ev.alarms[0]).toMatchObject({
      probableCause: 'power_failure',
      severity: 'critical',
      state: 'raise',
    });
    expect(ev.alarms[0]?.cellId).toBeUndefined();
    expect((ev.alarms.at(-1)?.atMs ?? 0) - T0).toBeLessThan(10_000);
  });

  it('a flapping link goes down and up five times', () => {
    const ev = scenarioEvents('flapping-link', { seed: 1, startMs: T0 });
    expect(ev.alarms.map((a) => a.state).join(',')).toBe(Array(5).fill('raise,clear').join(','));
  });
});
