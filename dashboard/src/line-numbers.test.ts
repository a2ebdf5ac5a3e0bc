import { describe, expect, it } from 'vitest';
import { wholeNumber } from './line-numbers.ts';

describe('wholeNumber: which known number a masked line is', () => {
  it('keeps a number that is not masked', () => {
    expect(wholeNumber('+8613800000042', [])).toBe('+8613800000042');
  });
  it('unmasks with the one known number that masks to it', () => {
    expect(wholeNumber('+86138****0042', ['+8613900000001', '+8613800000042'])).toBe('+8613800000042');
    expect(wholeNumber('+86138****0042', ['+8613800000042', '+8613800000042'])).toBe('+8613800000042');
  });
  it('leaves it masked when no known number, or more than one, fits', () => {
    expect(wholeNumber('+86138****0042', ['', '+8613800000043'])).toBe('');
    expect(wholeNumber('+86138****0042', ['+8613800000042', '+8613811110042'])).toBe('');
  });
});
