import { describe, expect, it } from 'vitest';
import { afterDeliveryAttempt, nextAttemptAtMs, type DeliveryState } from './delivery.ts';

const queued = (atMs: number): DeliveryState => ({
  state: 'queued',
  attempts: 0,
  history: [{ state: 'queued', atMs }],
});
const policy = { baseMs: 1000, stuckMs: 500 };

describe('nextAttemptAtMs: when a notice is tried again by itself', () => {
  it('backs off 1, 2, 4, 8 × base after each failure for a passing reason, then stops at five attempts', () => {
    let rec = queued(0);
    const due: (number | null)[] = [];
    for (let i = 1; i <= 5; i++) {
      rec = afterDeliveryAttempt(rec, 'gateway_unavailable', i * 10_000);
      due.push(nextAttemptAtMs(rec, policy));
    }
    expect(due).toEqual([11_000, 22_000, 34_000, 48_000, null]);
  });

  it('leaves a sent notice, a wrong number and a one-time code alone', () => {
    expect(nextAttemptAtMs(afterDeliveryAttempt(queued(0), null, 5), policy)).toBeNull();
    expect(nextAttemptAtMs(afterDeliveryAttempt(queued(0), 'number_unreachable', 5), policy)).toBeNull();
    expect(
      nextAttemptAtMs({ ...afterDeliveryAttempt(queued(0), 'temporary_failure', 5), secret: true }, policy),
    ).toBeNull();
  });

  it('takes a notice still queued (or being sent again) after the grace for one a crash stopped', () => {
    expect(nextAttemptAtMs(queued(100), policy)).toBe(600);
    const failed = afterDeliveryAttempt(queued(0), 'temporary_failure', 10);
    const again = {
      ...failed,
      state: 'retried',
      history: [...failed.history, { state: 'retried', atMs: 40 }],
    };
    expect(nextAttemptAtMs(again, policy)).toBe(540);
    // a secret one too: the sweeper must close it (it cannot send it)
    expect(nextAttemptAtMs({ ...queued(100), secret: true }, policy)).toBe(600);
  });
});
