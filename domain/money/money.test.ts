import { describe, expect, it } from 'vitest';
import { formatYuan, mulDivRoundHalfUp, parseYuan } from './index.ts';

describe('money', () => {
  it('formats fen as yuan', () => {
    expect(formatYuan(1234)).toBe('12.34');
    expect(formatYuan(-5)).toBe('-0.05');
    expect(formatYuan(0)).toBe('0.00');
  });
  it('parses yuan exactly and rejects three decimals', () => {
    expect(parseYuan('12.34')).toBe(1234);
    expect(parseYuan('0.1')).toBe(10);
    expect(parseYuan('-3')).toBe(-300);
    expect(() => parseYuan('1.005')).toThrow(/not a yuan amount/);
    expect(() => formatYuan(0.5)).toThrow(/integer/);
  });
  it('rounds half up on price × quantity / unit', () => {
    expect(mulDivRoundHalfUp(15, 1, 2)).toBe(8); // 7.5 → 8
    expect(mulDivRoundHalfUp(15, 1, 3)).toBe(5);
    expect(mulDivRoundHalfUp(3, 1_500_000, 1_048_576)).toBe(4); // 4.29 → 4
  });
});
