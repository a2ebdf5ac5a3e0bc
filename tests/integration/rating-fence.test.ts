import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSubscriber } from '../../domain/rating/index.ts';
import { applyTopology } from '../../infra/nats/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import {
  loadStates,
  newFence,
  openChargingStores,
  readCheckpoint,
  saveCheckpoint,
  StateFencedError,
  type ChargingStores,
} from '../../processors/rating/store.ts';
import { PartitionWorker } from '../../processors/rating/worker.ts';
import { chunkKey, chunkOf } from '../../processors/rating/state-chunks.ts';
import { createLogger } from '../../infra/log/index.ts';
import { startTestNats } from '../support/env.ts';

const catalog = loadCatalogFile('catalog/default.json');
const msisdn = '+8613900000077';
const log = createLogger('silent');

/** A writer of partition 0 that changed one line's balance to `balanceFen` through input `seq`. */
function writer(balanceFen: number, seq: number): PartitionWorker {
  const w = new PartitionWorker(
    catalog,
    0,
    async () => new Map(),
    () => Date.now(),
  );
  const { state } = newSubscriber(catalog, {
    msisdn,
    planId: 'dazhongka-8',
    activatedAtMs: Date.UTC(2026, 10, 1),
  });
  w.states.set(msisdn, { state: { ...state, balanceFen }, throughSeq: 0 });
  w.dirty.add(msisdn);
  w.appliedThrough = seq;
  return w;
}

/**
 * Two rating processes and one partition: the one that lost the partition (a paused NATS node
 * delayed its last write) must not overwrite what the new holder saved. Found by the 180 s
 * cluster chaos run: 26 balances no longer matched their ledger.
 */
describe('fenced balance writes (real nats-server KV)', () => {
  let env: Awaited<ReturnType<typeof startTestNats>>;
  let stores: ChargingStores;
  beforeAll(async () => {
    env = await startTestNats();
    await applyTopology(env.nats.nc, env.nats.jsm, []);
    stores = await openChargingStores(env.nats.nc);
  });
  afterAll(async () => env?.close());

  it("refuses the old holder's late write and keeps the new holder's state and checkpoint", async () => {
    // the old holder A read the partition, then the new holder B read it too
    const fenceA = newFence();
    await readCheckpoint(stores.checkpoints, 0, fenceA);
    await loadStates(env.nats.js, 0, log, fenceA);
    const fenceB = newFence();
    await readCheckpoint(stores.checkpoints, 0, fenceB);
    await loadStates(env.nats.js, 0, log, fenceB);
    // B saves first (it moved on to input 20) ...
    await saveCheckpoint(stores, writer(900, 20), 5, Date.now(), fenceB);
    // ... then A's delayed write arrives (input 10): refused
    await expect(saveCheckpoint(stores, writer(100, 10), 3, Date.now(), fenceA)).rejects.toBeInstanceOf(
      StateFencedError,
    );
    const states = await loadStates(env.nats.js, 0, log);
    expect(states.get(msisdn)?.state.balanceFen).toBe(900);
    expect((await readCheckpoint(stores.checkpoints, 0))?.inputSeq).toBe(20);
    // B keeps writing with its fence
    await saveCheckpoint(stores, writer(800, 30), 6, Date.now(), fenceB);
    expect((await loadStates(env.nats.js, 0, log)).get(msisdn)?.state.balanceFen).toBe(800);
  });

  it('a checkpoint whose chunk write failed is retried at once, without taking its own landed writes for a rival', async () => {
    const other = '+8613900000123'; // another chunk of partition 0 than `msisdn`'s
    expect(chunkOf(other)).not.toBe(chunkOf(msisdn));
    const twoLines = (balanceFen: number, seq: number) => {
      const w = writer(balanceFen, seq);
      const { state } = newSubscriber(catalog, {
        msisdn: other,
        planId: 'dazhongka-8',
        activatedAtMs: Date.UTC(2026, 10, 1),
      });
      w.states.set(other, { state: { ...state, balanceFen }, throughSeq: 0 });
      w.dirty.add(other);
      return w;
    };
    const fence = newFence();
    await readCheckpoint(stores.checkpoints, 0, fence);
    await loadStates(env.nats.js, 0, log, fence);
    await saveCheckpoint(stores, twoLines(500, 40), 7, Date.now(), fence);
    // an election: the write of one chunk fails at once, the other lands but its answer is late
    const failing = chunkKey(0, chunkOf(msisdn));
    const kv = stores.balances;
    const flaky = new Proxy(kv, {
      get(target, prop, receiver) {
        if (prop !== 'update') return Reflect.get(target, prop, receiver) as unknown;
        return async (key: string, data: Uint8Array, revision: number) => {
          if (key === failing) throw new Error('no responders: $KV.balances');
          const landed = await target.update(key, data, revision);
          await new Promise((r) => setTimeout(r, 300));
          return landed;
        };
      },
    });
    await expect(
      saveCheckpoint({ ...stores, balances: flaky }, twoLines(400, 50), 8, Date.now(), fence),
    ).rejects.toThrow(/no responders/);
    // the idle checkpoint tries again: its own landed write is in the fence, so nothing is fenced
    await saveCheckpoint(stores, twoLines(300, 60), 9, Date.now(), fence);
    const saved = await loadStates(env.nats.js, 0, log);
    expect([saved.get(msisdn)?.state.balanceFen, saved.get(other)?.state.balanceFen]).toEqual([300, 300]);
  });
});
