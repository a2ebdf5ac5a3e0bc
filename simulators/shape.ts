import { Rng } from './rng.ts';

/**
 * Relative traffic by hour of day in China Standard Time (Asia/Shanghai, UTC+8, no daylight
 * saving): quiet before dawn, a morning ramp, a lunch dip, the evening peak. Mean is 1, so a
 * shaped run at `rate` events/s still averages `rate` over a whole day.
 */
const HOURLY = [
  0.35, 0.22, 0.15, 0.12, 0.12, 0.18, 0.38, 0.75, 1.15, 1.35, 1.45, 1.4, 1.2, 1.25, 1.35, 1.38, 1.4, 1.45,
  1.5, 1.62, 1.7, 1.6, 1.2, 0.7,
];
const MEAN = HOURLY.reduce((a, b) => a + b, 0) / HOURLY.length;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const HOUR_MS = 3_600_000;

/** Traffic factor at an instant: linear between the hourly points of the Asia/Shanghai day. */
export function dailyFactor(epochMs: number): number {
  const local = (((epochMs + SHANGHAI_OFFSET_MS) % 86_400_000) + 86_400_000) % 86_400_000;
  const h = Math.floor(local / HOUR_MS);
  const frac = (local - h * HOUR_MS) / HOUR_MS;
  const a = HOURLY[h] as number;
  const b = HOURLY[(h + 1) % 24] as number;
  return (a + (b - a) * frac) / MEAN;
}

/** Short bursts (a concert, a match, a news alert): one per `everySec` window, at a seeded offset. */
export interface BurstSpec {
  everySec: number;
  durationSec: number;
  /** Multiplier of the rate while a burst lasts. */
  factor: number;
}

export interface TrafficShape {
  /** Follow the Asia/Shanghai daily curve. */
  daily: boolean;
  bursts?: BurstSpec;
  /** Seeds where bursts fall (same seed → same bursts). */
  seed: number;
}

export class ShapeError extends Error {
  readonly code = 'SIM_SHAPE_INVALID';
}

/** The burst multiplier at an instant: 1 outside bursts. Pure and random-access. */
export function burstFactor(epochMs: number, b: BurstSpec, seed: number): number {
  if (b.everySec <= 0 || b.durationSec <= 0 || b.durationSec >= b.everySec)
    throw new ShapeError('bursts need 0 < durationSec < everySec');
  const everyMs = b.everySec * 1000;
  const n = Math.floor(epochMs / everyMs);
  const offsetMs = new Rng((seed * 7_919 + n) | 0).int(0, (b.everySec - b.durationSec) * 1000);
  const inWindow = epochMs - n * everyMs - offsetMs;
  return inWindow >= 0 && inWindow < b.durationSec * 1000 ? b.factor : 1;
}

export function shapeFactor(epochMs: number, s: TrafficShape): number {
  let f = s.daily ? dailyFactor(epochMs) : 1;
  if (s.bursts) f *= burstFactor(epochMs, s.bursts, s.seed);
  return f;
}

/**
 * Virtual event times: the gap after an event at t is 1000 / (rate × factor(t)) ms, so events
 * crowd into peaks and bursts and thin out at night. Deterministic for the same inputs.
 */
export class Timeline {
  private t: number;
  constructor(
    startMs: number,
    private readonly ratePerSec: number,
    private readonly shape?: TrafficShape,
  ) {
    if (!(ratePerSec > 0)) throw new ShapeError('rate must be > 0');
    this.t = startMs;
  }
  /** Time of the next event, without taking it. */
  peek(): number {
    return Math.floor(this.t);
  }
  /** An independent copy at the same position (to look ahead without consuming). */
  clone(): Timeline {
    const c = new Timeline(0, this.ratePerSec, this.shape);
    c.t = this.t;
    return c;
  }
  next(): number {
    const now = this.t;
    const f = this.shape ? shapeFactor(now, this.shape) : 1;
    this.t = now + 1000 / (this.ratePerSec * Math.max(f, 1e-3));
    return Math.floor(now);
  }
}
