import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  encodeBatch,
  partitionOf,
  sequentialIds,
  systemClock,
  type Cdr,
  type RawCdr,
} from '../domain/index.ts';
import { newSubscriber, rate, toRatedCdr, type SubscriberState } from '../domain/rating/index.ts';
import {
  compactLines,
  migrate,
  openClickHouse,
  nativeBlockEncoder,
  type ClickHouse,
} from '../infra/clickhouse/index.ts';
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
import { loadCatalogFile } from '../runtime/catalog.ts';
import { planIdsOf } from '../runtime/demo.ts';
import { appendRated, encodeRatingOutput, outputId, type RatingOutput } from '../processors/rating/index.ts';
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
// 500k CDRs are 1M rows: a rebuild long enough (~9 s) that the first seconds, with code not yet
// optimised, do not decide the rate (at 400k rows one run in three fell under 100k that the
// same code passes at 1M).
const REBUILD_CDRS = Math.round(500_000 * SCALE);
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

/**
 * The RATED stream as the rating processor writes it: real rating of generated CDRs with the demo
 * catalog (reason codes, ledger entries with the usage entry as the item's index,
 * threshold notices), one output message per 100 CDRs of a partition.
 */
async function fillRated(nats: Nats): Promise<void> {
  const catalog = loadCatalogFile('catalog/default.json');
  const startMs = Date.now() - 3 * 86_400_000;
  const subs = population(5, 50_000, planIdsOf(catalog));
  const states = new Map<string, SubscriberState>();
  for (const s of subs)
    states.set(
      s.e164,
      newSubscriber(catalog, {
        msisdn: s.e164,
        planId: s.planId,
        activatedAtMs: startMs - 86_400_000,
        openingBalanceFen: 10_000,
      }).state,
    );
  const gen = new CdrGenerator(5, subs, startMs, 10_000);
  const pub = new PipelinedPublisher(nats.js, 64);
  const nowMs = Date.now();
  const pending = new Map<number, RatingOutput>();
  let rated = 0;
  let seq = 0;
  const flush = async (o: RatingOutput) => {
    pending.delete(o.partition);
    await pub.publish({
      subject: subjects.rated(o.partition),
      data: encodeRatingOutput(o),
      msgId: o.batchId,
    });
  };
  while (rated < REBUILD_CDRS) {
    const raw = gen.next();
    const norm = raw ? normaliseCdr(raw, nowMs) : null;
    if (!norm?.ok) continue;
    const cdr: Cdr = norm.cdr;
    const state = states.get(cdr.msisdn);
    if (!state) continue;
    const r = rate(catalog, state, cdr);
    states.set(cdr.msisdn, r.newState);
    const p = partitionOf(cdr.msisdn, 4);
    let o = pending.get(p);
    if (!o) {
      seq++;
      o = {
        v: 1,
        batchId: outputId(p, seq),
        partition: p,
        inputSeq: seq,
        items: [],
        ledger: [],
        notifications: [],
      };
      pending.set(p, o);
    }
    appendRated(o, toRatedCdr(r.rated), r.ledger, r.notifications);
    rated++;
    if (o.items.length === 100) await flush(o);
  }
  for (const o of [...pending.values()]) await flush(o);
  await pub.flush();
}

/**
 * Every row of `table` inserted again into a copy of it through the sink's insert path (a Native
 * block where the sink sends one, JSON otherwise); ms taken.
 */
async function reinsert(ch: ClickHouse, table: string): Promise<{ rows: number; ms: number }> {
  const cols = await (
    await ch.client.query({
      query: `SELECT name, type FROM system.columns WHERE database = '${ch.db}' AND table = '${table}'`,
      format: 'JSONEachRow',
    })
  ).json<{ name: string; type: string }>();
  // Values as the sink hands them over: DateTime64 as epoch ms, 64-bit integers as numbers.
  const select = cols.map((c) =>
    c.type.startsWith('DateTime64') ? `toUnixTimestamp64Milli(${c.name}) AS ${c.name}` : c.name,
  );
  const rs = await ch.client.query({
    query: `SELECT ${select.join(', ')} FROM ${ch.db}.${table}`,
    format: 'JSONCompactEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const all = await rs.json<unknown[]>();
  const names = cols.map((c) => c.name);
  const block = nativeBlockEncoder(table, cols);
  const copy = `${ch.db}.bench_${table}`;
  await ch.client.command({ query: `DROP TABLE IF EXISTS ${copy}` });
  await ch.client.command({ query: `CREATE TABLE ${copy} AS ${ch.db}.${table}` });
  const chunk = 20_000;
  const settings = ratedCdrSink.insertSettings ? { settings: ratedCdrSink.insertSettings } : {};
  const t0 = performance.now();
  const inflight = new Set<Promise<void>>();
  for (let i = 0; i < all.length; i += chunk) {
    while (inflight.size >= 2) await Promise.race(inflight);
    const rows = all.slice(i, i + chunk);
    const p: Promise<void> = ch
      .insertRaw(
        block
          ? { table: copy, columns: names, body: block(rows), format: 'Native', ...settings }
          : { table: copy, columns: names, body: compactLines(rows), ...settings },
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  const ms = performance.now() - t0;
  await ch.client.command({ query: `DROP TABLE IF EXISTS ${copy}` });
  return { rows: all.length, ms };
}

/**
 * 3. Rebuild of the rated projections (cdr_rated, ledger, notices) from RATED, against inserting
 * the same rows into ClickHouse directly (no stream, no parsing, no validation, no row building).
 */
async function rebuildRate(nats: Nats, ch: ClickHouse): Promise<Record<string, number>> {
  await fillRated(nats);
  say('RATED stream filled');
  const log = createLogger('warn');
  const metrics = createMetrics();
  const r = await rebuildProjections({ nats, ch, metrics, log }, { tables: ['cdr_rated'] });
  let baseRows = 0;
  let baseMs = 0;
  for (const t of Object.keys(r.rowsByTable)) {
    const b = await reinsert(ch, t);
    baseRows += b.rows;
    baseMs += b.ms;
  }
  const rps = perSec(r.rows, r.elapsedMs);
  const baseRps = perSec(baseRows, baseMs);
  return {
    rows: r.rows,
    cdrRatedRows: r.rowsByTable.cdr_rated ?? 0,
    ledgerRows: r.rowsByTable.ledger ?? 0,
    noticeRows: r.rowsByTable.charging_notifications ?? 0,
    messages: r.messages,
    rowsPerSec: rps,
    cdrsPerSec: perSec(r.rowsByTable.cdr_rated ?? 0, r.elapsedMs),
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
