/**
 * Hot KV records (every request's session, the customer a care agent has open) kept in memory to
 * save a NATS round trip per read. A change must still be seen everywhere at once, so:
 *
 * - a KV watch on the bucket (updates only) evicts a key as soon as it changes on any API instance
 *   (logout, a profile change, a purge);
 * - a read that raced with any change is not cached (the change counter moved during the read);
 * - entries older than `maxAgeMs` are read again, as a net under a watch that silently lags;
 * - while the watch is not running (not started yet, or ended with the connection) nothing is cached.
 *
 * Pure bookkeeping with the clock injected; `watchBucket` (kv-watch.ts) wires the watch.
 */
import type { Clock } from '../../domain/index.ts';

export interface WatchedCacheOptions {
  /** Most records kept; the oldest cached is dropped first. */
  max: number;
  /** A cached record is read again from KV after this long. */
  maxAgeMs: number;
}

export const defaultWatchedCache: WatchedCacheOptions = { max: 20_000, maxAgeMs: 5_000 };

export class WatchedCache<S> {
  private readonly entries = new Map<string, { value: S; atMs: number }>();
  private changes = 0;
  private live = false;

  constructor(
    private readonly clock: Clock,
    private readonly o: WatchedCacheOptions = defaultWatchedCache,
  ) {}

  /** The watch is running: caching may start. */
  watching(): void {
    this.live = true;
  }

  /** The watch ended: forget everything and stop caching until it runs again. */
  stopped(): void {
    this.live = false;
    this.entries.clear();
    this.changes++;
  }

  /** A key changed somewhere (watch event or a local write). */
  changed(key: string): void {
    this.changes++;
    this.entries.delete(key);
  }

  get(key: string): S | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.clock.nowMs() - e.atMs >= this.o.maxAgeMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** A token for `store`: take it before the KV read. */
  mark(): number {
    return this.changes;
  }

  /** Caches what a KV read returned, unless anything changed since `mark` was taken. */
  store(key: string, value: S, mark: number): void {
    if (!this.live || mark !== this.changes || this.o.max <= 0) return;
    if (this.entries.size >= this.o.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, atMs: this.clock.nowMs() });
  }

  get size(): number {
    return this.entries.size;
  }
}
