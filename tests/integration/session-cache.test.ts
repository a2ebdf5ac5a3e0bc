import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthStore } from '../../api/auth/index.ts';
import { applyTopology } from '../../infra/nats/index.ts';
import { systemClock } from '../../domain/index.ts';
import { startTestNats } from '../support/env.ts';

/** Two API instances share the sessions bucket: a logout on one ends the session on the other at once. */
describe('session cache across API instances', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let a: AuthStore;
  let b: AuthStore;
  beforeAll(async () => {
    nats = await startTestNats();
    await applyTopology(nats.nats.nc, nats.nats.jsm, []);
    // a long max age: only the watch can end the session on instance A within the test
    const cache = { max: 100, maxAgeMs: 600_000 };
    a = await AuthStore.open(nats.nats.nc, systemClock, cache);
    b = await AuthStore.open(nats.nats.nc, systemClock, cache);
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    await nats?.close();
  });

  it('drops a session revoked on another instance, and never serves an unknown token', async () => {
    const user = { username: 'agent-x', role: 'agent' as const, passwordHash: 'x' };
    const { token } = await b.openSession(user, 600);
    expect((await a.getSession(token))?.username).toBe('agent-x');
    expect((await a.getSession(token))?.username).toBe('agent-x'); // now from A's cache
    await b.closeSession(token);
    await expect.poll(() => a.getSession(token), { timeout: 2000, interval: 20 }).toBeNull();
    expect(await a.getSession('not-a-token')).toBeNull();
  });

  it('after close, reads go to KV (a revoked session is never served from a stale cache)', async () => {
    const user = { username: 'agent-y', role: 'agent' as const, passwordHash: 'x' };
    const { token } = await a.openSession(user, 600);
    expect(await a.getSession(token)).not.toBeNull();
    a.close();
    await b.closeSession(token);
    expect(await a.getSession(token)).toBeNull();
  });
});
