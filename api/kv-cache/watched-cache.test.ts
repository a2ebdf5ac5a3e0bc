import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../domain/index.ts';
import { WatchedCache } from './watched-cache.ts';

const opts = { max: 2, maxAgeMs: 1000 };

describe('WatchedCache', () => {
  it('caches nothing until the watch runs, and forgets everything when it stops', () => {
    const c = new WatchedCache<string>(fixedClock(0), opts);
    c.store('a', 'A', c.mark());
    expect(c.get('a')).toBeUndefined();
    c.watching();
    c.store('a', 'A', c.mark());
    expect(c.get('a')).toBe('A');
    c.stopped();
    expect(c.get('a')).toBeUndefined();
    c.store('a', 'A', c.mark());
    expect(c.get('a')).toBeUndefined();
  });

  it('does not cache a read that raced with a change (a logout during the read)', () => {
    const c = new WatchedCache<string>(fixedClock(0), opts);
    c.watching();
    const mark = c.mark();
    c.changed('a');
    c.store('a', 'stale', mark);
    expect(c.get('a')).toBeUndefined();
  });

  it('evicts on change, re-reads after maxAgeMs, and keeps at most `max` entries', () => {
    const clock = fixedClock(0);
    const c = new WatchedCache<string>(clock, opts);
    c.watching();
    c.store('a', 'A', c.mark());
    c.changed('a');
    expect(c.get('a')).toBeUndefined();
    c.store('a', 'A', c.mark());
    clock.advance(999);
    expect(c.get('a')).toBe('A');
    clock.advance(1);
    expect(c.get('a')).toBeUndefined();
    for (const k of ['x', 'y', 'z']) c.store(k, k, c.mark());
    expect(c.size).toBe(2);
    expect(c.get('x')).toBeUndefined();
    expect(c.get('z')).toBe('z');
  });
});
