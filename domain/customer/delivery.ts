/** What every notification record keeps about its delivery attempts. */
export interface DeliveryState {
  state: string;
  attempts: number;
  reason?: string;
  history: { state: string; atMs: number; reason?: string }[];
}

/**
 * The record after one delivery attempt: sent, or failed with the gateway's reason; the attempt
 * is counted and added to the history (last 50 kept). Pure, shared by the care outbox and the
 * charging notices.
 */
export function afterDeliveryAttempt<T extends DeliveryState>(
  rec: T,
  reason: string | null,
  atMs: number,
): T {
  const state = reason ? 'failed' : 'sent';
  const next: T = {
    ...rec,
    state,
    attempts: rec.attempts + 1,
    history: [...rec.history, { state, atMs, ...(reason ? { reason } : {}) }].slice(-50),
  };
  if (reason) next.reason = reason;
  else delete next.reason;
  return next;
}

/** Attempts a notice gets in all, by itself and by hand together. */
export const MAX_DELIVERY_ATTEMPTS = 5;

/** Gateway reasons another attempt will not change (a wrong number or address): only by hand. */
export const PERMANENT_DELIVERY_FAILURES: ReadonlySet<string> = new Set([
  'number_unreachable',
  'mailbox_unreachable',
]);

export interface RetryPolicy {
  /** Wait after the first failed attempt; doubled after each further one (default 1 min). */
  baseMs: number;
  /**
   * How long a notice may stay queued or in sending before it is taken for one a crash stopped
   * between its write and its send (default 1 min).
   */
  stuckMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 60_000, stuckMs: 60_000 };

/**
 * When a notice should be tried again without anyone asking, or null when it should not:
 *  - queued or being sent again, and not finished: `stuckMs` after that began (a crash stopped it);
 *  - failed for a passing reason (a gateway outage, a temporary error): 1, 2, 4, 8 × `baseMs`
 *    after the last attempt, up to MAX_DELIVERY_ATTEMPTS in all;
 *  - never when it was sent, failed for good (a wrong number), carried a one-time code (the code
 *    is not kept: the customer asks for a new one), or used its attempts.
 */
export function nextAttemptAtMs(
  rec: DeliveryState & { secret?: boolean },
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): number | null {
  const last = rec.history.at(-1);
  if (!last || rec.state === 'sent') return null;
  if (rec.state === 'queued' || rec.state === 'retried') return last.atMs + policy.stuckMs;
  if (rec.secret || rec.attempts >= MAX_DELIVERY_ATTEMPTS) return null;
  if (rec.reason && PERMANENT_DELIVERY_FAILURES.has(rec.reason)) return null;
  return last.atMs + policy.baseMs * 2 ** Math.max(0, rec.attempts - 1);
}
