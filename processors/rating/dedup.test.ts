import { describe, expect, it } from 'vitest';
import { DedupIndex, fingerprintOf } from './dedup.ts';

/** What the index must answer: a Map of id → fingerprint that forgets its oldest id first. */
class ReferenceIndex {
  private seen = new Map<string, string>();
  constructor(private readonly capacity: number) {}
  check(id: string, fp: string): 'new' | 'duplicate' | 'conflict' {
    const prev = this.seen.get(id);
    if (prev !== undefined) return prev === fp ? 'duplicate' : 'conflict';
    this.seen.set(id, fp);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
    return 'new';
  }
  get size() {
    return this.seen.size;
  }
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure replays. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('CDR dedup index', () => {
  it('tells a new id, a resend and a resend with other content apart', () => {
    const d = new DedupIndex(10);
    expect(d.check('cdr-1', 'voice|+8613800000001|1000|60')).toBe('new');
    expect(d.check('cdr-1', 'voice|+8613800000001|1000|60')).toBe('duplicate');
    expect(d.check('cdr-1', 'voice|+8613800000001|1000|61')).toBe('conflict');
    expect(d.check('cdr-2', 'voice|+8613800000001|1000|60')).toBe('new');
    expect(d.size).toBe(2);
  });

  it('forgets the oldest ids first once full, and only those', () => {
    const d = new DedupIndex(3);
    for (const id of ['a', 'b', 'c', 'd']) expect(d.check(id, 'x')).toBe('new');
    expect(d.size).toBe(3);
    expect(d.check('b', 'x')).toBe('duplicate');
    expect(d.check('d', 'x')).toBe('duplicate');
    expect(d.check('a', 'x')).toBe('new'); // forgotten, so charged again: the bound is documented
    expect(d.check('b', 'x')).toBe('new'); // 'a' coming back pushed out 'b'
  });

  it('answers exactly as a FIFO map would, through growth, eviction and crowded table slots', () => {
    for (const capacity of [1, 2, 7, 50, 1000, 3000]) {
      const next = rng(capacity);
      const d = new DedupIndex(capacity);
      const ref = new ReferenceIndex(capacity);
      const pool = capacity * 3;
      for (let op = 0; op < 40_000; op++) {
        const id = `cdr-${Math.floor(next() * pool)}`;
        const fp = next() < 0.05 ? 'other' : 'same';
        const want = ref.check(id, fp);
        const got = d.check(id, fp);
        if (got !== want) throw new Error(`capacity ${capacity}, op ${op}: ${id} gave ${got}, want ${want}`);
      }
      expect(d.size).toBe(ref.size);
    }
  });

  it('keeps a million distinct ids apart (no false duplicates from the hashes)', () => {
    const d = new DedupIndex(1_000_000);
    let notNew = 0;
    for (let i = 0; i < 1_000_000; i++)
      if (d.check(`cdr-${i.toString(36)}-x`, String(i & 7)) !== 'new') notNew++;
    expect(notNew).toBe(0);
    let dup = 0;
    for (let i = 0; i < 1_000_000; i += 97)
      if (d.check(`cdr-${i.toString(36)}-x`, String(i & 7)) === 'duplicate') dup++;
    expect(dup).toBe(Math.ceil(1_000_000 / 97));
  });

  it('refuses a capacity it cannot hold', () => {
    expect(() => new DedupIndex(0)).toThrow(RangeError);
  });

  it('fingerprints a CDR by what it says, so a changed field is another fingerprint', () => {
    const cdr = {
      type: 'data',
      msisdn: '+8613800000001',
      startMs: 1,
      durationSec: 60,
      bytesUp: 1,
      bytesDown: 2,
    };
    expect(fingerprintOf(cdr)).toBe(fingerprintOf({ ...cdr }));
    expect(fingerprintOf(cdr)).not.toBe(fingerprintOf({ ...cdr, bytesDown: 3 }));
  });
});
