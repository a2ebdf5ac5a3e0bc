import { describe, expect, it } from 'vitest';
import { shanghaiIso, shanghaiMs } from './time.ts';

describe('Shanghai time in exports', () => {
  it('writes the local time with its +08:00 offset, and parses back to the same instant', () => {
    const ms = shanghaiMs(2026, 11, 28, 1, 40, 44) + 783;
    expect(shanghaiIso(ms)).toBe('2026-11-28T01:40:44.783+08:00');
    expect(Date.parse(shanghaiIso(ms))).toBe(ms);
    // Before local midnight in UTC terms, already the next day in Shanghai.
    expect(shanghaiIso(Date.UTC(2026, 11, 31, 16, 0, 0))).toBe('2027-01-01T00:00:00.000+08:00');
  });
});
