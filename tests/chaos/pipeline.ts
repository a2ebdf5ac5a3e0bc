/**
 * The whole charging pipeline for chaos scenarios: a real nats-server this process can kill and
 * restart on the same port and store, the roles (ingest → rating → sink) as child processes of
 * the real program, and the checks every scenario ends with (lost, doubled, dead-lettered).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBatch, type RatedCdr } from '../../domain/index.ts';
import {
  applyTopology,
  connectNats,
  startNatsServer,
  subjects,
  type Nats,
  type NatsServerHandle,
} from '../../infra/nats/index.ts';
import { INGEST_CONSUMER } from '../../ingest/index.ts';
import { nocConsumers } from '../../processors/noc/index.ts';
import {
  ADJUSTMENT_ROUTER_CONSUMER,
  PAYMENT_ROUTER_CONSUMER,
  ratingConsumers,
} from '../../processors/rating/index.ts';
import { readRange } from '../../processors/rating/recovery.ts';
import { sinks } from '../../processors/sink/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import { provisionSimulatedLines } from '../../runtime/demo.ts';
import type { ChAggregates } from '../fault/fixtures/ch-aggregates.ts';
import { traceLost, type LostTrace } from './diagnose.ts';
import { runOnce, spawnRole, type RoleProcess } from './roles.ts';

export const catalog = loadCatalogFile('catalog/default.json');
export const SINK_DURABLE = 'sink-cdr-rated';

export interface PipelineOptions {
  seed: number;
  lines: number;
  partitions: number;
  /** Role lists, one child process each (e.g. ['ingest', 'processor', 'sink']). */
  processes: string[];
  /** Start of the simulated clock (provisioning opens the lines a day before). */
  startMs: number;
  /**
   * Shorter ack wait for ingest, rating and the rated sink than the product's (15/30/30 s), set
   * once the roles are up: work in flight at a crash comes back sooner (short tests only).
   */
  ackWaitSec?: number;
}

export interface Pipeline {
  dir: string;
  nats: Nats;
  url: string;
  roles: Map<string, RoleProcess>;
  /** The data folder of the process running the sink (its embedded ClickHouse lives there). */
  sinkDataDir: string;
  /** SIGKILLs the nats-server and starts it again on the same port and store; returns timings. */
  restartNats(pauseMs?: number): Promise<{ downMs: number }>;
  /** Stage positions now (undefined while NATS is unreachable). */
  positions(): Promise<Positions | undefined>;
  /** Waits until ingest, rating and the rated sink have nothing pending or unacked. */
  drain(timeoutMs: number): Promise<number>;
  stopRoles(): Promise<void>;
  close(): Promise<void>;
}

export interface Positions {
  rawLast: number;
  /** Ack floors (stream sequences): everything up to here is done. */
  ingestAck: number;
  sinkAck: number;
  /** Highest delivered stream sequence minus unacked: grows with every ack, even above a stuck floor. */
  ingestAcked: number;
  sinkAcked: number;
  ratedLast: number;
}

export async function startPipeline(o: PipelineOptions): Promise<Pipeline> {
  const dir = mkdtempSync(join(tmpdir(), 'sbss-chaos-'));
  const storeDir = join(dir, 'nats');
  let server: NatsServerHandle = await startNatsServer({ storeDir, port: 0 });
  const port = server.port;
  const nats = await connectNats(server.url, 'chaos');
  const roles = new Map<string, RoleProcess>();
  let sinkDataDir = '';
  try {
    await applyTopology(nats.nc, nats.jsm, [
      INGEST_CONSUMER,
      ...ratingConsumers(o.partitions),
      PAYMENT_ROUTER_CONSUMER,
      ADJUSTMENT_ROUTER_CONSUMER,
      ...nocConsumers,
      ...sinks.map((s) => s.consumer),
    ]);
    await provisionSimulatedLines(nats.nc, catalog, o.seed, o.lines, o.startMs - 86_400_000);
    for (const r of o.processes) {
      const dataDir = join(dir, `role-${r.replace(/,/g, '+')}`);
      if (r.split(',').includes('sink')) sinkDataDir = dataDir;
      roles.set(r, spawnRole({ name: r, roles: r, natsUrl: server.url, dataDir, partitions: o.partitions }));
    }
    await Promise.all([...roles.values()].map((p) => p.ready));
    if (o.ackWaitSec)
      for (const c of [INGEST_CONSUMER, ...ratingConsumers(o.partitions), sinks[0]!.consumer])
        await nats.jsm.consumers.update(c.stream, c.durable, { ack_wait: o.ackWaitSec * 1_000_000_000 });
  } catch (err) {
    for (const p of roles.values()) await p.kill();
    await nats.nc.close().catch(() => undefined);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const consumerAt = async (stream: string, durable: string) => {
    const i = await nats.jsm.consumers.info(stream, durable);
    return { floor: i.ack_floor.stream_seq, acked: i.delivered.stream_seq - i.num_ack_pending };
  };
  const idle = async (stream: string, durable: string) => {
    const i = await nats.jsm.consumers.info(stream, durable);
    return i.num_pending === 0 && i.num_ack_pending === 0;
  };
  const stopRoles = async () => {
    for (const p of roles.values()) await p.stop();
  };
  return {
    dir,
    nats,
    url: server.url,
    roles,
    sinkDataDir,
    restartNats: async (pauseMs = 0) => {
      const t0 = Date.now();
      await server.kill();
      if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      server = await startNatsServer({ storeDir, port });
      return { downMs: Date.now() - t0 };
    },
    positions: async () => {
      try {
        const ingest = await consumerAt(INGEST_CONSUMER.stream, INGEST_CONSUMER.durable);
        const sink = await consumerAt('RATED', SINK_DURABLE);
        return {
          rawLast: (await nats.jsm.streams.info('RAW')).state.last_seq,
          ingestAck: ingest.floor,
          ingestAcked: ingest.acked,
          sinkAck: sink.floor,
          sinkAcked: sink.acked,
          ratedLast: (await nats.jsm.streams.info('RATED')).state.last_seq,
        };
      } catch {
        return undefined;
      }
    },
    drain: async (timeoutMs) => {
      const t0 = Date.now();
      const all = [INGEST_CONSUMER, ...ratingConsumers(o.partitions), sinks[0]!.consumer];
      let quiet = 0;
      while (quiet < 3) {
        if (Date.now() - t0 > timeoutMs) throw new Error(`pipeline not drained in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 300));
        let ok = true;
        try {
          for (const c of all) ok &&= await idle(c.stream, c.durable);
        } catch {
          ok = false;
        }
        quiet = ok ? quiet + 1 : 0;
      }
      return Date.now() - t0;
    },
    stopRoles,
    close: async () => {
      for (const p of roles.values()) await p.kill();
      await nats.nc.close().catch(() => undefined);
      await server.stop();
      // CHAOS_KEEP=1 keeps the NATS store and ClickHouse folders for a post-mortem.
      if (process.env.CHAOS_KEEP === '1') console.error(`chaos: data kept in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every rated CDR id in the RATED stream with how often it was charged, and the Σ of charges. */
export async function readCharges(
  nats: Nats,
  partitions: number,
): Promise<{ charged: Map<string, number>; chargeFen: number }> {
  const charged = new Map<string, number>();
  let chargeFen = 0;
  for (let p = 0; p < partitions; p++)
    await readRange(nats.js, 'RATED', subjects.rated(p), 1, (m) => {
      const d = decodeBatch(m.data);
      if (!d.ok) throw new Error(d.reason);
      for (const r of d.batch.items as RatedCdr[]) {
        charged.set(r.cdr.cdrId, (charged.get(r.cdr.cdrId) ?? 0) + 1);
        chargeFen += r.chargeFen;
      }
    });
  return { charged, chargeFen };
}

/** The aggregates of an embedded ClickHouse folder, read by a child process (sink stopped). */
export async function readAggregates(sinkDataDir: string): Promise<ChAggregates> {
  const r = await runOnce(['tests/fault/fixtures/ch-aggregates.ts'], {
    CH_DIR: join(sinkDataDir, 'clickhouse'),
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.code !== 0 || !line.startsWith('{'))
    throw new Error(`reading ClickHouse failed (${r.code ?? r.signal}): ${r.stderr}`);
  return JSON.parse(line) as ChAggregates;
}

export interface BooksFigures {
  uniqueCdrs: number;
  /** Sent but never charged (RATED stream) or missing from ClickHouse. */
  lost: number;
  lostInClickHouse: number;
  chargedTwice: number;
  /** Rows beyond one per id, without FINAL. */
  duplicateRows: number;
  duplicateLedgerRows: number;
  chargeFenStream: number;
  chargeFenClickHouse: number;
  deadLettered: number;
  /** Error lines the role processes logged (expected while NATS is down), and the first few. */
  roleErrorCount: number;
  roleErrors: string[];
  /** Only when something was lost: where it went missing. */
  lostTrace?: LostTrace;
  /** Only when rows were doubled: a few ids with the stream sequences of their rows. */
  duplicateExamples?: ChAggregates['duplicateExamples'];
}

/** Drained and stopped pipeline → the books: every input charged once, one row each in ClickHouse. */
export async function checkBooks(
  p: Pipeline,
  partitions: number,
  inputIds: Set<string>,
): Promise<{ books: BooksFigures; aggregates: ChAggregates }> {
  const { charged, chargeFen } = await readCharges(p.nats, partitions);
  const dlq = (await p.nats.jsm.streams.info('DLQ')).state.messages;
  const roleErrors = [...p.roles.values()].flatMap((r) => r.errors().map((e) => `${r.name}: ${e}`));
  const lostIds = [...inputIds].filter((id) => !charged.has(id));
  const lostTrace = lostIds.length ? await traceLost(p.nats, partitions, lostIds) : undefined;
  await p.stopRoles();
  const agg = await readAggregates(p.sinkDataDir);
  const lost = lostIds.length;
  const books: BooksFigures = {
    uniqueCdrs: inputIds.size,
    lost,
    lostInClickHouse: inputIds.size - agg.cdrRated.uniqueIds,
    chargedTwice: [...charged.values()].filter((n) => n > 1).length,
    duplicateRows: agg.cdrRated.rows - agg.cdrRated.uniqueIds,
    duplicateLedgerRows: agg.ledger.rows - agg.ledger.uniqueKeys,
    chargeFenStream: chargeFen,
    chargeFenClickHouse: agg.cdrRated.chargeFen,
    deadLettered: dlq,
    roleErrorCount: roleErrors.length,
    roleErrors: roleErrors.slice(0, 3).map((e) => e.slice(0, 300)),
    ...(lostTrace ? { lostTrace } : {}),
    ...(agg.duplicateExamples.length ? { duplicateExamples: agg.duplicateExamples } : {}),
  };
  return { books, aggregates: agg };
}

export const booksOk = (b: BooksFigures) =>
  b.lost === 0 &&
  b.lostInClickHouse === 0 &&
  b.chargedTwice === 0 &&
  b.duplicateRows === 0 &&
  b.duplicateLedgerRows === 0 &&
  b.chargeFenStream === b.chargeFenClickHouse &&
  b.deadLettered === 0;
