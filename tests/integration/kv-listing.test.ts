/**
 * NATS KV names a key twice when it is written while the keys are listed (measured: 20,003 keys
 * listed for 20,000 with 3 rewritten meanwhile). Care lists through `Repo.keys`: a customer's
 * notices, read while one was being sent, showed that notice twice (CI at 396135b).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm, type KV } from '@nats-io/kv';
import { Type } from '@sinclair/typebox';
import { compile } from '../../domain/index.ts';
import { Repo } from '../../api/routes/care/store.ts';
import { startTestNats } from '../support/env.ts';

describe('listing keys that are being written (real nats-server)', () => {
  let env: Awaited<ReturnType<typeof startTestNats>>;
  let kv: KV;
  const enc = new TextEncoder();
  beforeAll(async () => {
    env = await startTestNats();
    kv = await new Kvm(env.nats.nc).create('listing', { history: 5 });
    await Promise.all(Array.from({ length: 20_000 }, (_, i) => kv.put(`c.${i}`, enc.encode('{}'))));
  });
  afterAll(async () => env?.close());

  it('names each key once', async () => {
    const repo = new Repo(kv, compile(Type.Object({})), 'test record');
    let stop = false;
    // keys written again and again while the list is read
    const writing = (async () => {
      for (let i = 0; !stop; i++) await kv.put(`c.${i % 20}`, enc.encode('{}'));
    })();
    const keys = await repo.keys('c.>');
    stop = true;
    await writing;
    expect(keys.length).toBe(20_000);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
