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
