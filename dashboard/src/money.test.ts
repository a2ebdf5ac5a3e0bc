import { describe, expect, it } from 'vitest';
import { fenFromYuan } from './money.ts';

describe('fenFromYuan: an amount typed in yuan, as integer fen', () => {
  it('reads whole yuan, one or two decimals, by the digits', () => {
    expect(fenFromYuan('50')).toBe(5000);
    expect(fenFromYuan(' 12.5 ')).toBe(1250);
    expect(fenFromYuan('0.29')).toBe(29); // Math.round(0.29 * 100) happens to be right; 0.29 * 100 is not
    expect(fenFromYuan('1234567.89')).toBe(123456789);
  });
  it('refuses what is not an amount', () => {
    for (const bad of ['', '-1', '1.234', '1e3', '１２', '12.', 'abc']) expect(fenFromYuan(bad)).toBeNaN();
  });
  it('reads back amounts written with two decimals', () => {
    for (const fen of [0, 1, 99, 3900, 123456])
      expect(fenFromYuan(`${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`)).toBe(fen);
  });
});
