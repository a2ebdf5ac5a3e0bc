/**
 * Chaos: the rating processor (tests/fault/fixtures/rating-child.ts) SIGKILLed every ~`killEveryMs`
 * while `cdrs` CDRs stream with 2 % republished duplicates (same msg id) and 1 % re-batched under a
 * new id, plus top-ups. Then a clean drain and the figures: lost, charged twice, Σ debits vs Σ
 * rated, balances ≠ ledger, balances ≠ a single-threaded reference. Same seed → same input.
 */
import { spawn } from 'node:child_process';
import { Kvm } from '@nats-io/kv';
import { isDeepStrictEqual } from 'node:util';
import { decodeBatch, encodeBatch, systemClock, type RatedCdr } from '../../domain/index.ts';
import type { LedgerEntry, SubscriberState } from '../../domain/rating/index.ts';
import { applyTopology, PipelinedPublisher, subjects, type PublishItem } from '../../infra/nats/index.ts';
import { ingestCdrBatch } from '../../ingest/index.ts';
import {
  allStates,
  openChargingStores,
  PartitionWorker,
  provisioningLookup,
  ratingConsumers,
  readOutputParts,
  sendPayment,
} from '../../processors/rating/index.ts';
import { readRange } from '../../processors/rating/recovery.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import { planIdsOf, provisionSimulatedLines } from '../../runtime/demo.ts';
import { CdrGenerator, population } from '../../simulators/index.ts';
import { startTestNats } from '../support/env.ts';

export interface RatingKillOptions {
  seed: number;
  cdrs: number;
  lines: number;
  partitions: number;
  killEveryMs: number;
  /** Most kills; killing goes on while the rating has a backlog [cdrs / 5000, at least 2]. */
  maxKills?: number;
  /** CDRs per second the feed streams at [as fast as it can]. */
  feedRatePerSec?: number;
}

export interface RatingKillFigures {
  seed: number;
  cdrs: number;
  uniqueCdrs: number;
  duplicatesSent: number;
  kills: number;
  /** Inputs (messages) the final, unkilled process still had to rate: the rest were rated under kills. */
  backlogAtDrain: number;
  lost: number;
  chargedTwice: number;
  sumDebitsFen: number;
  sumRatedFen: number;
  balancesNotEqualLedger: number;
  balancesNotEqualReference: number;
  durationMs: number;
  ok: boolean;
}

const catalog = loadCatalogFile('catalog/default.json');

function spawnRating(natsUrl: string, partitions: number, drain: boolean) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fault/fixtures/rating-child.ts'], {
    env: {
      ...process.env,
      NATS_URL: natsUrl,
      PARTITIONS: String(partitions),
      ...(drain ? { DRAIN: '1' } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  // resolves when the process has recovered a partition and rates (or has exited)
  const rating = new Promise<void>((r) => {
    child.stdout?.on('data', (b: Buffer) => {
      if (b.toString().includes('recovered')) r();
    });
    void exited.then(() => r());
  });
  child.stdout?.resume();
  return { child, exited, rating };
}

export async function runRatingKill(o: RatingKillOptions): Promise<RatingKillFigures> {
  const t0 = Date.now();
  const env = await startTestNats();
  try {
    // the simulated clock runs ahead as CDRs are generated: start far enough back that none is in the future
    const start = Date.now() - Math.max(6 * 3_600_000, o.cdrs * 1000);
    // A killed process's partition leases expire after 1.5 s (10 s in production) so the next one
    // takes over within the kill cycle.
    await new Kvm(env.nats.nc).create('leases', { history: 1, ttl: 1500 });
    await applyTopology(
      env.nats.nc,
      env.nats.jsm,
      ratingConsumers(o.partitions).map((c) => ({ ...c, ackWaitSec: 2 })),
    );
    await provisionSimulatedLines(env.nats.nc, catalog, o.seed, o.lines, start - 86_400_000);
    const subs = population(o.seed, o.lines, planIdsOf(catalog));
    const gen = new CdrGenerator(o.seed, subs, start, 2);
    const batches: PublishItem[] = [];
    const inputIds = new Set<string>();
    for (let b = 0; b < Math.ceil(o.cdrs / 100); b++) {
      const raw = Array.from({ length: 100 }, () => gen.next());
      const r = ingestCdrBatch(encodeBatch(`sim-${b}`, raw), {
        source: 'chaos',
        subject: 'raw.cdr.chaos',
        partitions: o.partitions,
        nowMs: Date.now(),
        fallbackId: `b${b}`,
      });
      if (r.rejected.length)
        throw new Error(`simulated CDRs rejected: ${JSON.stringify(r.rejected[0]?.info)}`);
      batches.push(...r.publishes);
      for (const pb of r.publishes) {
        const d = decodeBatch(pb.data);
        if (d.ok) for (const c of d.batch.items as { cdrId: string }[]) inputIds.add(c.cdrId);
      }
    }
    const pub = new PipelinedPublisher(env.nats.js, 64);
    let duplicatesSent = 0;
    let feedDone = false;
    const feedStart = Date.now();
    const feedMs = o.feedRatePerSec ? (o.cdrs / o.feedRatePerSec) * 1000 : 0;
    const feeding = (async () => {
      for (const [i, b] of batches.entries()) {
        const due = feedStart + (feedMs * i) / batches.length;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        await pub.publish(b);
        if (i % 50 === 7) {
          await pub.publish(b);
          duplicatesSent++;
        }
        if (i % 100 === 3) {
          await pub.publish({ ...b, msgId: `${b.msgId}-resent` });
          duplicatesSent++;
        }
        if (i % 60 === 0)
          await sendPayment(pub, o.partitions, {
            paymentId: `pay-${i}`,
            msisdn: subs[i % o.lines]!.e164,
            amountFen: 5000,
            purpose: 'top_up',
            atMs: start + i * 1000,
          });
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 10));
      }
      await pub.flush();
    })().finally(() => (feedDone = true));
    // Kill while the rating still has work, not only while the feed runs (it is fast): the CDRs
    // are rated by processes that die every ~killEveryMs, and the final process drains the rest.
    const backlog = async () => {
      let n = 0;
      for (const c of ratingConsumers(o.partitions)) {
        const i = await env.nats.jsm.consumers.info(c.stream, c.durable);
        n += i.num_pending + i.num_ack_pending;
      }
      return n;
    };
    const maxKills = o.maxKills ?? Math.max(2, Math.ceil(o.cdrs / 5000));
    let kills = 0;
    while (kills < 2 || (kills < maxKills && (!feedDone || (await backlog()) > 0))) {
      const { child, exited, rating } = spawnRating(env.server.url, o.partitions, false);
      // the kill clock starts once the process rates: a kill during start-up tests nothing
      await Promise.race([rating, new Promise((r) => setTimeout(r, 30_000))]);
      await new Promise((r) => setTimeout(r, o.killEveryMs * (0.5 + Math.random())));
      child.kill('SIGKILL');
      await exited;
      kills++;
    }
    await feeding;
    const backlogAtDrain = await backlog();
    const final = spawnRating(env.server.url, o.partitions, true);
    if ((await final.exited) !== 0) throw new Error('the draining rating process failed');

    const charged = new Map<string, number>();
    let sumRatedFen = 0;
    const ledger: LedgerEntry[] = [];
    for (let p = 0; p < o.partitions; p++)
      await readRange(env.nats.js, 'RATED', subjects.rated(p), 1, (m) => {
        const d = decodeBatch(m.data);
        if (!d.ok) throw new Error(d.reason);
        for (const r of d.batch.items as RatedCdr[]) {
          charged.set(r.cdr.cdrId, (charged.get(r.cdr.cdrId) ?? 0) + 1);
          sumRatedFen += r.chargeFen;
        }
        ledger.push(...((readOutputParts(m.data)?.ledger ?? []) as LedgerEntry[]));
      });
    const lost = [...inputIds].filter((id) => !charged.has(id)).length;
    const chargedTwice = [...charged.values()].filter((n) => n > 1).length;
    const sumDebitsFen = ledger.filter((l) => l.kind === 'usage').reduce((a, l) => a + l.amountFen, 0);

    const stores = await openChargingStores(env.nats.nc);
    const states = new Map<string, SubscriberState>(
      (await allStates(env.nats.js)).map((st) => [st.msisdn, st]),
    );
    const ledgerSum = new Map<string, number>();
    for (const l of ledger)
      ledgerSum.set(
        l.msisdn,
        (ledgerSum.get(l.msisdn) ?? 0) + (l.direction === 'credit' ? l.amountFen : -l.amountFen),
      );
    let balancesNotEqualLedger = 0;
    for (const [msisdn, st] of states)
      if (st.balanceFen !== (ledgerSum.get(msisdn) ?? 0)) balancesNotEqualLedger++;
    let balancesNotEqualReference = 0;
    for (let p = 0; p < o.partitions; p++) {
      const ref = new PartitionWorker(catalog, p, provisioningLookup(stores.subscribers), systemClock.nowMs);
      await readRange(env.nats.js, 'CDR', subjects.charging(p), 1, async (m) => {
        await ref.apply({ seq: m.seq, subject: m.subject, data: m.data });
      });
      for (const [msisdn, entry] of ref.states)
        if (!isDeepStrictEqual(states.get(msisdn), entry.state)) balancesNotEqualReference++;
    }
    const ok =
      lost === 0 &&
      chargedTwice === 0 &&
      sumDebitsFen === sumRatedFen &&
      balancesNotEqualLedger === 0 &&
      balancesNotEqualReference === 0;
    return {
      seed: o.seed,
      cdrs: batches.length ? o.cdrs : 0,
      uniqueCdrs: inputIds.size,
      duplicatesSent,
      kills,
      backlogAtDrain,
      lost,
      chargedTwice,
      sumDebitsFen,
      sumRatedFen,
      balancesNotEqualLedger,
      balancesNotEqualReference,
      durationMs: Date.now() - t0,
      ok,
    };
  } finally {
    await env.close();
  }
}
