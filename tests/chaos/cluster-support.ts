/**
 * Helpers of the cluster chaos run (tests/chaos/cluster.ts): role processes under a supervisor,
 * the drain wait, and the charging checks (lost, doubled, balances vs ledger and reference).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { decodeBatch, systemClock, type RatedCdr } from '../../domain/index.ts';
import type { CompiledCatalog } from '../../domain/catalog/index.ts';
import type { LedgerEntry, SubscriberState } from '../../domain/rating/index.ts';
import { subjects, type Nats } from '../../infra/nats/index.ts';
import {
  allStates,
  openChargingStores,
  PartitionWorker,
  provisioningLookup,
  readOutputParts,
} from '../../processors/rating/index.ts';
import { readRange } from '../../processors/rating/recovery.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A role process (`bin/streambss.ts <role>`) under a supervisor, as systemd or Kubernetes would
 * run it: when it exits on its own it is started again after a second (counted, with its last words).
 */
export class RoleProcess {
  child!: ChildProcess;
  exited!: Promise<number | null>;
  ready = false;
  restarts = 0;
  failures: string[] = [];
  private stopping = false;
  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {
    this.start();
  }
  private start() {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/streambss.ts', ...this.args], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const out = createWriteStream(this.logFile, { flags: 'a' });
    let tail = '';
    const onData = (b: Buffer) => {
      tail = (tail + b.toString()).slice(-600);
      if (tail.includes('StreamBSS is up')) this.ready = true;
      out.write(b);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((r) =>
      child.once('exit', (code) => {
        out.end();
        r(code);
        if (this.stopping) return;
        this.restarts++;
        this.failures.push(`exit ${code}: ${tail.trim().split('\n').at(-1) ?? ''}`.slice(0, 300));
        setTimeout(() => !this.stopping && this.start(), 1000);
      }),
    );
  }
  /** SIGKILL without waiting (cleanup after a failure). */
  kill() {
    this.stopping = true;
    this.child.kill('SIGKILL');
  }
  /** SIGTERM (clean stop: in-flight batches finish), SIGKILL after 30 s; resolves with the exit code. */
  async stop(): Promise<number | null> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }
}

/** A small seeded generator for the fault schedule (same seed → same nodes and kinds). */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Waits until every listed durable has nothing pending or unacked, twice in a row. */
export async function drained(
  nats: Nats,
  durables: { stream: string; durable: string }[],
  timeoutMs: number,
  /** Told which durable held the drain up, each time one did (the figures keep the last). */
  onBusy?: (what: string) => void,
) {
  const end = Date.now() + timeoutMs;
  let clean = 0;
  while (Date.now() < end) {
    let idle = true;
    for (const c of durables) {
      try {
        const i = await nats.jsm.consumers.info(c.stream, c.durable);
        if (i.num_pending > 0 || i.num_ack_pending > 0) {
          idle = false;
          onBusy?.(`${c.durable}: pending ${i.num_pending} ackPending ${i.num_ack_pending}`);
        }
      } catch {
        idle = false;
      }
      if (!idle) break;
    }
    clean = idle ? clean + 1 : 0;
    if (clean >= 2) return true;
    await sleep(1000);
  }
  return false;
}

/** One line per durable: pending, ack pending, redelivered, pulls waiting, leader and replicas. */
export async function consumerStates(
  nats: Nats,
  durables: { stream: string; durable: string }[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const d of durables)
    out[d.durable] = await nats.jsm.consumers.info(d.stream, d.durable).then(
      (i) =>
        `pending ${i.num_pending} ackPending ${i.num_ack_pending} redelivered ${i.num_redelivered} ` +
        `waiting ${i.num_waiting} delivered ${i.delivered.stream_seq} ackFloor ${i.ack_floor.stream_seq} ` +
        `leader ${i.cluster?.leader} replicas ${(i.cluster?.replicas ?? [])
          .map((r) => `${r.name}:${r.current ? 'current' : 'behind'}${r.lag ? `/lag ${r.lag}` : ''}`)
          .join(',')}`,
      (err: unknown) => String(err),
    );
  return out;
}

/** Lost and doubled charges, balances vs their ledger and vs a single-threaded reference replay. */
export async function checkCharging(
  nats: Nats,
  catalog: CompiledCatalog,
  partitions: number,
  ids: Set<string>,
) {
  const charged = new Map<string, number>();
  const ledger: LedgerEntry[] = [];
  let sumRatedFen = 0;
  let cdrInputs = 0;
  const cdrInputIds = new Set<string>();
  for (let p = 0; p < partitions; p++)
    await readRange(nats.js, 'RATED', subjects.rated(p), 1, (m) => {
      const d = decodeBatch(m.data);
      if (!d.ok) throw new Error(d.reason);
      for (const r of d.batch.items as RatedCdr[]) {
        charged.set(r.cdr.cdrId, (charged.get(r.cdr.cdrId) ?? 0) + 1);
        sumRatedFen += r.chargeFen;
      }
      ledger.push(...((readOutputParts(m.data)?.ledger ?? []) as LedgerEntry[]));
    });
  const stores = await openChargingStores(nats.nc);
  const states = new Map<string, SubscriberState>((await allStates(nats.js)).map((st) => [st.msisdn, st]));
  const ledgerSum = new Map<string, number>();
  for (const l of ledger)
    ledgerSum.set(
      l.msisdn,
      (ledgerSum.get(l.msisdn) ?? 0) + (l.direction === 'credit' ? l.amountFen : -l.amountFen),
    );
  let balancesNotEqualReference = 0;
  for (let p = 0; p < partitions; p++) {
    const ref = new PartitionWorker(catalog, p, provisioningLookup(stores.subscribers), systemClock.nowMs);
    await readRange(nats.js, 'CDR', subjects.charging(p), 1, async (m) => {
      if (m.subject.endsWith('.cdr')) {
        const d = decodeBatch(m.data);
        if (d.ok)
          for (const c of d.batch.items as { cdrId: string }[]) {
            cdrInputs++;
            cdrInputIds.add(c.cdrId);
          }
      }
      await ref.apply({ seq: m.seq, subject: m.subject, data: m.data });
    });
    for (const [msisdn, entry] of ref.states)
      if (!isDeepStrictEqual(states.get(msisdn), entry.state)) balancesNotEqualReference++;
  }
  const debits = ledger.filter((l) => l.kind === 'usage').reduce((a, l) => a + l.amountFen, 0);
  const lostIds = [...ids].filter((id) => !charged.has(id));
  return {
    /** A few of the CDRs never charged, and whether the rating dead-lettered anything: where to look. */
    lostExamples: lostIds.slice(0, 5),
    deadLettered: (await nats.jsm.streams.info('DLQ').catch(() => null))?.state.messages ?? -1,
    /** Published CDRs missing from the CDR stream (lost by NATS or ingest). */
    lostInCdrStream: [...ids].filter((id) => !cdrInputIds.has(id)).length,
    /** The same CDR in more than one CDR-stream message (ingest redelivery; rating must dedup). */
    cdrStreamRepeats: cdrInputs - cdrInputIds.size,
    lost: lostIds.length,
    chargedTwice: [...charged.values()].filter((n) => n > 1).length,
    debitsEqualRated: debits === sumRatedFen,
    balancesNotEqualLedger: [...states].filter(([m, st]) => st.balanceFen !== (ledgerSum.get(m) ?? 0)).length,
    balancesNotEqualReference,
  };
}
