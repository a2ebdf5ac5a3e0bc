/**
 * Abandoned orders (订单超时): an open new-line order holds a number (号码预占) and may hold a
 * device and a technician's visit. One nobody moves on for `idleDays` is withdrawn by the
 * system, so what it holds goes back. Progress is any step done or failed, any activation result,
 * or the order's opening.
 */

/** Days without progress after which an open order is withdrawn, unless configured otherwise. */
export const DEFAULT_ORDER_IDLE_DAYS = 7;
const DAY_MS = 86_400_000;

/** What the rule reads of an order. */
export interface OrderProgress {
  status: string;
  createdAtMs: number;
  steps: Record<string, { atMs?: number | undefined }>;
  activation?: Record<string, { atMs?: number | undefined }>;
}

/** The last time anything happened on the order. */
export function lastProgressMs(o: OrderProgress): number {
  let last = o.createdAtMs;
  for (const s of Object.values(o.steps)) if (s.atMs !== undefined && s.atMs > last) last = s.atMs;
  for (const s of Object.values(o.activation ?? {})) if (s.atMs !== undefined && s.atMs > last) last = s.atMs;
  return last;
}

/** When the order counts as abandoned if nothing happens before then; null unless it is open. */
export function abandonedAtMs(o: OrderProgress, idleDays = DEFAULT_ORDER_IDLE_DAYS): number | null {
  return o.status === 'open' ? lastProgressMs(o) + idleDays * DAY_MS : null;
}

/** Whether an open order has gone `idleDays` without progress at `nowMs`. */
export function isAbandoned(o: OrderProgress, nowMs: number, idleDays = DEFAULT_ORDER_IDLE_DAYS): boolean {
  const at = abandonedAtMs(o, idleDays);
  return at !== null && nowMs >= at;
}
