/**
 * A change of owner (过户) ends the hall accounts and sessions bound to the number. They are found
 * through a number index, not a scan of every login; accounts and sessions from before the index
 * are indexed once when the store opens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { AuthStore } from '../../api/auth/index.ts';
import { sessionKey } from '../../api/auth/store.ts';
import { applyTopology } from '../../infra/nats/index.ts';
import { systemClock } from '../../domain/index.ts';
import { startTestNats } from '../support/env.ts';

const NUMBER = '+8613700000777';
const OTHER = '+8613700000778';
const customer = (username: string, customerMsisdn: string) => ({
  username,
  role: 'customer' as const,
  passwordHash: 'x',
  customerMsisdn,
});

describe('hall accounts and sessions by number (real nats-server)', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
    await applyTopology(nats.nats.nc, nats.nats.jsm, []);
  });
  afterAll(async () => nats?.close());

  it('ends the number’s accounts and sessions only, including those from before the index', async () => {
    const kvm = new Kvm(nats.nats.nc);
    const [users, sessions] = [await kvm.open('users'), await kvm.open('sessions')];
    // written as a version without the index did: no index entries
    const enc = new TextEncoder();
    await users.put('old.owner', enc.encode(JSON.stringify(customer('old.owner', NUMBER))));
    const oldToken = 'token-from-before-the-index';
    const oldSession = {
      username: 'old.owner',
      role: 'customer',
      customerMsisdn: NUMBER,
      expiresAtMs: Date.now() + 600_000,
    };
    await sessions.put(sessionKey(oldToken), enc.encode(JSON.stringify(oldSession)));

    const store = await AuthStore.open(nats.nats.nc, systemClock);
    try {
      expect(await store.createUser(customer('new.login', NUMBER))).toBe(true);
      expect(await store.createUser(customer('neighbour', OTHER))).toBe(true);
      const { token } = await store.openSession(customer('new.login', NUMBER), 600);
      const other = await store.openSession(customer('neighbour', OTHER), 600);
      expect(await store.getSession(oldToken)).not.toBeNull();

      expect((await store.revokeNumber(NUMBER)).sort()).toEqual(['new.login', 'old.owner']);
      expect(await store.getUser('old.owner')).toBeNull();
      expect(await store.getUser('new.login')).toBeNull();
      expect(await store.getSession(token)).toBeNull();
      expect(await store.getSession(oldToken)).toBeNull();
      // the neighbour's number is another's: untouched
      expect(await store.getUser('neighbour')).not.toBeNull();
      expect(await store.getSession(other.token)).not.toBeNull();
      // a second revoke finds nothing left
      expect(await store.revokeNumber(NUMBER)).toEqual([]);
    } finally {
      store.close();
    }
  });
});
