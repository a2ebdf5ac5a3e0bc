import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckPolicy } from '@nats-io/jetstream';
import { createLogger } from '../../infra/log/index.ts';
import { PipelinedPublisher, runConsumer } from '../../infra/nats/index.ts';
import { startTestNats, waitFor } from '../support/env.ts';

describe('runConsumer under a backlog', () => {
  let env: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    env = await startTestNats();
    // Each stream has one durable with a 60 s ack wait: what a test leaves unacked stays so.
    for (const [name, durable] of [
      ['BP', 'slow'],
      ['HO', 'handover'],
      ['SL', 'stuck'],
      ['WT', 'weighed'],
    ] as const) {
      await env.nats.jsm.streams.add({ name, subjects: [`${name.toLowerCase()}.>`] });
      await env.nats.jsm.consumers.add(name, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        max_ack_pending: 10_000,
        ack_wait: 60_000_000_000,
      });
    }
    const pub = new PipelinedPublisher(env.nats.js, 256);
    for (let i = 0; i < 3000; i++) {
      await pub.publish({ subject: 'bp.x', data: new Uint8Array(100), msgId: `m${i}` });
      await pub.publish({ subject: 'ho.x', data: new Uint8Array(100), msgId: `h${i}` });
    }
    await pub.publish({ subject: 'sl.x', data: new Uint8Array(1), msgId: 's0' });
    // Messages of 1–5 rows (the first 299), then one of 25 rows: what a sink cuts by rows.
    for (let i = 0; i < 300; i++)
      await pub.publish({
        subject: 'wt.x',
        data: new Uint8Array([i === 299 ? 25 : 1 + (i % 5)]),
        msgId: `w${i}`,
      });
    await pub.flush();
  });
  afterAll(() => env.close());

  it('holds at most about prefetch messages ahead of a slow handler, and still handles every one', async () => {
    const ac = new AbortController();
    let handled = 0;
    let maxAhead = 0;
    const consuming = runConsumer({
      js: env.nats.js,
      stream: 'BP',
      durable: 'slow',
      maxBatch: 10,
      prefetch: 20,
      log: createLogger('silent'),
      signal: ac.signal,
      handle: async (msgs) => {
        const ci = await env.nats.jsm.consumers.info('BP', 'slow');
        maxAhead = Math.max(maxAhead, ci.num_ack_pending);
        await new Promise((r) => setTimeout(r, 20));
        handled += msgs.length;
      },
    });
    await waitFor(() => handled >= 600, 30_000);
    ac.abort();
    await consuming;
    // Delivered but not yet acked: the batch in hand, the local queue (prefetch) and one pull
    // (prefetch) in flight. Reading ahead without bound held thousands.
    expect(maxAhead).toBeGreaterThan(0);
    expect(maxAhead).toBeLessThanOrEqual(60);
  }, 60_000);

  it('a stopped consumer gives back what it pulled ahead: the next one gets it at once, not after the ack wait', async () => {
    const seen = new Set<number>();
    const consume = (signal: AbortSignal, onBatch: () => void) =>
      runConsumer({
        js: env.nats.js,
        stream: 'HO',
        durable: 'handover',
        maxBatch: 10,
        prefetch: 40,
        log: createLogger('silent'),
        signal,
        handle: async (msgs) => {
          await new Promise((r) => setTimeout(r, 5));
          for (const m of msgs) seen.add(m.seq);
          onBatch();
        },
      });
    // A rating process that loses its partition lease stops mid-backlog, pulls outstanding.
    const first = new AbortController();
    let batches = 0;
    const one = consume(first.signal, () => {
      if (++batches === 20) first.abort();
    });
    await one;
    expect(seen.size).toBeGreaterThan(0);
    expect(seen.size).toBeLessThan(3000);
    const second = new AbortController();
    const two = consume(second.signal, () => undefined);
    const t0 = Date.now();
    // The ack wait is 60 s: anything the first one kept unacked would hold this up that long.
    await waitFor(
      async () =>
        (await env.nats.jsm.consumers.info('HO', 'handover')).num_ack_pending === 0 && seen.size === 3000,
      20_000,
    );
    second.abort();
    await two;
    expect(seen.size).toBe(3000);
    expect(Date.now() - t0).toBeLessThan(20_000);
  }, 60_000);

  it('cuts batches by weight: never past the limit unless one message alone weighs more', async () => {
    const ac = new AbortController();
    const batches: number[][] = [];
    const consuming = runConsumer({
      js: env.nats.js,
      stream: 'WT',
      durable: 'weighed',
      maxBatch: 100,
      weight: { of: (m) => m.data[0]!, max: 12 },
      lingerMs: 50,
      log: createLogger('silent'),
      signal: ac.signal,
      handle: async (msgs) => void batches.push(msgs.map((m) => m.data[0]!)),
    });
    await waitFor(() => batches.flat().length >= 300, 20_000);
    ac.abort();
    await consuming;
    const sum = (b: number[]) => b.reduce((a, x) => a + x, 0);
    expect(batches.flat()).toHaveLength(300);
    expect(sum(batches.flat())).toBe(25 + [...Array(299).keys()].reduce((a, i) => a + 1 + (i % 5), 0));
    for (const b of batches) if (b.length > 1) expect(sum(b)).toBeLessThanOrEqual(12);
    expect(batches).toContainEqual([25]);
    // Lingering waits for a full batch, so most batches come close to the limit (by messages alone, 100 each).
    expect(batches.filter((b) => sum(b) >= 9).length).toBeGreaterThan(batches.length / 2);
  });

  it('says so in the log while a batch is still being handled, until it is', async () => {
    const lines: string[] = [];
    const log = createLogger('warn', 'test', { write: (l: string) => void lines.push(l) });
    const ac = new AbortController();
    let release = () => undefined as void;
    const consuming = runConsumer({
      js: env.nats.js,
      stream: 'SL',
      durable: 'stuck',
      maxBatch: 10,
      slowBatchMs: 200,
      log,
      signal: ac.signal,
      handle: () => new Promise<void>((r) => (release = r)),
    });
    await waitFor(() => lines.length >= 2, 10_000);
    const warned = lines.map((l) => JSON.parse(l) as { msg: string; durable: string; size: number });
    expect(warned[0]).toMatchObject({ msg: 'batch still being handled', durable: 'stuck', size: 1 });
    release();
    await new Promise((r) => setTimeout(r, 600));
    const after = lines.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(lines.length, 'no more warnings once handled').toBe(after);
    ac.abort();
    await consuming;
  });
});
