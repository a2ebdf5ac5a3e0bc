/**
 * Chaos on a 3-node NATS cluster: streams and buckets R3, the roles as separate processes
 * (`bin/streambss.ts ingest | processor ×N | sink`, NATS_URL = all three nodes) while raw CDRs
 * stream in as network elements would send them (with republished and re-batched duplicates and
 * top-ups). Every ~`faultEveryMs` one node is SIGKILLed (restarted on the same ports and store
 * after `downMs`) or SIGSTOPped for `downMs`. Then a full drain and the figures: lost, charged
 * twice, balances vs ledger and vs a single-threaded reference, ClickHouse rows, and whether all
 * nodes agree on every stream's last sequence (each node's own /jsz).
 *
 *   npm run chaos -- --scenario cluster            (see tests/chaos/index.ts for the options)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBatch, encodeBatch } from '../../domain/index.ts';
import { openClickHouse } from '../../infra/clickhouse/index.ts';
import {
  applyTopology,
  connectNats,
  PipelinedPublisher,
  startNatsCluster,
  type NatsCluster,
  type Nats,
  type PublishItem,
} from '../../infra/nats/index.ts';
import { INGEST_CONSUMER, ingestCdrBatch } from '../../ingest/index.ts';
import { nocConsumers } from '../../processors/noc/index.ts';
import {
  ADJUSTMENT_ROUTER_CONSUMER,
  PAYMENT_ROUTER_CONSUMER,
  ratingConsumers,
  sendPayment,
} from '../../processors/rating/index.ts';
import { sinks } from '../../processors/sink/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import { planIdsOf, provisionSimulatedLines } from '../../runtime/demo.ts';
import { CdrGenerator, population } from '../../simulators/index.ts';
import { checkCharging, consumerStates, drained, RoleProcess, rng, sleep } from './cluster-support.ts';

export interface ClusterChaosOptions {
  /** How long CDRs stream while faults are injected. */
  durationMs: number;
  faultEveryMs: number;
  /** How long a killed node stays down / a paused node stays stopped. */
  downMs: number;
  cdrsPerSec: number;
  lines: number;
  partitions: number;
  ratingInstances: number;
  /** Run the sink role (embedded ClickHouse in its own folder) and check its rows. */
  sink: boolean;
  /**
   * Ingest and rating in one process (`run --roles ingest,processor`, less start-up CPU for the
   * short test) instead of one process per role.
   */
  combineIngest: boolean;
  seed: number;
  drainTimeoutMs: number;
  /** How long a node that came back may take to report healthy before the run stops injecting. */
  healthyTimeoutMs: number;
  /**
   * No fault starts in this last part of the feed. Acks lost in an election come back only after
   * the consumer's ack_wait (30 s for rating), so the drain after a late fault waits for it.
   */
  quietTailMs: number;
  log: (msg: string) => void;
}

export const clusterDefaults: ClusterChaosOptions = {
  durationMs: 180_000,
  faultEveryMs: 10_000,
  downMs: 3000,
  cdrsPerSec: 1000,
  lines: 1000,
  partitions: 4,
  ratingInstances: 2,
  sink: true,
  combineIngest: false,
  seed: 7,
  drainTimeoutMs: 240_000,
  healthyTimeoutMs: 90_000,
  quietTailMs: 0,
  log: (msg) => console.error(`[cluster] ${msg}`),
};

interface Fault {
  kind: 'kill' | 'pause';
  node: string;
  atSec: number;
  downMs: number;
  /** From restart / SIGCONT until the node is current with the meta leader and its streams caught up. */
  caughtUpAfterMs: number;
  /** Set when it had not caught up after healthyTimeoutMs (what was behind). */
  notCaughtUp?: string;
  /** Its full /healthz before the next fault ('ok' or the last answer), and when it became ok. */
  healthz?: string;
  healthzOkAfterMs?: number;
}

/** Raw CDR messages as network elements send them, and the CDR ids ingest will derive from them. */
function rawInput(o: ClusterChaosOptions, startMs: number) {
  const catalog = loadCatalogFile('catalog/default.json');
  const subs = population(o.seed, o.lines, planIdsOf(catalog));
  const gen = new CdrGenerator(o.seed, subs, startMs, 2);
  const batches = Math.ceil((o.durationMs / 1000) * (o.cdrsPerSec / 100));
  const raw: PublishItem[] = [];
  const ids = new Set<string>();
  for (let b = 0; b < batches; b++) {
    const data = encodeBatch(
      `cl-${b}`,
      Array.from({ length: 100 }, () => gen.next()),
    );
    raw.push({ subject: `raw.cdr.ne-${b % 8}`, data, msgId: `raw-cl-${b}` });
    const r = ingestCdrBatch(data, {
      source: 'chaos',
      subject: 'raw.cdr.chaos',
      partitions: o.partitions,
      nowMs: Date.now(),
      fallbackId: `b${b}`,
    });
    if (r.rejected.length) throw new Error(`simulated CDRs rejected: ${JSON.stringify(r.rejected[0]?.info)}`);
    for (const pb of r.publishes) {
      const d = decodeBatch(pb.data);
      if (d.ok) for (const c of d.batch.items as { cdrId: string }[]) ids.add(c.cdrId);
    }
  }
  return { catalog, subs, raw, ids };
}

export async function run(partial: Partial<ClusterChaosOptions> = {}): Promise<Record<string, unknown>> {
  const o: ClusterChaosOptions = { ...clusterDefaults, ...partial };
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'sbss-cluster-chaos-'));
  let cluster: NatsCluster | undefined;
  let nats: Nats | undefined;
  const roles: RoleProcess[] = [];
  try {
    const startMs = Date.now() - Math.max(6 * 3_600_000, (o.durationMs / 1000) * o.cdrsPerSec * 1000);
    const input = rawInput(o, startMs);
    cluster = await startNatsCluster({ dir: join(dir, 'nats') });
    const c = cluster;
    nats = await connectNats(c.url, 'chaos-cluster');
    const rating = ratingConsumers(o.partitions);
    const sinkConsumers = sinks.map((s) => s.consumer);
    const consumers = [
      INGEST_CONSUMER,
      ...rating,
      PAYMENT_ROUTER_CONSUMER,
      ADJUSTMENT_ROUTER_CONSUMER,
      ...nocConsumers,
      ...sinkConsumers,
    ];
    const topology = await applyTopology(nats.nc, nats.jsm, consumers, { replicas: 3 });
    const replicas = (await nats.jsm.streams.info('CDR')).config.num_replicas;
    await provisionSimulatedLines(nats.nc, input.catalog, o.seed, o.lines, startMs - 86_400_000);

    const env = {
      NATS_URL: c.url,
      NATS_REPLICAS: '3',
      CDR_PARTITIONS: String(o.partitions),
      LOG_LEVEL: process.env.CHAOS_ROLE_LOG_LEVEL ?? 'warn',
      SIM_RATE: '0',
    };
    const role = (name: string, args: string[]) =>
      roles.push(
        new RoleProcess(name, args, { ...env, DATA_DIR: join(dir, name) }, join(dir, `${name}.log`)),
      );
    if (!o.combineIngest) role('ingest', ['ingest']);
    for (let i = 1; i <= o.ratingInstances; i++)
      if (o.combineIngest && i === 1) role('ingest+processor-1', ['run', '--roles', 'ingest,processor']);
      else role(`processor-${i}`, ['processor']);
    if (o.sink) role('sink', ['sink']);
    o.log(`cluster ${c.url}; roles ${roles.map((r) => r.name).join(', ')}; logs in ${dir}`);
    const readyBy = Date.now() + 180_000;
    while (!roles.every((r) => r.ready) && Date.now() < readyBy) await sleep(250);
    if (!roles.every((r) => r.ready))
      throw new Error(`roles not up after 180 s: ${roles.filter((r) => !r.ready).map((r) => r.name)}`);
    const rolesReadyMs = Date.now() - t0;

    // Feed: raw batches at the chosen rate, every round retried with the same ids until acked.
    const pub = new PipelinedPublisher(nats.js, 64, 5000);
    let duplicatesSent = 0;
    let publishRetries = 0;
    let lastAckAt = Date.now();
    let publishStallMaxMs = 0;
    const perTick = Math.max(1, Math.round(o.cdrsPerSec / 100 / 2));
    const feedStart = Date.now();
    const feeding = (async () => {
      for (let b = 0; b < input.raw.length; b += perTick) {
        const round: PublishItem[] = [];
        for (let i = b; i < Math.min(b + perTick, input.raw.length); i++) {
          const item = input.raw[i]!;
          round.push(item);
          if (i % 50 === 7) {
            round.push(item);
            duplicatesSent++;
          }
          if (i % 100 === 3) {
            round.push({ ...item, msgId: `${item.msgId}-resent` });
            duplicatesSent++;
          }
        }
        for (let attempt = 1; ; attempt++) {
          try {
            for (const it of round) await pub.publish(it);
            await pub.flush();
            if (b % 60 < perTick) {
              const sub = input.subs[(b / perTick) % o.lines]!;
              await sendPayment(pub, o.partitions, {
                paymentId: `cl-${b}`,
                msisdn: sub.e164,
                amountFen: 5000,
                purpose: 'top_up',
                atMs: startMs + b * 1000,
              });
            }
            break;
          } catch {
            await pub.flush().catch(() => undefined);
            publishRetries++;
            if (attempt > 200) throw new Error(`publishing raw batch ${b} failed 200 times`);
            await sleep(250);
          }
        }
        const now = Date.now();
        publishStallMaxMs = Math.max(publishStallMaxMs, now - lastAckAt);
        lastAckAt = now;
        const due = feedStart + ((b + perTick) / input.raw.length) * o.durationMs;
        if (due > now) await sleep(due - now);
      }
    })();
    let feedDone = false;
    const fed = feeding.finally(() => (feedDone = true));

    // Rated progress: the longest time RATED did not grow while CDRs were streaming.
    let ratedStallMaxMs = 0;
    let lastRated = 0;
    let lastRatedAt = Date.now();
    const watch = setInterval(() => {
      if (feedDone) return;
      nats?.jsm.streams.info('RATED').then(
        (i) => {
          const now = Date.now();
          if (i.state.last_seq > lastRated) [lastRated, lastRatedAt] = [i.state.last_seq, now];
          ratedStallMaxMs = Math.max(ratedStallMaxMs, now - lastRatedAt);
        },
        () => undefined,
      );
    }, 500);

    // Faults: one node at a time, so a quorum (2 of 3) always exists.
    const faults: Fault[] = [];
    const pick = rng(o.seed);
    await sleep(Math.min(o.faultEveryMs, 5000));
    // No new fault in the last quietTailMs of the feed: the drain then overlaps the redelivery wait.
    while (!feedDone && Date.now() < feedStart + o.durationMs - o.quietTailMs) {
      const began = Date.now();
      const i = Math.floor(pick() * c.nodes.length);
      const kind = pick() < 0.5 ? 'kill' : 'pause';
      const atSec = Math.round((began - feedStart) / 100) / 10;
      if (kind === 'kill') await c.kill(i);
      else c.pause(i);
      await sleep(o.downMs);
      const back = Date.now();
      let notCaughtUp: string | undefined;
      try {
        if (kind === 'kill') await c.restart(i, o.healthyTimeoutMs);
        else {
          c.resume(i);
          await c.waitCaughtUp(i, o.healthyTimeoutMs);
        }
      } catch (err) {
        notCaughtUp = err instanceof Error ? err.message : String(err);
      }
      const f: Fault = {
        kind,
        node: c.nodes[i]!.name,
        atSec,
        downMs: back - began,
        caughtUpAfterMs: Date.now() - back,
      };
      faults.push(f);
      // Another fault while a node is still behind could take a quorum away: stop injecting.
      if (notCaughtUp) {
        f.notCaughtUp = notCaughtUp;
        o.log(`${kind} ${f.node} at ${atSec}s: ${notCaughtUp}`);
        break;
      }
      // Full /healthz (every stream and consumer replica current) until the next fault is due.
      const next = began + o.faultEveryMs * (0.75 + pick() / 2);
      f.healthz = 'not ok';
      while (!feedDone && Date.now() < next) {
        if (f.healthzOkAfterMs === undefined)
          await c.waitHealthy(i, 500, 'full').then(
            () => ((f.healthzOkAfterMs = Date.now() - back), (f.healthz = 'ok')),
            (err: unknown) =>
              (f.healthz = err instanceof Error ? err.message.replace(/^.*ms: /, '') : 'not ok'),
          );
        else await sleep(200);
      }
      o.log(
        `${kind} ${f.node} at ${atSec}s: caught up ${f.caughtUpAfterMs} ms after coming back; healthz ${f.healthz}`,
      );
    }
    await fed;
    clearInterval(watch);
    const feedMs = Date.now() - feedStart;

    // Drain: every consumer the roles own has nothing pending or unacked.
    const drainStart = Date.now();
    const owned = [INGEST_CONSUMER, ...rating, ...(o.sink ? [sinkConsumers[0]!] : [])];
    let drainWaitedOn = '';
    const isDrained = await drained(nats, owned, o.drainTimeoutMs, (what) => (drainWaitedOn = what));
    const drainMs = Date.now() - drainStart;
    // Where each durable stands (kept in the figures: it shows a stuck consumer at once).
    const consumerState = await consumerStates(nats, owned);
    const exitCodes: Record<string, number | null> = {};
    for (const r of roles) exitCodes[r.name] = await r.stop();
    o.log(`drained=${isDrained} in ${drainMs} ms; exits ${JSON.stringify(exitCodes)}`);
    // How often a rating partition rebuilt itself because a delivery never reached it.
    const inputGaps = roles
      .map((r) => readFileSync(join(dir, `${r.name}.log`), 'utf8').split('(an input gap)').length - 1)
      .reduce((a, n) => a + n, 0);

    // KV_leases is the rating processes' coordination state: renewed every few seconds and expired
    // by TTL on each replica on its own, so its counts differ between nodes by design.
    const agreement = await c.agreement(30_000, ['KV_leases']);
    const charging = await checkCharging(nats, input.catalog, o.partitions, input.ids);
    let clickhouse: Record<string, number> | undefined;
    if (o.sink) {
      const ch = await openClickHouse({
        database: 'streambss',
        embeddedPath: join(dir, 'sink', 'clickhouse'),
      });
      const rs = await ch.client.query({
        query: 'SELECT count() AS n, uniqExact(cdr_id) AS u FROM streambss.cdr_rated',
        format: 'JSONEachRow',
      });
      const [row] = await rs.json<{ n: string; u: string }>();
      clickhouse = { rows: Number(row?.n ?? 0), uniqueCdrs: Number(row?.u ?? 0) };
      await ch.close();
    }
    const chOk =
      !clickhouse || (clickhouse.rows === input.ids.size && clickhouse.uniqueCdrs === input.ids.size);
    const ok =
      isDrained &&
      faults.every((f) => !f.notCaughtUp) &&
      replicas === 3 &&
      agreement.agree &&
      charging.lost === 0 &&
      charging.chargedTwice === 0 &&
      charging.debitsEqualRated &&
      charging.balancesNotEqualLedger === 0 &&
      charging.balancesNotEqualReference === 0 &&
      chOk;
    return {
      ok,
      replicas,
      topologyCreated: topology.created.length,
      roles: roles.map((r) => r.name),
      rolesReadyMs,
      roleRestarts: Object.fromEntries(roles.map((r) => [r.name, r.restarts])),
      roleFailures: roles.flatMap((r) => r.failures.map((f) => `${r.name}: ${f}`)),
      ratingInstances: o.ratingInstances,
      cdrs: input.raw.length * 100,
      uniqueCdrs: input.ids.size,
      duplicatesSent,
      cdrsPerSec: o.cdrsPerSec,
      feedMs,
      kills: faults.filter((f) => f.kind === 'kill').length,
      pauses: faults.filter((f) => f.kind === 'pause').length,
      caughtUpAfterMsMax: Math.max(0, ...faults.map((f) => f.caughtUpAfterMs)),
      healthzNotOkBeforeNextFault: faults.filter((f) => f.healthz !== 'ok').length,
      publishRetries,
      publishStallMaxMs,
      ratedStallMaxMs,
      drained: isDrained,
      drainMs,
      drainWaitedOn,
      consumerState,
      exitCodes,
      inputGaps,
      ...charging,
      clickhouse,
      nodesAgree: agreement.agree,
      agreeAfterMs: agreement.afterMs,
      lastSeqByStream: agreement.lastSeq,
      notReplicated: Object.keys(agreement.replicas).filter((k) => agreement.replicas[k]! < 3),
      faults,
      durationMs: Date.now() - t0,
    };
  } finally {
    for (const r of roles) r.kill();
    await nats?.nc.close().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    if (!process.env.KEEP_CHAOS_DIR) rmSync(dir, { recursive: true, force: true });
  }
}
