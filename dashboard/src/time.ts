import uPlot from 'uplot';
import { SHANGHAI_OFFSET_MS } from '../../domain/catalog/time.ts';

/**
 * Every time on screen is Beijing time (Asia/Shanghai, UTC+8 all year), whatever zone the browser
 * is set to: it is the zone of the tariff windows, the days of the usage report, bills and SLAs,
 * so a call the customer made at 22:30 reads 22:30 beside its night rate on every screen.
 * Written year-first in both languages ("2026-11-27 18:05:09"), which neither misreads.
 */
export const CARRIER_TIME_ZONE = 'Asia/Shanghai';

/** `YYYY-MM-DDTHH:mm:ss` of the instant in Beijing time. */
const beijing = (ms: number): string => new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19);

/** "2026-11-27 18:05:09" */
export const dateTime = (ms: number): string => beijing(ms).replace('T', ' ');
/** "11-27 18:05", for tight tables of near times (the full time goes in their CSV and title). */
export const shortDateTime = (ms: number): string => beijing(ms).slice(5, 16).replace('T', ' ');
/** "2026-11-27" */
export const date = (ms: number): string => beijing(ms).slice(0, 10);
/**
 * The last day an exclusive end covers: periods, validity and due dates end at a local midnight
 * that belongs to the next day (a month ending 2026-12-01 00:00 is valid through 2026-11-30).
 */
export const lastDay = (endMs: number): string => date(endMs - 1);
/** "18:05:09" */
export const clockTime = (ms: number): string => beijing(ms).slice(11, 19);

/** The value of a `datetime-local` input showing the instant in Beijing time ("2026-11-27T18:05"). */
export const dateTimeInput = (ms: number): string => beijing(ms).slice(0, 16);

/** The instant a `datetime-local` input's value names in Beijing time; NaN when it is not one. */
export function fromDateTimeInput(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return Number.NaN;
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = m.slice(1).map((part) => Number(part ?? 0));
  return Date.UTC(y, mo - 1, d, h, mi, s) - SHANGHAI_OFFSET_MS;
}

/** uPlot's `tzDate`: chart axes and legends in Beijing time (uPlot's x values are seconds). */
export const chartDate = (sec: number): Date => uPlot.tzDate(new Date(sec * 1000), CARRIER_TIME_ZONE);

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
/**
 * Time-axis labels for uPlot (its table form: tick spacing in seconds, the label, then what the
 * first tick of a new year / day / minute adds beneath): 24-hour clock and year-first dates in
 * both languages, where uPlot's default wrote "3pm" and "11/27/26".
 */
export const timeAxisValues: (string | number | null)[][] = [
  [DAY * 365, '{YYYY}', null, null, null, null, null, null, 1],
  [DAY * 28, '{YYYY}-{MM}', null, null, null, null, null, null, 1],
  [DAY, '{MM}-{DD}', '\n{YYYY}', null, null, null, null, null, 1],
  [HOUR, '{HH}:{mm}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
  [MINUTE, '{HH}:{mm}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
  [1, '{HH}:{mm}:{ss}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
  // Under a second apart: short labels, the minute beneath the first of each (as uPlot does).
  [
    0.001,
    ':{ss}.{fff}',
    '\n{YYYY}-{MM}-{DD} {HH}:{mm}',
    null,
    '\n{MM}-{DD} {HH}:{mm}',
    null,
    '\n{HH}:{mm}',
    null,
    1,
  ],
];

/** The month before the one `nowMs` falls in, in Beijing time ("2026-10" on any day of 2026-11). */
export function previousMonth(nowMs: number): string {
  const d = new Date(nowMs + SHANGHAI_OFFSET_MS);
  const y = d.getUTCMonth() === 0 ? d.getUTCFullYear() - 1 : d.getUTCFullYear();
  const m = d.getUTCMonth() === 0 ? 12 : d.getUTCMonth();
  return `${y}-${String(m).padStart(2, '0')}`;
}
