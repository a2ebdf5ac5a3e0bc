/**
 * Remembers the CDR ids a partition has charged, with a fingerprint of what they said, so the
 * same id again changes nothing and the same id with different content is flagged. Bounded:
 * the oldest ids are forgotten first (JetStream's own dedup window guards republished batches).
 *
 * It holds up to a million ids per partition for as long as the process lives, so it keeps no
 * JavaScript objects per id: an id is kept as a 64-bit hash and its fingerprint as a 32-bit
 * hash, in typed arrays (12 bytes an id, plus the table). A Map of strings held ~200 bytes an
 * id in the old generation, and every major GC marked them all again (measured: the rating
 * pipeline ran 15–20 % faster at 300k CDRs with the index out of the way).
 *
 * Hashes can collide, and what a collision does was chosen so no charge is ever lost silently:
 * two different ids with the same 64-bit hash (odds ~4·10⁻⁷ over 4 million ids) and different
 * content read as a 'conflict', which the worker dead-letters with its reason; only a collision
 * of both the id and the content hash (a further 2⁻³²) would be taken for a duplicate.
 */
export class DedupIndex {
  /** Insertion-ordered ring of remembered ids: hash halves and fingerprint hash. */
  private hi = new Uint32Array(0);
  private lo = new Uint32Array(0);
  private fp = new Uint32Array(0);
  /** Open-addressing table (linear probing) of ring positions + 1; 0 is an empty slot. */
  private table = new Uint32Array(0);
  private mask = 0;
  /** Ring position of the oldest id, and how many are held. */
  private head = 0;
  private count = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.resize(Math.min(capacity, 1024));
  }

  /** 'new' (remembered now), 'duplicate' (same content) or 'conflict' (same id, other content). */
  check(id: string, fingerprint: string): 'new' | 'duplicate' | 'conflict' {
    const h = hash32(id, 0x9747b28c);
    const l = hash32(id, 0x85ebca6b);
    const f = hash32(fingerprint, 0xc2b2ae35);
    const found = this.find(h, l);
    if (found >= 0) return this.fp[found] === f ? 'duplicate' : 'conflict';
    if (this.count === this.capacity) this.evictOldest();
    else if (this.count === this.hi.length) this.resize(Math.min(this.capacity, this.hi.length * 2));
    const pos = (this.head + this.count) % this.hi.length;
    this.hi[pos] = h;
    this.lo[pos] = l;
    this.fp[pos] = f;
    this.count++;
    this.place(h, pos);
    return 'new';
  }

  get size(): number {
    return this.count;
  }

  /** Ring position of the id with these hash halves, or -1. */
  private find(h: number, l: number): number {
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const v = this.table[s]!;
      if (v === 0) return -1;
      if (this.hi[v - 1] === h && this.lo[v - 1] === l) return v - 1;
    }
  }

  private place(h: number, pos: number): void {
    let s = h & this.mask;
    while (this.table[s] !== 0) s = (s + 1) & this.mask;
    this.table[s] = pos + 1;
  }

  /** Forgets the oldest id: removes its slot and shifts later probes back over the hole. */
  private evictOldest(): void {
    const pos = this.head;
    let s = this.hi[pos]! & this.mask;
    while (this.table[s] !== pos + 1) s = (s + 1) & this.mask;
    let hole = s;
    for (let j = (hole + 1) & this.mask; this.table[j] !== 0; j = (j + 1) & this.mask) {
      const home = this.hi[this.table[j]! - 1]! & this.mask;
      // An entry may fill the hole when its home slot is not inside (hole, j] going round.
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!between) {
        this.table[hole] = this.table[j]!;
        hole = j;
      }
    }
    this.table[hole] = 0;
    this.head = (this.head + 1) % this.hi.length;
    this.count--;
  }

  /** Grows the ring to `size` ids (in order, from position 0) and the table to ≥ 2× that. */
  private resize(size: number): void {
    const order = (a: Uint32Array) => {
      const next = new Uint32Array(size);
      for (let i = 0; i < this.count; i++) next[i] = a[(this.head + i) % a.length]!;
      return next;
    };
    this.hi = order(this.hi);
    this.lo = order(this.lo);
    this.fp = order(this.fp);
    this.head = 0;
    let slots = 2;
    while (slots < size * 2) slots *= 2;
    this.table = new Uint32Array(slots);
    this.mask = slots - 1;
    for (let i = 0; i < this.count; i++) this.place(this.hi[i]!, i);
  }
}

/** MurmurHash3-style 32-bit hash of a string's UTF-16 units (two seeds give 64 bits for ids). */
function hash32(s: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < s.length; i++) {
    let k = Math.imul(s.charCodeAt(i), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  h ^= s.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
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
