import { Kvm, type KV } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaseKey, PartitionLease } from '../../processors/rating/lease.ts';
import { startTestNats, waitFor } from '../support/env.ts';

const TTL_MS = 2000;

describe('rating partition leases (real nats-server KV with TTL)', () => {
  let env: Awaited<ReturnType<typeof startTestNats>>;
  let kv: KV;
  beforeAll(async () => {
    env = await startTestNats();
    kv = await new Kvm(env.nats.nc).create('leases-test', { history: 1, ttl: TTL_MS });
  });
  afterAll(async () => env?.close());

  it('gives a partition to one process at a time and hands it over on release', async () => {
    const a = new PartitionLease(kv, leaseKey('rating', 0), { ttlMs: TTL_MS });
    const b = new PartitionLease(kv, leaseKey('rating', 0), { ttlMs: TTL_MS });
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(a.held()).toBe(true);
    expect(b.held()).toBe(false);
    await a.release();
    expect(a.held()).toBe(false);
    expect(await b.tryAcquire()).toBe(true);
    await b.release();
  });

  it('keeps a renewed lease past its TTL; a holder that stops renewing loses it to the next', async () => {
    const a = new PartitionLease(kv, leaseKey('rating', 1), { ttlMs: TTL_MS });
    const b = new PartitionLease(kv, leaseKey('rating', 1), { ttlMs: TTL_MS });
    let aLost = false;
    expect(await a.tryAcquire()).toBe(true);
    a.keep(() => (aLost = true));
    await new Promise((r) => setTimeout(r, TTL_MS * 1.5));
    expect(a.held()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    // a "dies": no more renewals; its own view says lost before the server lets b in
    const dead = new PartitionLease(kv, leaseKey('rating', 2), { ttlMs: TTL_MS });
    expect(await dead.tryAcquire()).toBe(true);
    const next = new PartitionLease(kv, leaseKey('rating', 2), { ttlMs: TTL_MS });
    const t0 = Date.now();
    await waitFor(() => !dead.held(), 5000, 20);
    const selfStop = Date.now() - t0;
    await waitFor(() => next.tryAcquire(), 10_000, 100);
    const takeover = Date.now() - t0;
    expect(selfStop).toBeLessThan(takeover);
    expect(takeover).toBeLessThan(TTL_MS * 3);
    expect(aLost).toBe(false);
    await a.release();
    await next.release();
  });

  it('a holder whose lease was taken over notices at its next renewal and stops', async () => {
    const a = new PartitionLease(kv, leaseKey('rating', 3), { ttlMs: TTL_MS });
    expect(await a.tryAcquire()).toBe(true);
    let lost = false;
    a.keep(() => (lost = true));
    // someone with the power to do so (an operator) deletes the lease; another process takes it
    await kv.delete(leaseKey('rating', 3));
    const b = new PartitionLease(kv, leaseKey('rating', 3), { ttlMs: TTL_MS });
    expect(await b.tryAcquire()).toBe(true);
    await waitFor(() => lost, 5000, 20);
    expect(a.held()).toBe(false);
    expect(b.held()).toBe(true);
    await b.release();
  });
});
