import { localMsOfDay, spanAt, type CompiledWindows } from '../catalog/index.ts';

/** A maximal run of seconds of one record that fall in the same time window. */
export interface WindowRun {
  window: number;
  startMs: number;
  seconds: number;
}

/**
 * Splits `durationSec` seconds starting at `startMs` into runs by Shanghai-local time window.
 * Second k (0-based) starts at startMs + 1000·k and belongs wholly to the window in force at that
 * instant. Adjacent runs of the same window merge (a night call across midnight is one run).
 * A zero-length record gives one run of 0 s in the window of its start.
 */
export function splitByWindow(w: CompiledWindows, startMs: number, durationSec: number): WindowRun[] {
  let msOfDay = localMsOfDay(startMs);
  let span = spanAt(w, msOfDay);
  const runs: WindowRun[] = [{ window: w.spanWindow[span] ?? 0, startMs, seconds: 0 }];
  let offset = 0;
  while (offset < durationSec) {
    const atMs = startMs + offset * 1000;
    msOfDay = localMsOfDay(atMs);
    span = spanAt(w, msOfDay);
    const boundaryMs = atMs - msOfDay + (w.spanEndMs[span] ?? 86_400_000);
    const untilBoundary = Math.ceil((boundaryMs - startMs) / 1000) - offset;
    const n = Math.min(durationSec - offset, Math.max(1, untilBoundary));
    const win = w.spanWindow[span] ?? 0;
    const last = runs[runs.length - 1];
    if (last !== undefined && (last.window === win || last.seconds === 0)) {
      last.window = win;
      last.seconds += n;
    } else runs.push({ window: win, startMs: atMs, seconds: n });
    offset += n;
  }
  return runs;
}

/** Billed units after increments: 0 stays 0; else at least `first`, then whole `next` steps (rounded up). */
export function applyIncrements(units: number, first: number, next: number): number {
  if (units <= 0) return 0;
  if (units <= first) return first;
  return first + Math.ceil((units - first) / next) * next;
}

/** floor(a·b/c) exactly, for non-negative integers (falls back to BigInt beyond 2^53). */
export function mulDivFloor(a: number, b: number, c: number): number {
  const p = a * b;
  if (Number.isSafeInteger(p)) return Math.floor(p / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/**
 * Shares `total` units over runs in proportion to their seconds: the run ending at cumulative
 * second C gets floor(total·C/D) − floor(total·C_prev/D), so the parts always sum to `total`.
 * With zero duration, everything goes to the (single) first run.
 */
export function shareByTime(total: number, runs: WindowRun[], durationSec: number): number[] {
  const out = new Array<number>(runs.length);
  if (durationSec <= 0) {
    out.fill(0);
    out[0] = total;
    return out;
  }
  let cum = 0;
  let prev = 0;
  for (let i = 0; i < runs.length; i++) {
    cum += runs[i]?.seconds ?? 0;
    const upTo = mulDivFloor(total, cum, durationSec);
    out[i] = upTo - prev;
    prev = upTo;
  }
  return out;
}

/** Round half up of num/den for non-negative integers: the one rounding applied to money. */
export function roundHalfUpDiv(num: number, den: number): number {
  if (Number.isSafeInteger(num)) {
    const q = Math.floor(num / den);
    const r = num - q * den;
    return r * 2 >= den ? q + 1 : q;
  }
  const n = BigInt(num);
  const d = BigInt(den);
  const q = n / d;
  return Number((n % d) * 2n >= d ? q + 1n : q);
}
