import { spawn, type ChildProcess } from 'node:child_process';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, systemClock } from '../../domain/index.ts';
import { applyTopology, PipelinedPublisher, subjects } from '../../infra/nats/index.ts';
import type { LedgerEntry, SubscriberState } from '../../domain/rating/index.ts';
import {
  allStates,
  openChargingStores,
  PartitionWorker,
  provisioningLookup,
  ratingConsumers,
  readOutputParts,
  sendPayment,
  sendAddOn,
  sendPlanChange,
  sendLineClosure,
} from '../../processors/rating/index.ts';
import { readRange } from '../../processors/rating/recovery.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import { planIdsOf, provisionSimulatedLines } from '../../runtime/demo.ts';
import { population } from '../../simulators/index.ts';
import { startTestNats } from '../support/env.ts';
import { chargedCounts, chargingInputs, inputCdrIds } from '../support/charging.ts';

const PARTITIONS = 2;
const SEED = 5;
const LINES = 150;
const CDRS = 30_000;
const catalog = loadCatalogFile('catalog/default.json');
const START = Date.now() - 6 * 3_600_000;

function spawnRating(env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fault/fixtures/rating-child.ts'], {
    env: { ...process.env, ...env, PARTITIONS: String(PARTITIONS) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited };
}

describe('two rating processes sharing partitions by lease, one SIGKILLed every few seconds while CDRs stream (real nats-server)', () => {
  let env: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    env = await startTestNats();
    // Partition leases expire 1.5 s after their holder was killed (10 s in production), so the
    // other process takes a dead one's partitions over within the test's kill cycle.
    await new Kvm(env.nats.nc).create('leases', { history: 1, ttl: 1500 });
    await applyTopology(
      env.nats.nc,
      env.nats.jsm,
      ratingConsumers(PARTITIONS).map((c) => ({ ...c, ackWaitSec: 2 })),
    );
    await provisionSimulatedLines(env.nats.nc, catalog, SEED, LINES, START - 86_400_000);
  });
  afterAll(async () => env?.close());

  it('loses nothing, charges nothing twice, and every balance equals its ledger and a reference run', async () => {
    const batches = chargingInputs({
      seed: SEED,
      lines: LINES,
      planIds: planIdsOf(catalog),
      startMs: START,
      cdrs: CDRS,
      perMessage: 100,
      partitions: PARTITIONS,
    });
    const pub = new PipelinedPublisher(env.nats.js, 64);
    const subs = population(SEED, LINES, planIdsOf(catalog));
    // 销户 of a few lines halfway: the network makes no usage for them afterwards (their later
    // CDRs are left out), and their accounts are settled exactly once however often rating dies.
    // Lines asked for a plan change, or a pack after the closure, are not among them.
    const CLOSE_AT = Math.floor(batches.length / 2);
    const askedLater = new Set<string>();
    for (let i = 0; i < batches.length; i++) {
      if (i % 40 === 11) askedLater.add(subs[(i * 7) % LINES]!.e164);
      if (i % 45 === 17 && i >= CLOSE_AT) askedLater.add(subs[(i * 11) % LINES]!.e164);
    }
    const closing = subs
      .map((x) => x.e164)
      .filter((m) => !askedLater.has(m))
      .slice(0, 5);
    let closeAtMs = START;
    for (const [i, b] of batches.entries()) {
      const d = decodeBatch(b.data);
      if (!d.ok) continue;
      const items = d.batch.items as { msisdn: string; startMs: number }[];
      if (i <= CLOSE_AT) for (const c of items) closeAtMs = Math.max(closeAtMs, c.startMs + 1);
      else
        batches[i] = {
          ...b,
          data: encodeBatch(
            d.batch.batchId,
            items.filter((c) => !closing.includes(c.msisdn)),
          ),
        };
    }
    // A quarter carry a few of their CDRs twice (a switch that sent them again inside one batch): live,
    // the dedup index drops the copies, and a recovery that replays such an input must too.
    for (const [i, b] of batches.entries()) {
      const d = i % 4 === 1 ? decodeBatch(b.data) : null;
      if (d?.ok)
        batches[i] = {
          ...b,
          data: encodeBatch(d.batch.batchId, [...d.batch.items, ...d.batch.items.slice(0, 3)]),
        };
    }
    /** Lines asked to change plan (套餐变更) mid-stream, and to which plan (same payment type). */
    const changed = new Map<string, string>();
    let published = 0;
    let addOns = 0;
    let kills = 0;
    const feeding = (async () => {
      for (const [i, b] of batches.entries()) {
        await pub.publish(b);
        // 2 % republished as they are (same message id: the stream drops them) ...
        if (i % 50 === 7) await pub.publish(b);
        // ... and 1 % re-batched under a new message id: the charging dedup must drop those CDRs.
        if (i % 100 === 3) await pub.publish({ ...b, msgId: `${b.msgId}-resent` });
        if (i % 60 === 0)
          await sendPayment(pub, PARTITIONS, {
            paymentId: `pay-${i}`,
            msisdn: population(SEED, LINES, [])[i % LINES]!.e164,
            amountFen: 5000,
            purpose: 'top_up',
            atMs: START + i * 1000,
          });
        if (i % 40 === 11) {
          const line = subs[(i * 7) % LINES]!;
          const payment = catalog.plans.get(line.planId)!.payment;
          const to = [...catalog.plans.values()].find(
            (pl) => pl.payment === payment && pl.id !== line.planId,
          )!;
          changed.set(line.e164, to.id);
          await sendPlanChange(pub, PARTITIONS, {
            changeId: `pc-${i}`,
            msisdn: line.e164,
            planId: to.id,
            atMs: START + i * 1000,
          });
        }
        if (i % 45 === 17) {
          // an add-on pack: money and allowance, exactly once however often rating dies
          await sendAddOn(pub, PARTITIONS, {
            purchaseId: `ao-${i}`,
            msisdn: subs[(i * 11) % LINES]!.e164,
            addOnId: 'voice-100min',
            name: { 'zh-CN': '语音叠加包100分钟', en: 'Voice pack 100 min' },
            service: 'voice',
            units: 6000,
            feeFen: 1000,
            atMs: START + i * 1000,
          });
          addOns++;
        }
        if (i === CLOSE_AT)
          for (const [k, msisdn] of closing.entries())
            await sendLineClosure(pub, PARTITIONS, {
              closureId: `uns-kill-${k}`,
              msisdn,
              reason: 'unsubscribe',
              atMs: closeAtMs,
            });
        published++;
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 25));
      }
      await pub.flush();
    })();

    const natsEnv = { NATS_URL: env.server.url };
    const deadline = Date.now() + 120_000;
    let feedDone = false;
    void feeding.then(() => (feedDone = true));
    // Two rating processes at all times, sharing the partitions by lease; every cycle one of them
    // is SIGKILLed and started again, the other takes its partitions over when its leases expire.
    const procs = [spawnRating(natsEnv), spawnRating(natsEnv)];
    while (!feedDone || kills < 4) {
      await new Promise((r) => setTimeout(r, 1500 + Math.floor(Math.random() * 2000)));
      const victim = procs[kills % 2]!;
      victim.child.kill('SIGKILL');
      await victim.exited;
      procs[kills % 2] = spawnRating(natsEnv);
      kills++;
      if (Date.now() > deadline) throw new Error('feeding did not finish in time');
    }
    for (const p of procs) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    await feeding;
    const final = spawnRating({ ...natsEnv, DRAIN: '1' });
    expect(await final.exited).toBe(0);
    expect(published).toBe(batches.length);

    // Read every output: each CDR charged exactly once, ledger debits equal rated charges.
    let ratedFen = 0;
    const ledger: LedgerEntry[] = [];
    const charged = await chargedCounts(env.nats.js, PARTITIONS, (data, items) => {
      for (const r of items) ratedFen += r.chargeFen;
      ledger.push(...((readOutputParts(data)?.ledger ?? []) as LedgerEntry[]));
    });
    const inputIds = inputCdrIds(batches);
    const lost = [...inputIds].filter((id) => !charged.has(id)).length;
    const twice = [...charged.values()].filter((n) => n > 1).length;
    const usageDebits = ledger.filter((l) => l.kind === 'usage').reduce((a, l) => a + l.amountFen, 0);
    expect({ lost, twice, kills }).toEqual({ lost: 0, twice: 0, kills });
    expect(kills).toBeGreaterThanOrEqual(4);
    expect(charged.size).toBe(inputIds.size);
    expect(usageDebits).toBe(ratedFen);
    expect(new Set(ledger.map((l) => l.key)).size).toBe(ledger.length);
    // every pack sold was charged once (none was refused: every line had the credit)
    expect(ledger.filter((l) => l.key.startsWith('addon:'))).toHaveLength(addOns);
    expect(addOns).toBeGreaterThanOrEqual(5);

    // Every saved balance = opening + credits − debits of its ledger.
    const stores = await openChargingStores(env.nats.nc);
    const states = new Map<string, SubscriberState>(
      (await allStates(env.nats.js)).map((st) => [st.msisdn, st]),
    );
    expect(states.size).toBe(LINES);
    // every plan change is held exactly as asked (pending, or already running if a period started)
    expect(changed.size).toBeGreaterThanOrEqual(5);
    for (const [msisdn, planId] of changed)
      expect(states.get(msisdn)?.nextPlanId ?? states.get(msisdn)?.planId, msisdn).toBe(planId);
    // every closed line is closed, holds no credit, and was settled at most once (keys are unique)
    expect(closing).toHaveLength(5);
    for (const msisdn of closing)
      expect(states.get(msisdn), msisdn).toMatchObject({ barReason: 'closed', closedAtMs: closeAtMs });
    expect(closing.every((m) => states.get(m)!.balanceFen <= 0)).toBe(true);
    expect(ledger.filter((l) => l.key.startsWith('closure_settlement:')).length).toBeGreaterThan(0);
    for (const [msisdn, st] of states) {
      const sum = ledger
        .filter((l) => l.msisdn === msisdn)
        .reduce((a, l) => a + (l.direction === 'credit' ? l.amountFen : -l.amountFen), 0);
      expect(st.balanceFen, msisdn).toBe(sum);
      // ... and the ledger's own running balance ends where the state is.
      const mine = ledger.filter((l) => l.msisdn === msisdn);
      expect(mine.at(-1)?.balanceAfterFen, msisdn).toBe(st.balanceFen);
    }

    // A single-threaded reference over the same streams gives identical balances.
    for (let p = 0; p < PARTITIONS; p++) {
      const ref = new PartitionWorker(catalog, p, provisioningLookup(stores.subscribers), systemClock.nowMs);
      await readRange(env.nats.js, 'CDR', subjects.charging(p), 1, async (m) => {
        await ref.apply({ seq: m.seq, subject: m.subject, data: m.data });
      });
      for (const [msisdn, entry] of ref.states) expect(states.get(msisdn), msisdn).toEqual(entry.state);
    }
  });
});
