import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../domain/index.ts';
import { LiveCoalescer, type LiveCdr } from './coalescer.ts';
import { maskMsisdn } from './mask.ts';

const cdr = (i: number): LiveCdr => ({
  cdrId: `c-${i}`,
  msisdnMasked: '+86138****5678',
  type: 'data',
  region: 'bj',
  startMs: 1_700_000_000_000 + i,
  durationSec: 1,
  bytes: 100,
  chargeFen: 3,
});

describe('live coalescer', () => {
  it('keeps one rate sample a second for the last two minutes, for a viewer who joins late', () => {
    const clock = fixedClock(1_700_000_000_000);
    const c = new LiveCoalescer(clock, { rateWindowMs: 1000, historyMs: 120_000 });
    // five ticks a second for three minutes, 10 CDRs per tick; nothing changes after the first
    // second, so most ticks push nothing, yet every second is sampled
    for (let i = 0; i < 900; i++) {
      clock.advance(200);
      c.add(i < 600 ? 10 : 0);
      c.take();
    }
    const recent = c.recent();
    expect(recent).toHaveLength(120);
    expect(recent[0]![0]).toBeGreaterThan(clock.nowMs() - 120_000);
    expect(recent[119]![0]).toBe(clock.nowMs());
    // one per second, in order
    for (let i = 1; i < recent.length; i++) expect(recent[i]![0] - recent[i - 1]![0]).toBe(1000);
    // the rate was 50/s until 2 minutes in, then nothing: the last minute is zero
    expect(recent[0]![1]).toBe(50);
    expect(recent.slice(-55).every(([, v]) => v === 0)).toBe(true);
    // a copy: the caller cannot change the history
    recent.length = 0;
    expect(c.recent()).toHaveLength(120);
  });

  it('coalesces many batches into one snapshot with totals, rate and newest-first latest', () => {
    const clock = fixedClock(1_700_000_000_000);
    const c = new LiveCoalescer(clock, { rateWindowMs: 1000, latestMax: 3 });
    clock.advance(1000);
    for (let i = 0; i < 10; i++) c.add(100, [cdr(i * 2), cdr(i * 2 + 1)]);
    const s = c.take();
    expect(s).not.toBeNull();
    expect(s?.totalCdrs).toBe(1000);
    expect(s?.cdrsPerSec).toBe(1000);
    expect(s?.latest.map((x) => x.cdrId)).toEqual(['c-19', 'c-18', 'c-17']);
  });

  it('returns nothing when nothing visible changed, and reports the rate falling to zero once', () => {
    const clock = fixedClock(1_700_000_000_000);
    const c = new LiveCoalescer(clock, { rateWindowMs: 1000 });
    clock.advance(2000);
    c.add(50);
    expect(c.take()?.cdrsPerSec).toBe(50);
    expect(c.take()).toBeNull();
    clock.advance(1500);
    const s = c.take();
    expect(s?.cdrsPerSec).toBe(0);
    expect(s?.totalCdrs).toBe(50);
    expect(c.take()).toBeNull();
  });

  it('averages over the elapsed time while the window is not yet full', () => {
    const clock = fixedClock(1_700_000_000_000);
    const c = new LiveCoalescer(clock, { rateWindowMs: 2000 });
    clock.advance(500);
    c.add(100);
    expect(c.current().cdrsPerSec).toBe(200);
  });

  it('counts bad payloads without touching the totals', () => {
    const c = new LiveCoalescer(fixedClock(1_700_000_000_000));
    c.badPayload();
    expect(c.take()).toMatchObject({ badPayloads: 1, totalCdrs: 0 });
  });
});

describe('msisdn masking', () => {
  it('keeps the prefix and the last four digits', () => {
    expect(maskMsisdn('+8613812345678')).toBe('+86138****5678');
    expect(maskMsisdn('+4930123')).toBe('+49****23');
  });
});
