import type uPlot from 'uplot';

/**
 * Days as bars: half a day either side of the first and last day in the data. Taken from the
 * data, not from uPlot's min and max: with a single day those are not equal but a thousand days
 * apart (uPlot widens an empty range before asking), and one bar sat at the left of a 2.4-year axis.
 */
export const barRange: uPlot.Range.Function = (u, min, max) => {
  const xs = u.data[0] ?? [];
  const first = xs[0];
  const last = xs[xs.length - 1];
  if (typeof first !== 'number' || typeof last !== 'number') return [min, max];
  return [first - 43_200, last + 43_200];
};
