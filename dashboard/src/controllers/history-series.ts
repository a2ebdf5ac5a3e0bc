import type uPlot from 'uplot';

/** The columnar answer of `GET /api/v1/noc/history?from=…` (sums per bucket). */
export interface ColumnAnswer {
  fromMs: number;
  toMs: number;
  stepSec: number;
  t: number[];
  series: { name: string; values: number[] }[];
}

const isNumbers = (x: unknown, length?: number): x is number[] =>
  Array.isArray(x) && (length === undefined || x.length === length) && x.every((v) => typeof v === 'number');

/** Checks the wire: a columnar answer whose every series is as long as its time axis. */
export function isColumnAnswer(x: unknown): x is ColumnAnswer {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  if (typeof o.fromMs !== 'number' || typeof o.toMs !== 'number' || typeof o.stepSec !== 'number')
    return false;
  if (!isNumbers(o.t) || !Array.isArray(o.series)) return false;
  const n = o.t.length;
  return o.series.every((s: unknown) => {
    const r = s as Record<string, unknown> | null;
    return typeof r === 'object' && r !== null && typeof r.name === 'string' && isNumbers(r.values, n);
  });
}

interface Point {
  stepSec: number;
  /** per second over the bucket, by series name */
  perSec: Map<string, number>;
}

/**
 * One chart's history at mixed resolution: the day at a coarse step with finer windows (the last
 * hour, zoomed ranges, the live tail) laid over it. Every answer replaces the points of its
 * window; values are kept per second so buckets of different widths draw on one scale. The chart
 * data is built once per change and keeps its identity in between, so the chart only gets
 * `setData` when something arrived.
 */
export class SeriesStore {
  private readonly points = new Map<number, Point>();
  private cached: { keys: string[]; data: uPlot.AlignedData } | null = null;
  /** Bumped on every merge. */
  version = 0;

  /** Lays an answer over its window [fromMs, toMs); points older than `keepMs` before now go. */
  merge(a: ColumnAnswer, nowMs = Date.now(), keepMs = 86_400_000): void {
    const from = a.fromMs / 1000;
    const to = a.toMs / 1000;
    for (const t of this.points.keys()) if (t >= from && t < to) this.points.delete(t);
    a.t.forEach((ms, i) => {
      const perSec = new Map<string, number>();
      for (const s of a.series) perSec.set(s.name, (s.values[i] ?? 0) / a.stepSec);
      this.points.set(ms / 1000, { stepSec: a.stepSec, perSec });
    });
    const cutoff = (nowMs - keepMs) / 1000;
    for (const t of this.points.keys()) if (t < cutoff) this.points.delete(t);
    this.cached = null;
    this.version++;
  }

  /** Whether any point in [fromSec, toSec) is coarser than `stepSec`. */
  coarserThan(fromSec: number, toSec: number, stepSec: number): boolean {
    for (const [t, p] of this.points)
      if (t + p.stepSec > fromSec && t < toSec && p.stepSec > stepSec) return true;
    return false;
  }

  get size(): number {
    return this.points.size;
  }

  /**
   * Series names (sorted) and the uPlot columns: x in seconds, values per second. The answers
   * hold only buckets with usage, so a stretch without any (a quiet night, the hours the system
   * was stopped) is drawn as zero, not as a line joining its two ends as if usage had ramped.
   */
  view(): { keys: string[]; data: uPlot.AlignedData } {
    if (this.cached) return this.cached;
    const ts = withEmptyBuckets(
      [...this.points.keys()].sort((a, b) => a - b),
      (t) => this.points.get(t)?.stepSec ?? 0,
    );
    const names = new Set<string>();
    for (const p of this.points.values()) for (const k of p.perSec.keys()) names.add(k);
    const keys = [...names].sort();
    const cols = keys.map((k) => ts.map((t) => this.points.get(t)?.perSec.get(k) ?? 0));
    this.cached = { keys, data: [ts, ...cols] };
    return this.cached;
  }
}

/**
 * The bucket starts with, where buckets are missing between two, the first and the last missing
 * one added (the caller gives them zero): two points per gap, whatever its length.
 */
export function withEmptyBuckets(ts: readonly number[], stepOf: (t: number) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as number;
    out.push(t);
    const next = ts[i + 1];
    if (next === undefined) break;
    const step = stepOf(t);
    const nextStep = stepOf(next);
    if (step <= 0 || t + step >= next) continue;
    out.push(t + step);
    if (next - nextStep > t + step) out.push(next - nextStep);
  }
  return out;
}
