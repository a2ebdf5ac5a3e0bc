import type { Clock } from '../../domain/index.ts';

/** One CDR as the live page shows it: masked number, no personal data beyond that. */
export interface LiveCdr {
  cdrId: string;
  msisdnMasked: string;
  type: 'voice' | 'sms' | 'data';
  region: string;
  startMs: number;
  durationSec: number;
  bytes: number;
  chargeFen: number;
}

/** The one coalesced message pushed to the NOC room at most a few times per second. */
export interface LiveSnapshot {
  atMs: number;
  cdrsPerSec: number;
  totalCdrs: number;
  badPayloads: number;
  latest: LiveCdr[];
  /**
   * The rate of the last two minutes, one [epoch ms, CDRs/s] per second, oldest first: only in
   * the picture a viewer gets on joining, so their chart starts with the minutes they missed.
   */
  recent?: [number, number][];
}

export interface CoalescerOptions {
  /** Rate is averaged over this window. */
  rateWindowMs?: number;
  /** Resolution of the rate buckets. */
  bucketMs?: number;
  latestMax?: number;
  /** How much rate history a joining viewer gets (one sample a second). */
  historyMs?: number;
}

/**
 * Accumulates CDR counts and the latest CDRs between pushes (pure: time comes from the clock).
 * `take()` returns a snapshot only when something a viewer would see changed since the last one.
 */
export class LiveCoalescer {
  private readonly windowMs: number;
  private readonly bucketMs: number;
  private readonly latestMax: number;
  private readonly buckets = new Map<number, number>();
  private readonly startedMs: number;
  private total = 0;
  private bad = 0;
  private latest: LiveCdr[] = [];
  private dirty = true;
  private lastRate = -1;
  private readonly historyMs: number;
  /** One [ms, rate] per second, taken as the pushes are (whether or not one was sent). */
  private readonly history: [number, number][] = [];

  constructor(
    private readonly clock: Clock,
    o: CoalescerOptions = {},
  ) {
    this.windowMs = o.rateWindowMs ?? 2000;
    this.bucketMs = o.bucketMs ?? 100;
    this.latestMax = o.latestMax ?? 20;
    this.historyMs = o.historyMs ?? 120_000;
    this.startedMs = clock.nowMs();
  }

  /** Counts `count` CDRs now; `newest` are the ones to show (any order, newest last). */
  add(count: number, newest: LiveCdr[] = []): void {
    if (count <= 0 && newest.length === 0) return;
    const b = Math.floor(this.clock.nowMs() / this.bucketMs);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + count);
    this.total += count;
    if (newest.length) {
      const keep = newest.slice(-this.latestMax).reverse();
      this.latest = keep.concat(this.latest).slice(0, this.latestMax);
    }
    this.dirty = true;
  }

  badPayload(): void {
    this.bad += 1;
    this.dirty = true;
  }

  /** CDRs per second over the window (over the elapsed time while the window is not yet full). */
  rate(): number {
    const now = this.clock.nowMs();
    const oldest = Math.floor((now - this.windowMs) / this.bucketMs);
    let sum = 0;
    for (const [b, n] of this.buckets) {
      if (b <= oldest) this.buckets.delete(b);
      else sum += n;
    }
    const spanMs = Math.max(this.bucketMs, Math.min(this.windowMs, now - this.startedMs));
    return Math.round((sum * 1000) / spanMs);
  }

  /** The current picture, whether or not it changed (for a viewer who just joined). */
  current(): LiveSnapshot {
    return {
      atMs: this.clock.nowMs(),
      cdrsPerSec: this.rate(),
      totalCdrs: this.total,
      badPayloads: this.bad,
      latest: this.latest,
    };
  }

  /** The rate of the last `historyMs`, one sample a second, oldest first (a copy). */
  recent(): [number, number][] {
    return this.history.map(([ms, v]) => [ms, v]);
  }

  private sample(atMs: number, rate: number): void {
    const last = this.history[this.history.length - 1];
    if (last && Math.floor(last[0] / 1000) === Math.floor(atMs / 1000)) return;
    this.history.push([atMs, rate]);
    let old = 0;
    while (old < this.history.length && (this.history[old]?.[0] ?? 0) <= atMs - this.historyMs) old++;
    if (old) this.history.splice(0, old);
  }

  /**
   * A snapshot if anything visible changed since the last `take`, else null. Called on the push
   * timer, so it also samples the rate history a joining viewer gets.
   */
  take(): LiveSnapshot | null {
    const snap = this.current();
    this.sample(snap.atMs, snap.cdrsPerSec);
    if (!this.dirty && snap.cdrsPerSec === this.lastRate) return null;
    this.dirty = false;
    this.lastRate = snap.cdrsPerSec;
    return snap;
  }
}
