import { describe, expect, it } from 'vitest';
import { followsDirectly } from './input-order.ts';

const d = (deliverySequence: number, redelivered = false) => ({
  seq: 100 + deliverySequence,
  redelivered,
  info: { deliverySequence },
});

describe('followsDirectly: when an input is known to come right after the last one applied', () => {
  it('is true for consecutive first deliveries', () => {
    expect(followsDirectly(7, d(8))).toBe(true);
  });
  it('is false when a delivery is missing in between (lost on its way, or skipped here)', () => {
    expect(followsDirectly(7, d(9))).toBe(false);
  });
  it('is false for a redelivery, which may come after later inputs', () => {
    expect(followsDirectly(7, d(8, true))).toBe(false);
  });
  it('is false for the first delivery of a session or after a redelivery (nothing to follow)', () => {
    expect(followsDirectly(0, d(1))).toBe(false);
  });
});
