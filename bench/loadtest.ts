#!/usr/bin/env -S npx tsx
/**
 * `npm run loadtest`: the care scenario (bench/loadtest-care.ts, with its bare-Fastify baseline),
 * then self-service and NOC read scenarios against the whole pipeline running in-process (ingest,
 * rating, payments, sinks, simulator streaming CDRs), each with a same-run baseline. At the end
 * the simulator stops, everything drains, and the charging books are checked: every published CDR
 * rated once, Σ debits = Σ rated charges, every balance = its ledger (`reconcile`). Prints one JSON
 * object; exits 1 when anything was lost or doubled.
 *
 *   LOADTEST_SEC=10 LOADTEST_CONNECTIONS=20 LOADTEST_CDR_RATE=5000 npm run loadtest
 */
import Fastify from 'fastify';
import { createApi, DEMO_CUSTOMER_MSISDN, seedDemoUsers } from '../api/index.ts';
import { randomIds, systemClock } from '../domain/index.ts';
import { loadConfig } from '../infra/config/index.ts';
import { createLogger } from '../infra/log/index.ts';
import { createMetrics } from '../infra/metrics/index.ts';
import { applyTopology } from '../infra/nats/index.ts';
import { INGEST_CONSUMER, runNatsIngest } from '../ingest/index.ts';
import {
  ADJUSTMENT_ROUTER_CONSUMER,
  allStates,
  PAYMENT_ROUTER_CONSUMER,
  ratingConsumers,
  reconcile,
  runPaymentRouter,
  runRating,
} from '../processors/rating/index.ts';
import { runSinks, sinks } from '../processors/sink/index.ts';
import { loadCatalogFile } from '../runtime/catalog.ts';
import { planIdsOf, provisionSimulatedLines } from '../runtime/demo.ts';
import { runCdrSimulator } from '../simulators/index.ts';
import { envNumber as num, measure } from './autocannon.ts';
import { startBenchEnv, scalar } from './harness.ts';
import * as care from './loadtest-care.ts';

const PARTITIONS = 2;
const SEED = 42;

async function pipelineScenarios(durationSec: number, connections: number, cdrRate: number) {
  const env = await startBenchEnv();
  const log = createLogger('silent');
  const metrics = createMetrics();
  const catalog = loadCatalogFile('catalog/default.json');
  const base = { nats: env.nats, clock: systemClock, log, metrics };
  const ac = new AbortController();
  const simAc = new AbortController();
  const baseline = Fastify({ logger: false });
  baseline.get('/ping', async () => ({ msisdn: '+86138****0042', balanceFen: 1000 }));
  const running: Promise<unknown>[] = [];
  await applyTopology(env.nats.nc, env.nats.jsm, [
    INGEST_CONSUMER,
    ...ratingConsumers(PARTITIONS),
    PAYMENT_ROUTER_CONSUMER,
    ADJUSTMENT_ROUTER_CONSUMER,
    ...sinks.map((s) => s.consumer),
  ]);
  const api = await createApi({
    config: {
      ...loadConfig({}),
      PORT: 0,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      CDR_PARTITIONS: PARTITIONS,
    },
    ...base,
    ch: env.ch,
    ids: randomIds,
    catalog,
    dashboardDir: '/nonexistent-dashboard',
    // one login per scenario drives all its traffic: measure capacity, not the per-user limit
    userRateLimits: { lookupsMax: 1_000_000_000, exportsMax: 1_000_000_000, windowMs: 60_000 },
  });
  try {
    running.push(runNatsIngest({ ...base, partitions: PARTITIONS }, ac.signal));
    running.push(runRating({ ...base, partitions: PARTITIONS, catalog }, ac.signal));
    running.push(runPaymentRouter({ ...base, partitions: PARTITIONS }, ac.signal));
    running.push(runSinks({ ...base, ch: env.ch, batchMessages: 50, flushMs: 200 }, ac.signal));
    await seedDemoUsers(env.nats, log);
    const start = Date.now();
    await provisionSimulatedLines(env.nats.nc, catalog, SEED, 2000, start - 86_400_000);
    const sim = runCdrSimulator(
      env.nats,
      {
        seed: SEED,
        subscribers: 2000,
        rate: cdrRate,
        startMs: start,
        batchSize: 100,
        planIds: planIdsOf(catalog),
      },
      simAc.signal,
    );
    const url = await api.listen();
    const baseUrl = await baseline.listen({ port: 0, host: '127.0.0.1' });
    const cookieOf = async (username: string) => {
      const r = await api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: `${username}-demo-2026` },
      });
      return `sbss_session=${r.cookies.find((c) => c.name === 'sbss_session')?.value}`;
    };
    const customer = { cookie: await cookieOf('customer') };
    const noc = { cookie: await cookieOf('noc') };
    const own = encodeURIComponent(DEMO_CUSTOMER_MSISDN);
    const common = { connections, duration: durationSec };
    const result = {
      baseline: await measure({ ...common, url: `${baseUrl}/ping` }),
      selfServiceBalance: await measure({
        ...common,
        url: `${url}/api/v1/subscribers/${own}/balance`,
        headers: customer,
      }),
      selfServiceUsage: await measure({
        ...common,
        url: `${url}/api/v1/subscribers/${own}/usage/summary?period=this_month`,
        headers: customer,
      }),
      nocTickets: await measure({ ...common, url: `${url}/api/v1/noc/tickets`, headers: noc }),
      nocAlarms: await measure({ ...common, url: `${url}/api/v1/noc/alarms`, headers: noc }),
    };
    simAc.abort();
    const simulated = await sim;
    // drain: every consumer empty and the projection caught up
    const drainStart = Date.now();
    for (;;) {
      let pending = 0;
      for (const c of [INGEST_CONSUMER, ...ratingConsumers(PARTITIONS), ...sinks.map((s) => s.consumer)]) {
        const i = await env.nats.jsm.consumers.info(c.stream, c.durable);
        pending += i.num_pending + i.num_ack_pending;
      }
      const rated = await scalar(env.ch, `SELECT uniqExact(cdr_id) FROM ${env.ch.db}.cdr_rated`);
      if ((pending === 0 && rated >= simulated.published) || Date.now() - drainStart > 120_000) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const ratedUnique = await scalar(env.ch, `SELECT uniqExact(cdr_id) FROM ${env.ch.db}.cdr_rated FINAL`);
    const ratedRows = await scalar(env.ch, `SELECT count() FROM ${env.ch.db}.cdr_rated FINAL`);
    // Balances are saved at each checkpoint (every 5 s, and when idle): give the last one time to
    // land before comparing them with the ledger; past 20 s a balance behind its ledger is a fault.
    const savedStart = Date.now();
    let rec = await reconcile(env.ch, await allStates(env.nats.js), Date.now());
    while (rec.stateBehindLedger.length > 0 && Date.now() - savedStart < 20_000) {
      await new Promise((r) => setTimeout(r, 1000));
      rec = await reconcile(env.ch, await allStates(env.nats.js), Date.now());
    }
    const balancesSavedAfterMs = Date.now() - savedStart;
    const b = result.baseline.reqPerSec || 1;
    const ratio = (x: { reqPerSec: number }) => +(x.reqPerSec / b).toFixed(3);
    const books = {
      cdrsPublished: simulated.published,
      cdrsRatedUnique: ratedUnique,
      lost: Math.max(0, simulated.published - ratedUnique),
      doubled: ratedRows - ratedUnique,
      sumDebitsFen: rec.sumDebitsFen,
      sumChargesFen: rec.sumChargesFen,
      ledgerDrift: rec.ledgerDrift.length,
      balancesNotEqualLedger: rec.stateBehindLedger.length,
      balancesSavedAfterMs,
      subscribersChecked: rec.subscribersChecked,
    };
    const ok =
      books.lost === 0 &&
      books.doubled === 0 &&
      rec.ok &&
      books.balancesNotEqualLedger === 0 &&
      Object.values(result).every((r) => r.errors === 0);
    return {
      ...result,
      ratioToBaseline: {
        selfServiceBalance: ratio(result.selfServiceBalance),
        selfServiceUsage: ratio(result.selfServiceUsage),
        nocTickets: ratio(result.nocTickets),
        nocAlarms: ratio(result.nocAlarms),
      },
      books,
      ok,
    };
  } finally {
    simAc.abort();
    ac.abort();
    await Promise.allSettled(running);
    await api.close();
    await baseline.close();
    await env.close();
  }
}

async function main() {
  const durationSec = num('LOADTEST_SEC', 10);
  const connections = num('LOADTEST_CONNECTIONS', 20);
  const cdrRate = num('LOADTEST_CDR_RATE', 5000);
  const careFigures = await care.run();
  const pipeline = await pipelineScenarios(durationSec, connections, cdrRate);
  const out = {
    durationSec,
    connections,
    cdrRatePerSec: cdrRate,
    care: careFigures,
    selfServiceAndNoc: pipeline,
  };
  console.log(JSON.stringify(out, null, 2));
  return pipeline.ok;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
