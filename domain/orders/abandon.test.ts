import { describe, expect, it } from 'vitest';
import { abandonedAtMs, isAbandoned, lastProgressMs, type OrderProgress } from './abandon.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const order = (over: Partial<OrderProgress> = {}): OrderProgress => ({
  status: 'open',
  createdAtMs: T0,
  steps: { customer_info: { atMs: T0 }, plan_selection: {}, contract: {} },
  ...over,
});

describe('abandoned orders (订单超时)', () => {
  it('counts from the last step done, failed or reported by a device, not from the opening', () => {
    const o = order({
      steps: { customer_info: { atMs: T0 }, plan_selection: { atMs: T0 + 2 * DAY }, contract: {} },
      activation: { sim_activation: { atMs: T0 + 3 * DAY } },
    });
    expect(lastProgressMs(o)).toBe(T0 + 3 * DAY);
    expect(abandonedAtMs(o, 7)).toBe(T0 + 10 * DAY);
    expect(isAbandoned(o, T0 + 10 * DAY - 1, 7)).toBe(false);
    expect(isAbandoned(o, T0 + 10 * DAY, 7)).toBe(true);
  });

  it('an order opened and left: abandoned the given number of days later (7 by default)', () => {
    expect(isAbandoned(order(), T0 + 7 * DAY - 1)).toBe(false);
    expect(isAbandoned(order(), T0 + 7 * DAY)).toBe(true);
    expect(isAbandoned(order(), T0 + 2 * DAY, 2)).toBe(true);
  });

  it('a completed or withdrawn order is never abandoned', () => {
    for (const status of ['completed', 'cancelled']) {
      expect(abandonedAtMs(order({ status }))).toBeNull();
      expect(isAbandoned(order({ status }), T0 + 365 * DAY)).toBe(false);
    }
  });
});
