import uPlot from 'uplot';
import { date } from '../time.ts';

/** Share of the space between two x values that a group of bars may take (the rest is the gap). */
const GROUP_SHARE = 0.72;
/** Widest a single bar is drawn, in CSS pixels. */
const MAX_BAR_PX = 28;
/** Least room a day label needs on the axis, in CSS pixels. */
const LABEL_PX = 56;
const DAY_SEC = 86_400;

/** Smallest step between consecutive xs (the slot a group of bars sits in); a day for one x. */
export function slotOf(xs: ArrayLike<number>): number {
  let slot = Infinity;
  for (let i = 1; i < xs.length; i++) slot = Math.min(slot, xs[i]! - xs[i - 1]!);
  return Number.isFinite(slot) && slot > 0 ? slot : DAY_SEC;
}

/**
 * Where the bars of series `k` (0-based, of `n`) start, and how wide each is, in x-scale units:
 * the n series of an x stand side by side, centred on it, each at most `maxWidth` wide.
 */
export function groupLayout(
  xs: ArrayLike<number>,
  k: number,
  n: number,
  maxWidth = Infinity,
): { x0: number[]; width: number } {
  const width = Math.min((slotOf(xs) * GROUP_SHARE) / n, maxWidth);
  const group = width * n;
  return { x0: Array.from(xs, (x) => x - group / 2 + k * width), width };
}

const xsOf = (u: uPlot) => (u.data[0] ?? []) as ArrayLike<number>;
/** x-scale units per CSS pixel of the plot. */
const perPx = (u: uPlot) => (u.posToVal(100, 'x') - u.posToVal(0, 'x')) / 100;

/**
 * uPlot bars for series `k` of `n`, grouped side by side. uPlot's plain bars draw every series
 * at the same x, so the last series (data, usually the largest) hid voice and SMS behind it.
 */
export function groupedBars(k: number, n: number): uPlot.Series.PathBuilder | undefined {
  const layout = (u: uPlot) => groupLayout(xsOf(u), k, n, MAX_BAR_PX * perPx(u));
  const scaleValue = 1 as uPlot.Series.BarsPathBuilderFacetUnit;
  return uPlot.paths.bars?.({
    size: [1, MAX_BAR_PX],
    disp: {
      x0: { unit: scaleValue, values: (u) => layout(u).x0 }, // indexed like the data
      size: { unit: scaleValue, values: (u) => [layout(u).width] },
    },
  });
}

/**
 * The axis of daily bars: one tick per day with data (thinned so labels do not overlap), labelled
 * with its date. uPlot's time ticks put hours under a single day's bars.
 */
export function dayTicks(xs: ArrayLike<number>, min: number, max: number, plotPx: number): number[] {
  const inView = Array.from(xs).filter((x) => x >= min && x <= max);
  const every = Math.max(1, Math.ceil((inView.length * LABEL_PX) / Math.max(1, plotPx)));
  return inView.filter((_, i) => i % every === 0);
}

export const dayAxis: Pick<uPlot.Axis, 'splits' | 'values'> = {
  splits: (u, _axis, min, max) => dayTicks(xsOf(u), min, max, u.bbox.width / devicePixelRatio),
  values: (_u, splits) => splits.map((s) => date(s * 1000).slice(5)),
};
