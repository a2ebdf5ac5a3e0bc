import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  encodeBatch,
  sequentialIds,
  systemClock,
  type Cdr,
  type RatedCdr,
  type RawCdr,
} from '../domain/index.ts';
import { migrate, openClickHouse, type ClickHouse } from '../infra/clickhouse/index.ts';
import { createLogger } from '../infra/log/index.ts';
import { createMetrics } from '../infra/metrics/index.ts';
import {
  applyTopology,
  connectNats,
  PipelinedPublisher,
  startNatsServer,
  subjects,
  type Nats,
  type PublishItem,
} from '../infra/nats/index.ts';
import { normaliseCdr } from '../ingest/index.ts';
import { rebuildProjections } from '../processors/rebuild/index.ts';
import { ratedCdrSink } from '../processors/sink/index.ts';
import {
  CdrGenerator,
  openRecording,
  population,
  Recorder,
  replayRecording,
  runCdrSimulator,
} from '../simulators/index.ts';

/** BENCH_SCALE=0.1 runs a tenth of the sizes (a quick check); figures are for scale 1. */
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const SIM_EVENTS = Math.round(300_000 * SCALE);
const REPLAY_EVENTS = Math.round(1_000_000 * SCALE);
const REBUILD_ROWS = Math.round(300_000 * SCALE);
/** BENCH_PARTS=rebuild (comma list of simulator, replay, rebuild) measures only those parts. */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'simulator,replay,rebuild').split(','));
const BATCH = 100;
const WINDOW = 512;

const perSec = (n: number, ms: number) => Math.round(n / (Math.max(ms, 1) / 1000));
const say = (what: string) => process.stderr.write(`[ingest-replay] ${new Date().toISOString()} ${what}\n`);

/** Pipelined publish of prepared messages: the raw transport every rate here is compared with. */
async function rawPublish(nats: Nats, items: PublishItem[]): Promise<number> {
  const pub = new PipelinedPublisher(nats.js, WINDOW);
  const t0 = performance.now();
  for (const it of items) await pub.publish(it);
  await pub.flush();
  return performance.now() - t0;
}

/** 1. The simulator alone (generate + batch + publish), against same-size payloads published raw. */
async function simulatorRate(nats: Nats): Promise<Record<string, number>> {
  const startMs = Date.now() - 86_400_000;
  const p0 = performance.now();
  const subs = population(1, 100_000, ['flat']);
  const populationMs = Math.round(performance.now() - p0);
  const t0 = performance.now();
  const sim = await runCdrSimulator(
    nats,
    {
      seed: 1,
      subscribers: subs.length,
      population: subs,
      rate: 0,
      total: SIM_EVENTS,
      startMs,
      batchSize: BATCH,
      planIds: ['flat'],
    },
    new AbortController().signal,
  );
  const simMs = performance.now() - t0;
  const info = await nats.jsm.streams.info('RAW');
  const avgBytes = Math.round(info.state.bytes / Math.max(1, info.state.messages));
  const payload = Buffer.alloc(avgBytes, 0x61);
  const items = Array.from({ length: sim.messages }, (_, i) => ({
    subject: subjects.rawCdr('BASELINE'),
    data: payload,
    msgId: `sim-base-${i}`,
  }));
  const baseMs = await rawPublish(nats, items);
  const simEps = perSec(sim.published, simMs);
  const baseEps = perSec(sim.messages * BATCH, baseMs);
  return {
    events: sim.published,
    messages: sim.messages,
    avgMessageBytes: avgBytes,
    populationOf100kMs: populationMs,
    eventsPerSec: simEps,
    baselineEventsPerSec: baseEps,
    ratioToBaseline: Number((simEps / baseEps).toFixed(3)),
  };
}

/** Writes a 1M-event recording offline, exactly as `simulate --record` lays it out (batches per NE). */
async function writeRecording(path: string, startMs: number): Promise<number> {
  const subs = population(3, 200_000, ['flat']);
  const gen = new CdrGenerator(3, subs, startMs, 50_000);
  let virtualMs = 0;
  const rec = Recorder.create(
    path,
    { kind: 'streambss-recording', v: 1, createdAtMs: Date.now(), startMs, source: 'bench' },
    () => virtualMs,
  );
  const pending = new Map<string, RawCdr[]>();
  let seq = 0;
  const flush = async (ne: string, items: RawCdr[]) => {
    const id = `bench-${ne}-${++seq}`;
    await rec.record(subjects.rawCdr(ne), id, items.length, encodeBatch(id, items));
  };
  for (let i = 0; i < REPLAY_EVENTS; i++) {
    const c = gen.next();
    if (!c) continue;
    virtualMs = Math.floor(i / 50);
    let list = pending.get(c.neId);
    if (!list) pending.set(c.neId, (list = []));
    list.push(c);
    if (list.length >= BATCH) {
      pending.delete(c.neId);
      await flush(c.neId, list);
    }
  }
  for (const [ne, items] of pending) await flush(ne, items);
  await rec.close();
  return rec.messages;
}

/** 2. Replay of a 1M-event recording at full speed, against the same messages published raw. */
async function replayRate(nats: Nats, dir: string): Promise<Record<string, number>> {
  const path = join(dir, 'bench-1m.ndjson.gz');
  const startMs = Date.now() - 2 * 86_400_000;
  const recordedMessages = await writeRecording(path, startMs);
  say(`recording written: ${recordedMessages} messages`);
  await nats.jsm.streams.purge('RAW');
  const r = await replayRecording(
    nats,
    path,
    { speed: 0, mode: 'same', clock: systemClock, ids: sequentialIds(), window: WINDOW },
    new AbortController().signal,
  );
  await nats.jsm.streams.purge('RAW');
  const items: PublishItem[] = [];
  const { messages } = await openRecording(path);
  for await (const m of messages) items.push({ subject: m.subject, data: m.data, msgId: `base-${m.msgId}` });
  const baseMs = await rawPublish(nats, items);
  await nats.jsm.streams.purge('RAW');
  const eps = perSec(r.events, r.elapsedMs);
  const baseEps = perSec(r.events, baseMs);
  return {
    events: r.events,
    messages: r.messages,
    recordedMessages,
    duplicates: r.duplicates,
    eventsPerSec: eps,
    targetEventsPerSec: 200_000,
    baselineEventsPerSec: baseEps,
    ratioToBaseline: Number((eps / baseEps).toFixed(3)),
  };
}

/** Rated CDR batches on the RATED stream (1000 per message), as the rating processor writes them. */
export async function fillRated(nats: Nats): Promise<void> {
  const startMs = Date.now() - 3 * 86_400_000;
  const gen = new CdrGenerator(5, population(5, 50_000, ['flat']), startMs, 10_000);
  const pub = new PipelinedPublisher(nats.js, 64);
  const nowMs = Date.now();
  let batch: RatedCdr[] = [];
  let n = 0;
  const send = async () => {
    const id = `bench-rated-${n}`;
    await pub.publish({ subject: subjects.rated(n % 4), data: encodeBatch(id, batch), msgId: id });
    batch = [];
  };
  while (n < REBUILD_ROWS) {
    const raw = gen.next();
    const norm = raw ? normaliseCdr(raw, nowMs) : null;
    if (!norm?.ok) continue;
    const cdr: Cdr = norm.cdr;
    const unit = cdr.type === 'voice' ? 'sec' : cdr.type === 'sms' ? 'sms' : 'byte';
    batch.push({
      cdr,
      planId: 'flat',
      planVersion: 1,
      chargeFen: (n % 97) + 1,
      billableUnits: 1,
      unit,
      allowanceUsed: 0,
      ratedAtMs: cdr.startMs + 5,
      explanation: 'bench',
    });
    n++;
    if (batch.length === 1000) await send();
  }
  if (batch.length) await send();
  await pub.flush();
}

/** 3. Rebuild of cdr_rated from RATED, against inserting the same rows into ClickHouse directly. */
export async function rebuildRate(nats: Nats, ch: ClickHouse): Promise<Record<string, number>> {
  await fillRated(nats);
  say('RATED stream filled');
  const log = createLogger('warn');
  const metrics = createMetrics();
  const r = await rebuildProjections({ nats, ch, metrics, log }, { tables: ['cdr_rated'] });
  const rows = r.rowsByTable.cdr_rated ?? 0;
  const rs = await ch.client.query({
    query: `SELECT * FROM ${ch.db}.cdr_rated`,
    format: 'JSONCompactEachRowWithNames',
  });
  const [names, ...all] = await rs.json<unknown[]>();
  await ch.client.command({ query: `DROP TABLE IF EXISTS ${ch.db}.bench_cdr_rated` });
  await ch.client.command({ query: `CREATE TABLE ${ch.db}.bench_cdr_rated AS ${ch.db}.cdr_rated` });
  // The same rows through the sink's own insert path and settings (pre-encoded lines, two inserts
  // in flight), without reading a stream, validating or building rows.
  const chunk = 20_000;
  const t0 = performance.now();
  const inflight = new Set<Promise<void>>();
  for (let i = 0; i < all.length; i += chunk) {
    while (inflight.size >= 2) await Promise.race(inflight);
    const body = Buffer.from(
      all
        .slice(i, i + chunk)
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const p: Promise<void> = ch
      .insertRaw({
        table: `${ch.db}.bench_cdr_rated`,
        columns: names as string[],
        body,
        ...(ratedCdrSink.insertSettings ? { settings: ratedCdrSink.insertSettings } : {}),
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  const baseMs = performance.now() - t0;
  await ch.client.command({ query: `DROP TABLE IF EXISTS ${ch.db}.bench_cdr_rated` });
  const rps = perSec(rows, r.elapsedMs);
  const baseRps = perSec(all.length, baseMs);
  return {
    rows,
    messages: r.messages,
    rowsPerSec: rps,
    recreateMs: r.recreateMs,
    replayMs: r.elapsedMs - r.recreateMs,
    targetRowsPerSec: 100_000,
    baselineInsertRowsPerSec: baseRps,
    ratioToBaseline: Number((rps / baseRps).toFixed(3)),
  };
}

/**
 * Ingest/replay benchmark (issue 4): simulator publish rate alone, replay rate of a 1M-event
 * recording (target ≥ 200k events/s) and rebuild rate (target ≥ 100k rows/s), each with a raw
 * baseline measured in the same run on the same fresh nats-server and embedded ClickHouse.
 */
export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'sbss-bench-replay-'));
  const server = await startNatsServer({ storeDir: join(dir, 'nats'), port: 0 });
  const nats = await connectNats(server.url, 'bench-ingest-replay');
  const ch = await openClickHouse({ database: 'streambss', embeddedPath: join(dir, 'ch') });
  try {
    await migrate(ch);
    await applyTopology(nats.nc, nats.jsm, []);
    const out: Record<string, unknown> = { scenario: 'ingest-replay' };
    if (PARTS.has('simulator')) {
      say('simulator');
      out.simulator = await simulatorRate(nats);
      say(`simulator ${JSON.stringify(out.simulator)}`);
      await nats.jsm.streams.purge('RAW');
    }
    if (PARTS.has('replay')) {
      const replay = await replayRate(nats, dir);
      say(`replay ${JSON.stringify(replay)}`);
      out.replay = { ...replay, meetsTarget: (replay.eventsPerSec ?? 0) >= 200_000 };
    }
    if (PARTS.has('rebuild')) {
      const rebuild = await rebuildRate(nats, ch);
      say(`rebuild ${JSON.stringify(rebuild)}`);
      out.rebuild = { ...rebuild, meetsTarget: (rebuild.rowsPerSec ?? 0) >= 100_000 };
    }
    return out;
  } finally {
    await nats.nc.close().catch(() => undefined);
    await ch.close().catch(() => undefined);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
