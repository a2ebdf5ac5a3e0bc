import { encodeBatch, systemClock, type RawCdr } from '../domain/index.ts';
import { compactLines } from '../infra/clickhouse/index.ts';
import { createLogger, stderrDestination } from '../infra/log/index.ts';
import { createMetrics } from '../infra/metrics/index.ts';
import {
  applyTopology,
  PipelinedPublisher,
  runConsumer,
  subjects,
  type PublishItem,
} from '../infra/nats/index.ts';
import { INGEST_CONSUMER, runNatsIngest } from '../ingest/index.ts';
import { ratingConsumers, runRating } from '../processors/rating/index.ts';
import { runSinks, sinkBatching, sinks } from '../processors/sink/index.ts';
import { loadConfig, type Config } from '../infra/config/index.ts';
import { loadCatalogFile } from '../runtime/catalog.ts';
import { startRoleThread } from '../runtime/threads.ts';
import { planIdsOf, provisionSimulatedLines } from '../runtime/demo.ts';
import { CdrGenerator, population } from '../simulators/index.ts';
import { cpuMeter, percentile, pollUntil, scalar, startBenchEnv, type BenchEnv } from './harness.ts';

export interface PipelineOptions {
  cdrs: number;
  partitions: number;
  subscribers: number;
  batchSize: number;
  /** Run ingest and rating in worker threads (as `npm start` does). */
  threads: boolean;
  /** CDRs per second the pipeline run is fed at (0: as fast as the publisher goes). */
  rate: number;
}

const SEED = 1;

/** The CDRs of the run, generated before timing so the generator is never the bottleneck. */
function generate(o: PipelineOptions, planIds: string[], startMs: number): Uint8Array[] {
  const gen = new CdrGenerator(SEED, population(SEED, o.subscribers, planIds), startMs, 1000);
  const out: Uint8Array[] = [];
  for (let b = 0; b * o.batchSize < o.cdrs; b++) {
    const items: RawCdr[] = [];
    for (let i = 0; i < o.batchSize && b * o.batchSize + i < o.cdrs; i++) items.push(gen.next()!);
    out.push(encodeBatch(`bench-${b}`, items));
  }
  return out;
}

async function publishAll(
  env: BenchEnv,
  items: PublishItem[],
  sentAt: number[],
  messagesPerSec = 0,
): Promise<void> {
  // A window of 128 messages of ~100 CDRs keeps a few MB in flight; a timed-out publish is
  // retried with the same message id (the stream drops what it already has).
  const pub = new PipelinedPublisher(env.nats.js, 128, 30_000);
  const start = performance.now();
  for (const [i, it] of items.entries()) {
    if (messagesPerSec > 0) {
      const due = start + (i * 1000) / messagesPerSec;
      const ahead = due - performance.now();
      if (ahead > 1) await new Promise((r) => setTimeout(r, ahead));
    }
    sentAt[i] = performance.now();
    try {
      await pub.publish(it);
    } catch {
      await pub.publishAll([it]);
    }
  }
  await pub.publishAll([]);
}

/**
 * When each stage's consumer last had work (pending or unacked), in ms since the clock started:
 * shows which hop the backlog sits in.
 */
function watchStages(env: BenchEnv, specs: { stream: string; durable: string }[]) {
  const t0 = performance.now();
  const last = new Map<string, number>();
  // Messages the server delivered again (ack wait lapsed or nak): a stall of ~30 s in a run
  // shows here as the consumer whose messages waited out their ack wait.
  const redelivered = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      await Promise.all(
        specs.map(async (s) => {
          const ci = await env.nats.jsm.consumers.info(s.stream, s.durable).catch(() => null);
          if (ci && ci.num_pending + ci.num_ack_pending > 0) last.set(s.durable, performance.now() - t0);
          if (ci?.num_redelivered) redelivered.set(s.durable, ci.num_redelivered);
          if (process.env.BENCH_TRACE && ci)
            console.error(
              Math.round(performance.now() - t0),
              s.durable,
              ci.num_pending,
              ci.num_ack_pending,
              ci.delivered.stream_seq,
            );
        }),
      );
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return {
        drainedMs: Object.fromEntries([...last].map(([k, v]) => [k, Math.round(v)])),
        redelivered: Object.fromEntries(redelivered),
      };
    },
  };
}

/** Freshness: for each batch, from publish to the poll that first saw its rows counted. */
function freshness(
  sentAt: number[],
  t0: number,
  samples: [number, number][],
  batchSize: number,
): { p50: number; p99: number } {
  const lat: number[] = [];
  let s = 0;
  for (let i = 0; i < sentAt.length; i++) {
    const need = (i + 1) * batchSize;
    while (s < samples.length && (samples[s]![1] ?? 0) < need) s++;
    const seen = samples[s];
    if (seen) lat.push(t0 + seen[0] - (sentAt[i] ?? 0));
  }
  lat.sort((a, b) => a - b);
  return { p50: Math.round(percentile(lat, 50)), p99: Math.round(percentile(lat, 99)) };
}

/**
 * Pass-through baseline: the same batches published, consumed (one ack per message), parsed and
 * inserted into ClickHouse (two inserts in flight) with no validation, rating, balances or
 * redelivery guarantees.
 */
const BASELINE_COLUMNS = ['id', 'msisdn', 'type', 'start_time', 'duration_sec', 'bytes', 'charge_fen'];

async function baseline(env: BenchEnv, batches: Uint8Array[], o: PipelineOptions) {
  await env.nats.jsm.streams.add({ name: 'BASE', subjects: ['base.>'] });
  await env.nats.jsm.consumers.add('BASE', {
    durable_name: 'base',
    ack_policy: 'explicit' as never,
    max_ack_pending: 4000,
  });
  await env.ch.client.command({
    query: `CREATE TABLE IF NOT EXISTS ${env.ch.db}.bench_baseline (id String, msisdn String, type String, start_time DateTime64(3,'UTC'), duration_sec UInt32, bytes UInt64, charge_fen Int64) ENGINE = MergeTree ORDER BY (msisdn, start_time)`,
  });
  const ac = new AbortController();
  let rows = 0;
  const consuming = runConsumer({
    js: env.nats.js,
    stream: 'BASE',
    durable: 'base',
    maxBatch: 200,
    prefetch: 600,
    lingerMs: 100,
    concurrency: 2,
    log: createLogger('silent'),
    signal: ac.signal,
    handle: async (msgs) => {
      const values: unknown[][] = [];
      for (const m of msgs) {
        const b = JSON.parse(Buffer.from(m.data).toString('utf8')) as { items: RawCdr[] };
        for (const c of b.items)
          values.push([
            `${c.neId}-${c.recordSeq}`,
            c.msisdn,
            c.type,
            c.startMs,
            c.type === 'sms' ? 0 : c.durationSec,
            c.type === 'data' ? c.bytesUp + c.bytesDown : 0,
            0,
          ]);
      }
      // The sink's own insert path (pre-encoded JSONCompactEachRow lines), so both sides gain from it.
      await env.ch.insertRaw({
        table: `${env.ch.db}.bench_baseline`,
        columns: BASELINE_COLUMNS,
        body: compactLines(values),
      });
      rows += values.length;
    },
  });
  const sentAt: number[] = [];
  const cpu = cpuMeter(env.server.pid);
  const publishing = publishAll(
    env,
    batches.map((data, i) => ({ subject: `base.${i % o.partitions}`, data, msgId: `base-${i}` })),
    sentAt,
  );
  const poll = await pollUntil(async () => rows, o.cdrs, 600_000, 100, 'CDRs (baseline)');
  const cpuUsed = cpu.stop();
  await publishing;
  ac.abort();
  await consuming;
  return {
    cdrs: rows,
    seconds: poll.ms / 1000,
    cdrPerSec: Math.round(rows / (poll.ms / 1000)),
    cpu: cpuUsed,
  };
}

async function full(env: BenchEnv, batches: Uint8Array[], o: PipelineOptions, startMs: number) {
  const catalog = loadCatalogFile('catalog/default.json');
  await applyTopology(env.nats.nc, env.nats.jsm, [
    INGEST_CONSUMER,
    ...ratingConsumers(o.partitions),
    ...sinks.map((s) => s.consumer),
  ]);
  await provisionSimulatedLines(env.nats.nc, catalog, SEED, o.subscribers, startMs - 86_400_000);
  const metrics = createMetrics();
  const deps = {
    nats: env.nats,
    clock: systemClock,
    log: createLogger(process.env.BENCH_LOG ?? 'warn', 'streambss', stderrDestination()),
    metrics,
  };
  const ac = new AbortController();
  const recovered = new Set<number>();
  const tRecover = performance.now();
  const onRecovered = (p: number) => recovered.add(p);
  // As `npm start` runs them: ingest and rating in worker threads, the sink in the main thread
  // (it owns the ClickHouse session); `--threads 0` runs all three on the main thread.
  const threads = o.threads
    ? (['ingest', 'processor'] as const).map((role) =>
        startRoleThread(
          [role],
          loadConfig({
            NATS_URL: env.server.url,
            CDR_PARTITIONS: String(o.partitions),
            LOG_LEVEL: process.env.BENCH_LOG ?? 'warn',
            DATA_DIR: env.dir,
          }) as Config & { NATS_URL: string },
          deps.log,
          { onRecovered, logToStderr: true },
        ),
      )
    : [];
  await Promise.all(threads.map((t) => t.ready));
  const roles = Promise.all([
    ...(o.threads
      ? []
      : [
          runNatsIngest({ ...deps, partitions: o.partitions }, ac.signal),
          runRating(
            { ...deps, partitions: o.partitions, catalog, leaseNats: env.leaseNats, onRecovered },
            ac.signal,
          ),
        ]),
    // The sink batches as `npm start` configures it (SINK_BATCH_ROWS, SINK_FLUSH_MS from the environment).
    runSinks({ ...deps, ch: env.ch, ...sinkBatching(loadConfig(process.env)) }, ac.signal),
  ]);
  // Partitions recover (empty) before the clock starts.
  await pollUntil(async () => recovered.size, o.partitions, 60_000, 50);
  const recoveryMs = Math.round(performance.now() - tRecover);
  const sentAt: number[] = [];
  const cpu = cpuMeter(env.server.pid);
  const t0 = performance.now();
  const publishing = publishAll(
    env,
    batches.map((data, i) => ({ subject: subjects.rawCdr(`NE-${i % 8}`), data, msgId: `raw-${i}` })),
    sentAt,
    o.rate / o.batchSize,
  ).then(() => Math.round(performance.now() - t0));
  const stageWatch = watchStages(env, [
    INGEST_CONSUMER,
    ...ratingConsumers(o.partitions),
    sinks[0]!.consumer,
  ]);
  const poll = await pollUntil(
    () => scalar(env.ch, `SELECT count() FROM ${env.ch.db}.cdr_rated`),
    o.cdrs,
    900_000,
    100,
    'CDRs rated and stored',
  );
  const cpuUsed = cpu.stop();
  const publishedMs = await publishing;
  const stages = await stageWatch.stop();
  const q = (sql: string) => scalar(env.ch, sql);
  const db = env.ch.db;
  const correctness = {
    published: o.cdrs,
    rated: await q(`SELECT count() FROM ${db}.cdr_rated`),
    uniqueRated: await q(`SELECT uniqExact(cdr_id) FROM ${db}.cdr_rated`),
    ledgerUsageEntries: await q(`SELECT count() FROM ${db}.ledger WHERE kind = 'usage'`),
    sumDebitsFen: await q(`SELECT sum(amount_fen) FROM ${db}.ledger WHERE kind = 'usage'`),
    sumChargesFen: await q(`SELECT sum(charge_fen) FROM ${db}.cdr_rated`),
    deadLettered: (await env.nats.jsm.streams.info('DLQ')).state.messages,
  };
  const ratedStreamBytesPerCdr = Math.round(
    (await env.nats.jsm.streams.info('RATED')).state.bytes / Math.max(1, correctness.rated),
  );
  ac.abort();
  await Promise.all([roles, ...threads.map((t) => t.stop())]);
  return {
    cdrs: correctness.rated,
    seconds: poll.ms / 1000,
    reached: poll.reached,
    cdrPerSec: Math.round(correctness.rated / (poll.ms / 1000)),
    freshnessMs: freshness(sentAt, t0, poll.samples, o.batchSize),
    publishedMs,
    recoveryMs,
    cpu: cpuUsed,
    ratedStreamBytesPerCdr,
    stagesDrainedMs: stages.drainedMs,
    redelivered: stages.redelivered,
    correctness: {
      ...correctness,
      duplicates: correctness.rated - correctness.uniqueRated,
      debitsEqualCharges: correctness.sumDebitsFen === correctness.sumChargesFen,
    },
  };
}

export async function run(o: PipelineOptions): Promise<Record<string, unknown>> {
  const catalog = loadCatalogFile('catalog/default.json');
  const startMs = Date.now() - 2 * 3_600_000;
  const batches = generate(o, planIdsOf(catalog), startMs);
  // One ClickHouse session per process (chdb): both runs share the environment, not streams or tables.
  const env = await startBenchEnv();
  let base: Awaited<ReturnType<typeof baseline>>;
  let result: Awaited<ReturnType<typeof full>>;
  try {
    base = await baseline(env, batches, o);
    result = await full(env, batches, o, startMs);
  } finally {
    await env.close();
  }
  return {
    scenario: 'pipeline',
    options: o,
    pipeline: result,
    baseline: base,
    ratio: Number((result.cdrPerSec / base.cdrPerSec).toFixed(3)),
    targets: { cdrPerSec: 100_000, ratio: 0.7, sustainedSeconds: 60 },
  };
}
