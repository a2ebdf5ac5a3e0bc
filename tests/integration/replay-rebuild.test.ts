import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatch, sequentialIds, systemClock } from '../../domain/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology, subjects } from '../../infra/nats/index.ts';
import { INGEST_CONSUMER, runNatsIngest } from '../../ingest/index.ts';
import { flatRateConsumers, runFlatRating } from '../../processors/flatrate/index.ts';
import { ITEMS_HEADER } from '../../processors/rating/index.ts';
import { readRange } from '../../processors/rating/recovery.ts';
import { rebuildProjections } from '../../processors/rebuild/index.ts';
import { runSinks, sinks } from '../../processors/sink/index.ts';
import {
  openRecording,
  Recorder,
  replayRecording,
  runCdrSimulator,
  type RecordedMessage,
} from '../../simulators/index.ts';
import { openTestClickHouse, startTestNats, waitFor } from '../support/env.ts';

const PARTITIONS = 3;
const TOTAL = 5000;
const log = createLogger('silent');

describe('recording, replay and rebuild (real nats-server and ClickHouse)', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let chEnv: Awaited<ReturnType<typeof openTestClickHouse>>;
  const pipelineAc = new AbortController();
  const sinkAc = new AbortController();
  let roles: Promise<unknown>;
  let sinkRole: Promise<unknown>;
  const metrics = createMetrics();
  const dir = mkdtempSync(join(tmpdir(), 'sbss-rec-'));
  const file = join(dir, 'run.ndjson.gz');

  beforeAll(async () => {
    nats = await startTestNats();
    chEnv = await openTestClickHouse();
    await applyTopology(nats.nats.nc, nats.nats.jsm, [
      INGEST_CONSUMER,
      ...flatRateConsumers(PARTITIONS),
      ...sinks.map((s) => s.consumer),
    ]);
    const deps = { nats: nats.nats, clock: systemClock, log, metrics };
    roles = Promise.all([
      runNatsIngest({ ...deps, partitions: PARTITIONS }, pipelineAc.signal),
      runFlatRating({ ...deps, partitions: PARTITIONS }, pipelineAc.signal),
    ]);
    sinkRole = runSinks({ ...deps, ch: chEnv.ch, batchMessages: 200, flushMs: 50 }, sinkAc.signal);
  });
  afterAll(async () => {
    pipelineAc.abort();
    sinkAc.abort();
    await Promise.all([roles, sinkRole]);
    await nats?.close();
    await chEnv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const q = async <T>(query: string) =>
    (await chEnv.ch.client.query({ query, format: 'JSONEachRow' })).json<T>();
  const rated = async () => {
    const [r] = await q<{ n: string; u: string; fen: string }>(
      `SELECT count() AS n, uniqExact(cdr_id) AS u, sum(charge_fen) AS fen FROM ${chEnv.ch.db}.cdr_rated`,
    );
    return { n: Number(r?.n), u: Number(r?.u), fen: Number(r?.fen) };
  };
  const streamCounts = async () => {
    const out: Record<string, number> = {};
    for (const s of ['RAW', 'CDR', 'RATED']) out[s] = (await nats.nats.jsm.streams.info(s)).state.messages;
    return out;
  };

  it('records a simulator run; replaying it twice as the same events changes no stream and no table', async () => {
    const startMs = Date.now() - 3_600_000;
    const recorder = Recorder.create(file, {
      kind: 'streambss-recording',
      v: 1,
      createdAtMs: Date.now(),
      startMs,
      source: 'test',
    });
    const sim = await runCdrSimulator(
      nats.nats,
      {
        seed: 21,
        subscribers: 400,
        rate: 0,
        total: TOTAL,
        startMs,
        batchSize: 100,
        planIds: ['flat'],
        recorder,
      },
      new AbortController().signal,
    );
    await recorder.close();
    expect(recorder.messages).toBe(sim.messages);
    await waitFor(async () => (await rated()).n >= TOTAL, 60_000);
    const streams = await streamCounts();
    const table = await rated();
    expect(table).toMatchObject({ n: TOTAL, u: TOTAL });
    // Flat-rate outputs state their item count as rating's do (the sink weighs its inserts by it).
    let counted = 0;
    await readRange(nats.nats.js, 'RATED', 'rated.p.*', 1, (m) => {
      const d = decodeBatch(m.data);
      const items = d.ok ? d.batch.items.length : -1;
      expect(m.headers?.get(ITEMS_HEADER)).toBe(String(items));
      counted += items;
    });
    expect(counted).toBe(TOTAL);

    for (let i = 0; i < 2; i++) {
      const r = await replayRecording(
        nats.nats,
        file,
        { speed: 0, mode: 'same', clock: systemClock, ids: sequentialIds() },
        new AbortController().signal,
      );
      expect(r).toMatchObject({ messages: sim.messages, events: TOTAL, duplicates: sim.messages });
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(await streamCounts()).toEqual(streams);
    expect(await rated()).toEqual(table);
  });

  it('sends the same bytes for the same seed: a second identical run is recorded identically and changes nothing', async () => {
    const { header, messages } = await openRecording(file);
    const again = join(dir, 'again.ndjson.gz');
    const recorder = Recorder.create(again, { ...header, createdAtMs: Date.now() });
    const before = await streamCounts();
    await runCdrSimulator(
      nats.nats,
      {
        seed: 21,
        subscribers: 400,
        rate: 0,
        total: TOTAL,
        startMs: header.startMs,
        batchSize: 100,
        planIds: ['flat'],
        recorder,
      },
      new AbortController().signal,
    );
    await recorder.close();
    const wire = async (it: AsyncGenerator<RecordedMessage>) => {
      const out: string[] = [];
      for await (const m of it) out.push(`${m.subject} ${m.msgId} ${Buffer.from(m.data).toString('base64')}`);
      return out;
    };
    const first = await wire(messages);
    expect(first.length).toBeGreaterThan(0);
    expect(await wire((await openRecording(again)).messages)).toEqual(first);
    expect(await streamCounts()).toEqual(before);
  });

  it('replays re-stamped as new events: every CDR again under a new id', async () => {
    const before = await rated();
    const r = await replayRecording(
      nats.nats,
      file,
      { speed: 0, mode: 'restamp', clock: systemClock, ids: sequentialIds(7) },
      new AbortController().signal,
    );
    expect(r.duplicates).toBe(0);
    await waitFor(async () => (await rated()).n >= before.n + TOTAL, 60_000);
    expect(await rated()).toMatchObject({ n: before.n + TOTAL, u: before.u + TOTAL });
  });

  it('replays at a chosen speed: 4x takes about a quarter of the recorded time', async () => {
    const slow = join(dir, 'slow.ndjson.gz');
    let now = 0;
    const rec = Recorder.create(
      slow,
      { kind: 'streambss-recording', v: 1, createdAtMs: 0, startMs: 0, source: 'test' },
      () => now,
    );
    for (let i = 0; i < 5; i++) {
      now = i * 200;
      await rec.record('raw.cdr.pace', `pace-${i}`, 0, Buffer.from('{"v":1,"batchId":"p","items":[]}'));
    }
    await rec.close();
    const t0 = Date.now();
    await replayRecording(
      nats.nats,
      slow,
      { speed: 4, mode: 'same', clock: systemClock, ids: sequentialIds() },
      new AbortController().signal,
    );
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(180);
    expect(took).toBeLessThan(700);
  });

  it('rebuilds ClickHouse from the streams: every aggregate equals what it was', async () => {
    const aggregates = async () => ({
      rated: await rated(),
      perMinute: await q(
        `SELECT minute, region, type, sum(cdrs) AS cdrs, sum(charge_fen) AS fen, sum(bytes) AS bytes,
                sum(duration_sec) AS dur
         FROM ${chEnv.ch.db}.usage_minute GROUP BY minute, region, type ORDER BY minute, region, type`,
      ),
      perSubscriber: await q(
        `SELECT msisdn, count() AS n, sum(charge_fen) AS fen FROM ${chEnv.ch.db}.cdr_rated FINAL
         GROUP BY msisdn ORDER BY msisdn`,
      ),
    });
    // One rated item the sink cannot store: dead-lettered when first seen, counted by the rebuild.
    await nats.nats.js.publish(
      subjects.rated(0),
      Buffer.from(JSON.stringify({ v: 1, batchId: 'rt-junk', items: [{ cdr: { type: 'voice' } }] })),
    );
    const ratedMsgs = (await nats.nats.jsm.streams.info('RATED')).state.messages;
    await waitFor(async () => {
      const ci = await nats.nats.jsm.consumers.info('RATED', sinks[0]!.consumer.durable);
      return ci.num_pending + ci.num_ack_pending === 0;
    });
    sinkAc.abort();
    await sinkRole;
    const before = await aggregates();
    expect(before.rated.n).toBe(2 * TOTAL);

    const r = await rebuildProjections(
      { nats: nats.nats, ch: chEnv.ch, metrics, log },
      { tables: ['cdr_rated'] },
    );
    expect(r.plan.tables).toContain('cdr_rated');
    expect(r.plan.derived).toContain('usage_minute');
    expect(r.plan.views).toContain('usage_minute_mv');
    expect(r.messages).toBe(ratedMsgs);
    expect([r.rejected, r.refused]).toEqual([1, 0]);
    expect(r.rowsByTable.cdr_rated).toBe(2 * TOTAL);
    expect(await aggregates()).toEqual(before);
  });
});
