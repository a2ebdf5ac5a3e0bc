import { describe, expect, it } from 'vitest';
import type { KpiSample } from '../events/index.ts';
import { checkKpiSample, emptyRegionKpi, reduceKpi, type KpiEffect, type RegionKpiState } from './kpi.ts';

const T0 = Date.UTC(2026, 5, 1);
const sample = (cellId: string, metric: string, value: number, i: number): KpiSample => ({
  neId: 'ENB-1',
  cellId,
  region: 'GD',
  metric,
  value,
  periodSec: 60,
  atMs: T0 + i * 60_000,
});
function feed(samples: KpiSample[], st: RegionKpiState = emptyRegionKpi('GD')) {
  const effects: KpiEffect[] = [];
  for (const s of samples) {
    const r = reduceKpi(st, s);
    st = r.state;
    effects.push(...r.effects);
  }
  return { st, effects };
}

describe('KPI thresholds with hysteresis', () => {
  it('a drop rate hovering around the threshold opens one ticket and does not flap', () => {
    const values = [0.01, 0.035, 0.04, 0.028, 0.031, 0.029, 0.033, 0.025];
    const r = feed(values.map((v, i) => sample('GD-GZ-0001-1', 'call_drop_rate', v, i)));
    expect(r.effects.map((e) => e.kind)).toEqual(['breach']);
    expect(r.effects[0]).toMatchObject({ ticketId: expect.stringMatching(/^TT-/) });
    const rec = feed([sample('GD-GZ-0001-1', 'call_drop_rate', 0.015, 20)], r.st);
    expect(rec.effects).toEqual([
      expect.objectContaining({
        kind: 'recover',
        ticketId: r.effects[0]?.kind === 'breach' ? r.effects[0].ticketId : '',
      }),
    ]);
  });

  it('one breached sample alone is not enough (needs two in a row)', () => {
    const r = feed([0.5, 0.1, 0.5, 0.1].map((v, i) => sample('GD-GZ-0001-1', 'congestion_rate', v, i)));
    expect(r.effects).toEqual([]);
  });

  it('three congested cells in a region make one region congestion ticket that clears with them', () => {
    const cells = ['GD-GZ-0001-1', 'GD-GZ-0002-1', 'GD-SZ-0003-2', 'GD-SZ-0004-1'];
    const hot = cells.flatMap((c) => [
      sample(c, 'congestion_rate', 0.5, 1),
      sample(c, 'congestion_rate', 0.6, 2),
    ]);
    const r = feed(hot);
    expect(r.effects.filter((e) => e.kind === 'region_congestion')).toHaveLength(1);
    const cool = cells.map((c) => sample(c, 'congestion_rate', 0.05, 3));
    const r2 = feed(cool, r.st);
    expect(r2.effects.filter((e) => e.kind === 'region_congestion_cleared')).toHaveLength(1);
  });

  it('rejects out-of-range values and unknown cells; flags old samples', () => {
    expect(checkKpiSample(sample('GD-GZ-0001-1', 'call_drop_rate', 7, 0))?.code).toBe('kpi_out_of_range');
    expect(checkKpiSample(sample('nope', 'call_drop_rate', 0.1, 0))?.code).toBe('unknown_ne');
    const r = feed([
      sample('GD-GZ-0001-1', 'call_drop_rate', 0.01, 5),
      sample('GD-GZ-0001-1', 'call_drop_rate', 0.5, 1),
    ]);
    expect(r.effects).toEqual([expect.objectContaining({ kind: 'flag', code: 'out_of_order' })]);
  });
});

describe('KPI trend detection', () => {
  const run = (values: number[]) => {
    let st: RegionKpiState = emptyRegionKpi('GD');
    const effects: KpiEffect[] = [];
    values.forEach((v, i) => {
      const r = reduceKpi(st, sample('GD-GZ-0001-1', 'call_drop_rate', v, i));
      st = r.state;
      effects.push(...r.effects);
    });
    return effects;
  };

  it('warns once when a metric worsens on consecutive samples before it reaches the threshold', () => {
    const effects = run([0.005, 0.008, 0.011, 0.015, 0.019, 0.022, 0.024]);
    expect(effects.filter((e) => e.kind === 'trend')).toEqual([
      expect.objectContaining({ kind: 'trend', metric: 'call_drop_rate', value: 0.019 }),
    ]);
    expect(effects.some((e) => e.kind === 'breach')).toBe(false);
  });

  it('does not warn on a metric that wobbles, nor after the threshold opened a ticket', () => {
    expect(run([0.01, 0.012, 0.011, 0.013, 0.012, 0.014, 0.013]).some((e) => e.kind === 'trend')).toBe(false);
    const breached = run([0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1]);
    expect(breached.some((e) => e.kind === 'breach')).toBe(true);
    expect(breached.some((e) => e.kind === 'trend')).toBe(false);
  });
});
