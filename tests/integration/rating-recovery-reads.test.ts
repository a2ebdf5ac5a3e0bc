import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSubscriber } from '../../domain/rating/index.ts';
import { applyTopology, subjects } from '../../infra/nats/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import {
  hasMessageFrom,
  MAX_EMPTY_READS,
  readRange,
  type FetchBatch,
} from '../../processors/rating/recovery.ts';
import {
  loadStates,
  openChargingStores,
  readBucket,
  readCheckpoint,
  saveCheckpoint,
  type ChargingStores,
} from '../../processors/rating/store.ts';
import { chunkKey, chunkOf } from '../../processors/rating/state-chunks.ts';
import { partitionOf } from '../../domain/index.ts';
import { PartitionWorker } from '../../processors/rating/worker.ts';
import { startTestNats } from '../support/env.ts';

const log = createLogger('silent');
const catalog = loadCatalogFile('catalog/default.json');

/** Milliseconds `fn` took, with its result. */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/**
 * What a rating partition reads when it recovers (its saved states, its outputs after the
 * checkpoint, its inputs after that), on a real nats-server. A range with nothing in it is
 * answered at once: each used to cost a fetch's full 1 s expiry, so a partition with nothing to
 * replay took 3 s to start rating again after every restart or crash.
 */
describe('rating recovery reads (real nats-server)', () => {
  let env: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    env = await startTestNats();
    await applyTopology(env.nats.nc, env.nats.jsm, []);
    for (let i = 0; i < 6; i++) await env.nats.js.publish(subjects.cdr(i % 2), `input-${i}`);
  });
  afterAll(async () => env?.close());

  it('reads exactly the messages of one partition from a sequence, in order', async () => {
    const seen: string[] = [];
    const first = (await env.nats.jsm.streams.info('CDR')).state.first_seq;
    const n = await readRange(env.nats.js, 'CDR', subjects.charging(1), first, (m) => {
      seen.push(new TextDecoder().decode(m.data));
    });
    expect(n).toBe(3);
    expect(seen).toEqual(['input-1', 'input-3', 'input-5']);
    const upTo: string[] = [];
    await readRange(
      env.nats.js,
      'CDR',
      subjects.charging(0),
      first,
      (m) => void upTo.push(new TextDecoder().decode(m.data)),
      { toSeq: first + 2 },
    );
    expect(upTo).toEqual(['input-0', 'input-2']);
  });

  /** Partition 1's inputs from `first`, through `fetch`; the sequences read go to `seen`. */
  const readPartition1 = (first: number, seen: number[], fetch: FetchBatch) =>
    readRange(env.nats.js, 'CDR', subjects.charging(1), first, (m) => void seen.push(m.seq), { fetch });

  it('an answer lost on its way is not taken for the end of the range: the read goes on from the first message not seen', async () => {
    const first = (await env.nats.jsm.streams.info('CDR')).state.first_seq;
    // the first two pulls lose their answer (as in a leader election): an ordered consumer counts
    // those messages as delivered and never sends them again, so the read goes on through a new one
    let pulls = 0;
    const lossy: FetchBatch = async (oc, opts) => {
      const batch = await oc.fetch(opts);
      if (++pulls > 2) return batch;
      for await (const _m of batch) break; // delivered, but never reaches the reader
      return (async function* () {})();
    };
    const seen: number[] = [];
    const n = await readPartition1(first, seen, lossy);
    expect(pulls).toBeGreaterThan(2);
    expect(n).toBe(3);
    expect(seen).toEqual([first + 1, first + 3, first + 5]);
  });

  it('gives up with STREAM_READ_STALLED when reads stay empty while the stream holds the messages', async () => {
    const first = (await env.nats.jsm.streams.info('CDR')).state.first_seq;
    let pulls = 0;
    const dead: FetchBatch = () => {
      pulls++;
      return Promise.resolve((async function* () {})());
    };
    const seen: number[] = [];
    await expect(readPartition1(first, seen, dead)).rejects.toThrow(
      /^STREAM_READ_STALLED: CDR .* has \d+ but 30 reads/,
    );
    expect(pulls).toBe(MAX_EMPTY_READS);
    expect(seen).toEqual([]);
  });

  it('answers an empty range at once instead of waiting for new messages', async () => {
    const last = (await env.nats.jsm.streams.info('CDR')).state.last_seq;
    expect(await hasMessageFrom(env.nats.js, 'CDR', subjects.charging(0), last)).toBe(false);
    expect(await hasMessageFrom(env.nats.js, 'CDR', subjects.charging(1), last)).toBe(true);
    const afterEnd = await timed(() =>
      readRange(env.nats.js, 'CDR', subjects.charging(0), last + 1, () => {}),
    );
    const noSubject = await timed(() => readRange(env.nats.js, 'CDR', subjects.charging(7), 1, () => {}));
    expect([afterEnd.value, noSubject.value]).toEqual([0, 0]);
    // The old path could not return before its fetch expired (1,000 ms).
    expect(afterEnd.ms).toBeLessThan(900);
    expect(noSubject.ms).toBeLessThan(900);
  });

  it('loads the saved states of a partition, and an empty partition at once', async () => {
    const stores = await openChargingStores(env.nats.nc);
    const w = new PartitionWorker(
      catalog,
      0,
      async () => new Map(),
      () => Date.now(),
    );
    const { state } = newSubscriber(catalog, {
      msisdn: '+8613900000088',
      planId: 'dazhongka-8',
      activatedAtMs: Date.UTC(2026, 10, 1),
    });
    w.states.set(state.msisdn, { state: { ...state, balanceFen: 4321 }, throughSeq: 0 });
    w.dirty.add(state.msisdn);
    w.appliedThrough = 9;
    await saveCheckpoint(stores, w, 0, Date.now());
    const p0 = await loadStates(env.nats.js, 0, log);
    expect(p0.get(state.msisdn)?.state.balanceFen).toBe(4321);
    expect(p0.get(state.msisdn)?.throughSeq).toBe(9);
    const p3 = await timed(() => loadStates(env.nats.js, 3, log));
    expect(p3.value.size).toBe(0);
    expect(p3.ms).toBeLessThan(900);
  });

  /** Saves `n` lines of partition 2 spread over several state chunks; returns their numbers. */
  async function saveLines(stores: ChargingStores, n: number): Promise<string[]> {
    const w = new PartitionWorker(
      catalog,
      2,
      async () => new Map(),
      () => Date.now(),
    );
    for (let i = 0; w.states.size < n; i++) {
      const msisdn = `+86139${String(5_000_000 + i).padStart(8, '0')}`;
      if (partitionOf(msisdn, 4) !== 2) continue;
      const { state } = newSubscriber(catalog, {
        msisdn,
        planId: 'dazhongka-8',
        activatedAtMs: Date.UTC(2026, 10, 1),
      });
      w.states.set(msisdn, { state, throughSeq: 0 });
      w.dirty.add(msisdn);
    }
    w.appliedThrough = 5;
    await saveCheckpoint(stores, w, 0, Date.now());
    return [...w.states.keys()];
  }

  it("a partition's saved states are read whole or not at all: an empty read fails instead of returning some", async () => {
    const stores = await openChargingStores(env.nats.nc);
    const lines = await saveLines(stores, 40);
    expect((await loadStates(env.nats.js, 2, log)).size).toBe(40);
    // the second pull comes back empty (a lost answer, an election): the values after it were
    // returned as the whole partition before, and those lines restarted from their opening balance
    let pulls = 0;
    const values: FetchBatch = async (oc, opts) =>
      ++pulls === 1 ? oc.fetch({ ...opts, max_messages: 5 }) : (async function* () {})();
    await expect(readBucket(env.nats.js, 'balances', 'p2.>', undefined, values)).rejects.toThrow(
      /^STREAM_READ_STALLED: KV_balances/,
    );
    expect(pulls).toBe(1 + MAX_EMPTY_READS);
    // an answer lost once: the read goes on through a new consumer and still returns every value
    pulls = 0;
    const lossy: FetchBatch = async (oc, opts) => {
      const batch = await oc.fetch({ ...opts, max_messages: 5 });
      if (++pulls !== 2) return batch;
      for await (const _m of batch) break; // delivered, but never reaches the reader
      return (async function* () {})();
    };
    const whole = await readBucket(env.nats.js, 'balances', 'p2.>', undefined, lossy);
    expect(whole).toEqual(await readBucket(env.nats.js, 'balances', 'p2.>'));
    expect(pulls).toBeGreaterThan(8);
    // and the checkpoint's count catches a read that came back short for any other reason
    const ckpt = await readCheckpoint(stores.checkpoints, 2);
    expect(ckpt?.states).toBe(40);
    await stores.balances.delete(chunkKey(2, chunkOf(lines[0]!)));
    await expect(loadStates(env.nats.js, 2, log, undefined, ckpt?.states)).rejects.toThrow(
      /^RATING_STATES_SHORT: partition 2 saved 40 line states but 3\d were read/,
    );
  });
});
