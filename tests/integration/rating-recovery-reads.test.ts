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
import { loadStates, openChargingStores, saveCheckpoint } from '../../processors/rating/store.ts';
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
      first + 2,
    );
    expect(upTo).toEqual(['input-0', 'input-2']);
  });

  /** Partition 1's inputs from `first`, through `fetch`; the sequences read go to `seen`. */
  const readPartition1 = (first: number, seen: number[], fetch: FetchBatch) =>
    readRange(
      env.nats.js,
      'CDR',
      subjects.charging(1),
      first,
      (m) => void seen.push(m.seq),
      undefined,
      fetch,
    );

  it('an answer lost on its way is never taken for the end of the range: the read fails instead of returning short', async () => {
    const first = (await env.nats.jsm.streams.info('CDR')).state.first_seq;
    // the first pull's answer is lost (as in a leader election): the ordered consumer counts those
    // messages as delivered, so every later read is empty while the stream holds them
    let pulls = 0;
    const lossy: FetchBatch = async (oc, opts) => {
      const batch = await oc.fetch(opts);
      if (++pulls > 1) return batch;
      for await (const _m of batch) break; // delivered, but never reaches the reader
      return (async function* () {})();
    };
    const seen: number[] = [];
    await expect(readPartition1(first, seen, lossy)).rejects.toThrow(/^STREAM_READ_STALLED/);
    expect(seen).toEqual([]);
  }, 60_000);

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
});
