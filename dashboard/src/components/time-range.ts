import type uPlot from 'uplot';

const HALF_DAY = 43_200;
const HOUR = 3_600;

/** First and last x of the chart's data (epoch seconds), or null without data. */
function extent(u: uPlot): [number, number] | null {
  const xs = u.data[0] ?? [];
  const first = xs[0];
  const last = xs[xs.length - 1];
  return typeof first === 'number' && typeof last === 'number' ? [first, last] : null;
}

/**
 * The x range of daily bars. uPlot asks with the data's extent when it fits the chart to its data
 * and with the user's window when they drag-zoom. The whole data gets half a day either side so
 * the first and last bars show whole; a zoomed window is kept as chosen. A single day is
 * special: uPlot widens it before asking (by 86,400,000 s — its "one day" in milliseconds while
 * the scale is in seconds), which drew one bar at the left of an axis running 2027–2029.
 */
export const barRange: uPlot.Range.Function = (u, min, max) => {
  const x = extent(u);
  if (!x) return [min, max];
  const [first, last] = x;
  if (first === last || (min <= first && max >= last)) return [first - HALF_DAY, last + HALF_DAY];
  return [min, max];
};

/**
 * The x range of time lines: as uPlot proposes, except for a single point in time (a chart's
 * first minute), which uPlot widens to a thousand days: an hour either side of it instead.
 */
export const lineRange: uPlot.Range.Function = (u, min, max) => {
  const x = extent(u);
  if (x && x[0] === x[1]) return [x[0] - HOUR, x[0] + HOUR];
  return [min, max];
};

/**
 * The y range of bars: from zero (or below it, for negative values), so a bar's height is its
 * value. uPlot's own range fits the data, and a day of 6 CDRs drew as a bar rising from 1.5.
 */
export const barValueRange: uPlot.Range.Function = (_u, min, max) => {
  const low = Math.min(0, min);
  const high = Math.max(0, max);
  if (low === high) return [0, 1];
  // 5 % headroom, rounded up at the second significant digit (6 → 6.3, 1234 → 1300).
  const span = high - low;
  const step = 10 ** (Math.floor(Math.log10(span)) - 1);
  const round = (v: number) => Number((Math.ceil(v / step) * step).toPrecision(12));
  return [low < 0 ? -round(-low + span * 0.05) : 0, round(high + span * 0.05)];
};
