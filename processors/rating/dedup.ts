/**
 * Remembers the CDR ids a partition has charged, with a fingerprint of what they said, so the
 * same id again changes nothing and the same id with different content is flagged. Bounded:
 * the oldest ids are forgotten first (JetStream's own dedup window guards republished batches).
 */
export class DedupIndex {
  private seen = new Map<string, string>();
  constructor(private readonly capacity: number) {}

  /** 'new' (remembered now), 'duplicate' (same content) or 'conflict' (same id, other content). */
  check(id: string, fingerprint: string): 'new' | 'duplicate' | 'conflict' {
    const prev = this.seen.get(id);
    if (prev !== undefined) return prev === fingerprint ? 'duplicate' : 'conflict';
    this.seen.set(id, fingerprint);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return 'new';
  }

  get size(): number {
    return this.seen.size;
  }
}

/** What identifies a CDR's content: enough to tell a resend from a different record under the same id. */
export function fingerprintOf(c: {
  startMs: number;
  msisdn: string;
  type: string;
  durationSec?: number;
  bytesUp?: number;
  bytesDown?: number;
  calledNumber?: string;
}): string {
  return `${c.type}|${c.msisdn}|${c.startMs}|${c.durationSec ?? ''}|${c.bytesUp ?? ''}|${c.bytesDown ?? ''}|${c.calledNumber ?? ''}`;
}
