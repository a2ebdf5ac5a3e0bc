import { hash, randomBytes } from 'node:crypto';

/** Injected id source: production uses random ids, tests and replays a deterministic one. */
export interface IdGenerator {
  next(prefix: string): string;
}

export const randomIds: IdGenerator = {
  next: (prefix) => `${prefix}-${randomBytes(9).toString('base64url')}`,
};

export function sequentialIds(start = 1): IdGenerator {
  let n = start;
  return { next: (prefix) => `${prefix}-${String(n++).padStart(8, '0')}` };
}

/** A stable idempotency id from the parts that identify a thing: same parts → same id. */
export function stableId(prefix: string, ...parts: (string | number)[]): string {
  // One-shot hash (same digest as createHash, half the cost on the ingest hot path).
  const h = hash('sha256', parts.join('\u001f'), 'base64url').slice(0, 22);
  return `${prefix}-${h}`;
}

/** Injected clock: time comes from events in processors; the wall clock only at the edges. */
export interface Clock {
  nowMs(): number;
}
export const systemClock: Clock = { nowMs: () => Date.now() };
export function fixedClock(startMs: number): Clock & { advance(ms: number): void } {
  let t = startMs;
  return { nowMs: () => t, advance: (ms) => void (t += ms) };
}
