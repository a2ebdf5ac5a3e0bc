/**
 * Asia/Shanghai local time without Intl: China has used UTC+8 all year since 1991 (no DST), so local
 * time is epoch ms + 8 h. Cheap enough for the rating hot path (no Date objects, no formatting).
 */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** Milliseconds since local (Shanghai) midnight of the instant `ms`. */
export function localMsOfDay(ms: number): number {
  const r = (ms + SHANGHAI_OFFSET_MS) % DAY_MS;
  return r < 0 ? r + DAY_MS : r;
}

/** Epoch ms of the local midnight that starts the day containing `ms`. */
export function localDayStartMs(ms: number): number {
  return ms - localMsOfDay(ms);
}

/** Epoch ms of 00:00 local on the first day of the calendar month after the one containing `ms`. */
export function nextLocalMonthStartMs(ms: number): number {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - SHANGHAI_OFFSET_MS;
}

/** Epoch ms of `y-m-d hh:mm:ss` Shanghai local time (month 1..12). For tests, docs and tools. */
export function shanghaiMs(y: number, m: number, d: number, hh = 0, mm = 0, ss = 0): number {
  return Date.UTC(y, m - 1, d, hh, mm, ss) - SHANGHAI_OFFSET_MS;
}

/**
 * ISO 8601 in Shanghai local time with its offset, "2026-11-28T01:40:44.783+08:00": what exports
 * (CSV) write, so the time reads as on every screen and still parses to the same instant.
 */
export function shanghaiIso(ms: number): string {
  return `${new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 23)}+08:00`;
}
