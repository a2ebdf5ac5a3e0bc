import { decodeBatch, encodeBatch } from '../../domain/index.ts';

/**
 * Re-stamps a recorded batch as new events (load tests): every time moves by `shiftMs` (never
 * past `nowMs`, so ingest does not refuse them as future), batch and event ids get `~suffix`.
 * New times give new CDR ids, so the pipeline counts them as new usage. Pure.
 * Returns null when the payload is not a batch (it is then replayed unchanged).
 */
export function restampPayload(
  data: Uint8Array,
  shiftMs: number,
  nowMs: number,
  suffix: string,
): { data: Uint8Array; batchId: string } | null {
  const env = decodeBatch(data);
  if (!env.ok) return null;
  const items = env.batch.items.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    const o = { ...(item as Record<string, unknown>) };
    for (const key of ['startMs', 'atMs'] as const) {
      const v = o[key];
      if (typeof v === 'number') o[key] = Math.min(v + shiftMs, nowMs);
    }
    if (typeof o.eventId === 'string') o.eventId = `${o.eventId}~${suffix}`.slice(-64);
    return o;
  });
  const batchId = `${env.batch.batchId}~${suffix}`.slice(-128);
  return { data: encodeBatch(batchId, items), batchId };
}
