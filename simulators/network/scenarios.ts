import type { KpiSample, NeAlarm } from '../../domain/index.ts';
import { Rng } from '../rng.ts';

/** Named fault scenarios of the NE-health simulator. */
export const SCENARIOS = [
  'cell-outage',
  'site-power-loss',
  'flapping-link',
  'region-congestion',
  'healthy',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export class ScenarioError extends Error {
  readonly code = 'SCENARIO_INVALID';
}

export interface ScenarioOptions {
  seed: number;
  startMs: number;
  /** Site to break, e.g. GD-GZ-0012 (default depends on the scenario). */
  siteId?: string;
  /** Sectors (cells) per site. */
  sectors?: number;
  /** Site power loss: alarms to send in total (the storm), over durationMs. */
  alarms?: number;
  durationMs?: number;
  /** Clear the fault this long after it started (omit = the fault stays). */
  clearAfterMs?: number;
  /** Region congestion: how many cells congest. */
  congestedCells?: number;
}

export interface NetworkEvents {
  alarms: NeAlarm[];
  kpis: KpiSample[];
}

const regionOf = (siteId: string) => siteId.slice(0, 2);
const cellsOf = (siteId: string, sectors: number) =>
  Array.from({ length: sectors }, (_, i) => `${siteId}-${i + 1}`);

function mk(
  run: string,
  n: number,
  siteId: string,
  p: Pick<NeAlarm, 'neId' | 'probableCause' | 'severity' | 'state' | 'atMs'> & { cellId?: string },
): NeAlarm {
  return {
    alarmId: `${run}-${n}`,
    siteId,
    region: regionOf(siteId),
    ...p,
    ...(p.cellId ? { cellId: p.cellId } : {}),
    text: `${p.probableCause} ${p.state}`,
  };
}

/**
 * Deterministic alarm and KPI events of one scenario (same options → same events, same ids),
 * sorted by time:
 * - cell-outage: one cell goes out of service (major);
 * - site-power-loss: the site's power alarm first, then a storm of cell, link and battery alarms
 *   from every NE of the site, repeated until `alarms` were sent over `durationMs`;
 * - flapping-link: the site's transmission link goes down and up five times, 20 s apart;
 * - region-congestion: `congestedCells` cells of the region report congestion for three periods;
 * - healthy: normal KPI samples only.
 */
export function scenarioEvents(name: ScenarioName, o: ScenarioOptions): NetworkEvents {
  const rng = new Rng(o.seed);
  const siteId = o.siteId ?? 'GD-GZ-0012';
  if (!/^[A-Z]{2}-[A-Z]{2}-\d{4}$/.test(siteId))
    throw new ScenarioError(`site id ${siteId} must look like GD-GZ-0012`);
  const cells = cellsOf(siteId, o.sectors ?? 3);
  const run = `sim-${name}-${siteId}-${o.seed}-${o.startMs}`;
  const alarms: NeAlarm[] = [];
  const kpis: KpiSample[] = [];
  let n = 0;
  const t0 = o.startMs;
  const ne = (kind: string) => `${kind}-${siteId}`;
  switch (name) {
    case 'cell-outage': {
      const cellId = cells[0] as string;
      alarms.push(
        mk(run, n++, siteId, {
          neId: ne('ENB'),
          cellId,
          probableCause: 'cell_unavailable',
          severity: 'major',
          state: 'raise',
          atMs: t0,
        }),
      );
      if (o.clearAfterMs !== undefined)
        alarms.push(
          mk(run, n++, siteId, {
            neId: ne('ENB'),
            cellId,
            probableCause: 'cell_unavailable',
            severity: 'major',
            state: 'clear',
            atMs: t0 + o.clearAfterMs,
          }),
        );
      break;
    }
    case 'site-power-loss': {
      const total = Math.max(1, o.alarms ?? 200);
      const duration = o.durationMs ?? 10_000;
      alarms.push(
        mk(run, n++, siteId, {
          neId: ne('PWR'),
          probableCause: 'power_failure',
          severity: 'critical',
          state: 'raise',
          atMs: t0,
        }),
      );
      const kinds: { neId: string; probableCause: string; severity: NeAlarm['severity']; cellId?: string }[] =
        [
          { neId: ne('PWR'), probableCause: 'mains_failure', severity: 'critical' },
          { neId: ne('PWR'), probableCause: 'battery_low', severity: 'major' },
          { neId: ne('TX'), probableCause: 'link_down', severity: 'major' },
          ...cells.map((cellId) => ({
            neId: ne('ENB'),
            cellId,
            probableCause: 'cell_unavailable',
            severity: 'major' as const,
          })),
          ...cells.map((cellId) => ({
            neId: ne('ENB'),
            cellId,
            probableCause: 'loss_of_signal',
            severity: 'minor' as const,
          })),
        ];
      for (let i = 1; i < total; i++) {
        const k = rng.pick(kinds);
        const at = t0 + Math.floor((i * duration) / total);
        alarms.push(mk(run, n++, siteId, { ...k, state: 'raise', atMs: at }));
      }
      if (o.clearAfterMs !== undefined) {
        const at = t0 + Math.max(duration, o.clearAfterMs);
        for (const k of kinds) alarms.push(mk(run, n++, siteId, { ...k, state: 'clear', atMs: at }));
        alarms.push(
          mk(run, n++, siteId, {
            neId: ne('PWR'),
            probableCause: 'power_failure',
            severity: 'critical',
            state: 'clear',
            atMs: at + 1,
          }),
        );
      }
      break;
    }
    case 'flapping-link':
      for (let i = 0; i < 5; i++) {
        const p = { neId: ne('TX'), probableCause: 'link_down', severity: 'major' as const };
        alarms.push(mk(run, n++, siteId, { ...p, state: 'raise', atMs: t0 + i * 20_000 }));
        alarms.push(
          mk(run, n++, siteId, { ...p, state: 'clear', atMs: t0 + i * 20_000 + 3_000 + rng.int(0, 2000) }),
        );
      }
      break;
    case 'region-congestion': {
      const region = regionOf(siteId);
      const city = siteId.slice(3, 5);
      const count = o.congestedCells ?? 4;
      for (let period = 0; period < 3; period++)
        for (let c = 0; c < count; c++) {
          const cellId = `${region}-${city}-${String(100 + c).padStart(4, '0')}-1`;
          kpis.push({
            neId: `ENB-${cellId.slice(0, 10)}`,
            cellId,
            region,
            metric: 'congestion_rate',
            value: 0.4 + rng.int(0, 40) / 100,
            periodSec: 300,
            atMs: t0 + period * 300_000,
          });
        }
      if (o.clearAfterMs !== undefined)
        for (let c = 0; c < count; c++) {
          const cellId = `${region}-${city}-${String(100 + c).padStart(4, '0')}-1`;
          kpis.push({
            neId: `ENB-${cellId.slice(0, 10)}`,
            cellId,
            region,
            metric: 'congestion_rate',
            value: 0.05,
            periodSec: 300,
            atMs: t0 + o.clearAfterMs,
          });
        }
      break;
    }
    case 'healthy':
      break;
  }
  for (const cellId of cells)
    kpis.push(
      {
        neId: ne('ENB'),
        cellId,
        region: regionOf(siteId),
        metric: 'call_drop_rate',
        value: rng.int(2, 12) / 1000,
        periodSec: 300,
        atMs: t0 - 300_000,
      },
      {
        neId: ne('ENB'),
        cellId,
        region: regionOf(siteId),
        metric: 'attach_success_rate',
        value: 0.97 + rng.int(0, 29) / 1000,
        periodSec: 300,
        atMs: t0 - 300_000,
      },
    );
  alarms.sort((a, b) => a.atMs - b.atMs);
  kpis.sort((a, b) => a.atMs - b.atMs);
  return { alarms, kpis };
}
