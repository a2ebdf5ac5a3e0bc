import type uPlot from 'uplot';
import type { Alarm, HistoryRow } from './types.ts';

export type Metric = 'cdrs' | 'chargeFen' | 'bytes';

/**
 * Per-minute history rows kept by minute, so a fresh tail replaces the minutes it covers. Pivots
 * are computed once per merge and cached: the NOC page re-renders on every live push, and a day
 * of rows (tens of thousands) must not be pivoted again each time — the cached arrays also keep
 * their identity, so the charts only get `setData` when the history really changed.
 */
export class HistoryStore {
  private readonly byMinute = new Map<number, HistoryRow[]>();
  private sortedMinutes: number[] = [];
  private readonly cache = new Map<string, { keys: string[]; data: uPlot.AlignedData }>();
  /** Bumped on every merge. */
  version = 0;

  merge(rows: HistoryRow[], keepMs = 86_400_000): void {
    const fresh = new Map<number, HistoryRow[]>();
    for (const r of rows) {
      const list = fresh.get(r.minuteMs);
      if (list) list.push(r);
      else fresh.set(r.minuteMs, [r]);
    }
    for (const [m, rs] of fresh) this.byMinute.set(m, rs);
    const cutoff = Date.now() - keepMs;
    for (const m of this.byMinute.keys()) if (m < cutoff) this.byMinute.delete(m);
    this.sortedMinutes = [...this.byMinute.keys()].sort((a, b) => a - b);
    this.cache.clear();
    this.version++;
  }

  get size(): number {
    return this.byMinute.size;
  }

  /** One series per group key (service or region), x = minute in seconds, values per second. */
  pivot(metric: Metric, by: 'type' | 'region'): { keys: string[]; data: uPlot.AlignedData } {
    const id = `${metric}|${by}`;
    const hit = this.cache.get(id);
    if (hit) return hit;
    const minutes = this.sortedMinutes;
    const index = new Map<string, number>();
    for (const rs of this.byMinute.values()) for (const r of rs) if (!index.has(r[by])) index.set(r[by], 0);
    const ks = [...index.keys()].sort();
    ks.forEach((k, i) => index.set(k, i));
    const cols = ks.map(() => new Array<number | null>(minutes.length).fill(0));
    for (let i = 0; i < minutes.length; i++)
      for (const r of this.byMinute.get(minutes[i] as number) ?? []) {
        const col = cols[index.get(r[by]) as number] as number[];
        col[i] = (col[i] as number) + r[metric] / 60;
      }
    const out = { keys: ks, data: [minutes.map((m) => m / 1000), ...cols] as uPlot.AlignedData };
    this.cache.set(id, out);
    return out;
  }

  /** Totals of the last complete minute, per second. */
  lastMinute(): { cdrs: number; chargeFen: number; bytes: number } {
    const minutes = this.sortedMinutes;
    const m = minutes.length > 1 ? minutes[minutes.length - 2] : minutes[0];
    const out = { cdrs: 0, chargeFen: 0, bytes: 0 };
    for (const r of m === undefined ? [] : (this.byMinute.get(m) ?? [])) {
      out.cdrs += r.cdrs / 60;
      out.chargeFen += r.chargeFen / 60;
      out.bytes += r.bytes / 60;
    }
    return out;
  }

  /** CDRs per minute of one region: mean of the last `recent` minutes vs the hour before them. */
  regionTrend(region: string, recent = 5): { recent: number; before: number } {
    const minutes = this.sortedMinutes.slice(0, -1);
    const sum = (ms: number[]) =>
      ms.reduce(
        (a, m) =>
          a + (this.byMinute.get(m) ?? []).filter((r) => r.region === region).reduce((x, r) => x + r.cdrs, 0),
        0,
      ) / Math.max(1, ms.length);
    return { recent: sum(minutes.slice(-recent)), before: sum(minutes.slice(-recent - 60, -recent)) };
  }
}

export interface RiskRow {
  region: string;
  alarms: number;
  recentPerMin: number;
  beforePerMin: number;
  dropPct: number;
  atRiskFenPerHour: number;
}

/**
 * Revenue at risk: regions with active alarms whose CDR rate fell by 20 % or more against the hour
 * before; the missing share of that hour's revenue is what is at risk.
 */
export function revenueAtRisk(
  store: HistoryStore,
  alarms: Alarm[],
  revenuePerMinByRegion: Map<string, number>,
): RiskRow[] {
  const byRegion = new Map<string, number>();
  for (const a of alarms)
    if (a.active) byRegion.set(a.region, (byRegion.get(a.region) ?? 0) + 1 + a.children);
  const out: RiskRow[] = [];
  for (const [region, n] of byRegion) {
    const tr = store.regionTrend(region);
    const drop = tr.before > 0 ? Math.max(0, 1 - tr.recent / tr.before) : 0;
    if (drop < 0.2) continue;
    out.push({
      region,
      alarms: n,
      recentPerMin: Math.round(tr.recent),
      beforePerMin: Math.round(tr.before),
      dropPct: Math.round(drop * 100),
      atRiskFenPerHour: Math.round((revenuePerMinByRegion.get(region) ?? 0) * 60 * drop),
    });
  }
  return out.sort((a, b) => b.atRiskFenPerHour - a.atRiskFenPerHour);
}
