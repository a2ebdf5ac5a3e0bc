import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KV } from '@nats-io/kv';
import { PartitionLease } from './lease.ts';

/** A one-key KV whose updates land at once but answer only when the test lets them (a slow link). */
function slowKv() {
  let rev = 0;
  let value: string | null = null;
  const pending: (() => void)[] = [];
  const calls = { update: 0 };
  const kv = {
    create: async (_k: string, v: string) => {
      if (value !== null) throw new Error('wrong last sequence: key exists');
      value = v;
      return ++rev;
    },
    update: (_k: string, v: string, expected: number) => {
      calls.update++;
      if (expected !== rev) return Promise.reject(new Error('wrong last sequence'));
      value = v;
      const landed = ++rev;
      return new Promise<number>((resolve) => pending.push(() => resolve(landed)));
    },
    get: async () =>
      value === null ? null : { operation: 'PUT', revision: rev, json: () => JSON.parse(value ?? 'null') },
    delete: async (_k: string, o: { previousSeq: number }) => {
      if (o.previousSeq !== rev) throw new Error('wrong last sequence');
      value = null;
      rev++;
    },
  };
  return { kv: kv as unknown as KV, pending, calls, answer: () => pending.shift()?.() };
}

describe('PartitionLease', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a renewal that answers after release neither renews again nor keeps the process out', async () => {
    const s = slowKv();
    const lease = new PartitionLease(s.kv, 'rating.p3', { ttlMs: 10_000, now: () => Date.now() });
    expect(await lease.tryAcquire()).toBe(true);
    lease.keep(() => undefined);
    await vi.advanceTimersByTimeAsync(2500); // the renewal is sent; the server is slow to answer
    expect(s.calls.update).toBe(1);
    await lease.release(); // its delete fails: the renewal already moved the key on
    s.answer(); // the renewal's late answer arrives
    await vi.advanceTimersByTimeAsync(20_000);
    expect(s.calls.update).toBe(1); // no zombie renewals after release
    // the key the late renewal left is this process's own: it takes it back instead of standing by
    expect(await lease.tryAcquire()).toBe(true);
    expect(lease.held()).toBe(true);
  });

  it('does not take a lease another holder has', async () => {
    const s = slowKv();
    const a = new PartitionLease(s.kv, 'rating.p0', { ttlMs: 10_000 });
    const b = new PartitionLease(s.kv, 'rating.p0', { ttlMs: 10_000 });
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(b.held()).toBe(false);
  });
});
