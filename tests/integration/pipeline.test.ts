import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, systemClock } from '../../domain/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology, DLQ_HEADERS, PipelinedPublisher, subjects } from '../../infra/nats/index.ts';
import { INGEST_CONSUMER, runNatsIngest } from '../../ingest/index.ts';
import {
  openChargingStores,
  provisionLines,
  ratingConsumers,
  runRating,
} from '../../processors/rating/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import { planIdsOf, provisionSimulatedLines } from '../../runtime/demo.ts';
import { runSinks, sinkBatching, sinks } from '../../processors/sink/index.ts';
import { population, runCdrSimulator } from '../../simulators/index.ts';
import { openTestClickHouse, startTestNats, waitFor } from '../support/env.ts';

const PARTITIONS = 3;

const catalog = loadCatalogFile('catalog/default.json');
const START = Date.now() - 3_600_000;

describe('thin live path: simulator → ingest → rating → sink → ClickHouse (real servers)', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let chEnv: Awaited<ReturnType<typeof openTestClickHouse>>;
  const ac = new AbortController();
  const metrics = createMetrics();
  let roles: Promise<unknown>;

  beforeAll(async () => {
    nats = await startTestNats();
    chEnv = await openTestClickHouse();
    await applyTopology(nats.nats.nc, nats.nats.jsm, [
      INGEST_CONSUMER,
      ...ratingConsumers(PARTITIONS),
      ...sinks.map((s) => s.consumer),
    ]);
    await provisionSimulatedLines(nats.nats.nc, catalog, 11, 300, START - 86_400_000);
    const deps = {
      nats: nats.nats,
      clock: systemClock,
      log: createLogger(process.env.TEST_LOG ?? 'silent'),
      metrics,
    };
    roles = Promise.all([
      runNatsIngest({ ...deps, partitions: PARTITIONS }, ac.signal),
      runRating({ ...deps, partitions: PARTITIONS, catalog, checkpointMs: 500 }, ac.signal),
      // Inserts cut by rows as `npm start` cuts them, small enough that this run takes several.
      runSinks(
        { ...deps, ch: chEnv.ch, ...sinkBatching({ SINK_BATCH_ROWS: 300, SINK_FLUSH_MS: 100 }) },
        ac.signal,
      ),
    ]);
  });
  afterAll(async () => {
    ac.abort();
    await roles;
    await nats?.close();
    await chEnv?.close();
  });

  const count = async (where = '1') => {
    const rs = await chEnv.ch.client.query({
      query: `SELECT count() AS n, uniqExact(cdr_id) AS u FROM ${chEnv.ch.db}.cdr_rated WHERE ${where}`,
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ n: string; u: string }>();
    return { n: Number(row?.n), u: Number(row?.u) };
  };

  it('lands every simulated CDR in ClickHouse exactly once, queryable by subscriber', async () => {
    const startMs = START;
    const sim = await runCdrSimulator(
      nats.nats,
      {
        seed: 11,
        subscribers: 300,
        rate: 0,
        total: 6000,
        startMs,
        batchSize: 100,
        planIds: planIdsOf(catalog),
      },
      new AbortController().signal,
    );
    expect(sim.published).toBe(6000);
    await waitFor(async () => (await count()).n >= 6000, 60_000);
    expect(await count()).toEqual({ n: 6000, u: 6000 });

    const someone = population(11, 300, planIdsOf(catalog))[5]!;
    const rs = await chEnv.ch.client.query({
      query: `SELECT type, charge_fen FROM ${chEnv.ch.db}.cdr_rated WHERE msisdn = {m:String}`,
      query_params: { m: someone.e164 },
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ type: string; charge_fen: string }>();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(Number.isInteger(Number(r.charge_fen))).toBe(true);
  });

  it('dead-letters bad records with their reason and keeps the good ones beside them', async () => {
    const good = (seq: number) => ({
      type: 'sms',
      neId: 'SMSC-ZJ-09',
      recordSeq: seq,
      msisdn: '13900000001',
      imsi: '460001234567891',
      cellId: 'ZJ-HZ-0001-1',
      startMs: Date.now() - 1000,
      roaming: false,
      direction: 'mo',
      calledNumber: '10086',
    });
    const stores = await openChargingStores(nats.nats.nc);
    await provisionLines(stores.subscribers, [
      {
        msisdn: '+8613900000001',
        planId: 'dazhongka-8',
        activatedAtMs: START - 86_400_000,
        openingBalanceFen: 5000,
      },
    ]);
    const items = [
      good(1),
      { ...good(2), cellId: 'nowhere' },
      good(3),
      { ...good(4), durationSec: 5 },
      good(5),
      { ...good(6), msisdn: '13700000099' },
    ];
    const pub = new PipelinedPublisher(nats.nats.js);
    await pub.publishAll([
      { subject: subjects.rawCdr('SMSC-ZJ-09'), data: encodeBatch('mixed-1', items), msgId: 'mixed-1' },
      {
        subject: subjects.rawCdr('SMSC-ZJ-09'),
        data: new TextEncoder().encode('{"v":1,"batchId":"x","items":[tru'),
        msgId: 'junk-1',
      },
    ]);
    await waitFor(async () => (await count(`msisdn = '+8613900000001'`)).n === 3, 30_000);
    const dlq = await waitFor(async () => {
      const info = await nats.nats.jsm.streams.info('DLQ');
      return info.state.messages >= 4 ? info : null;
    });
    expect(dlq?.state.messages).toBe(4);
    const codes: string[] = [];
    for (let seq = 1; seq <= 4; seq++) {
      const m = await nats.nats.jsm.streams.getMessage('DLQ', { seq });
      codes.push(m!.header.get(DLQ_HEADERS.code));
      const info = JSON.parse(m!.header.get(DLQ_HEADERS.info)) as { reason: string; field?: string };
      expect(info.reason.length).toBeGreaterThan(0);
    }
    expect(codes.sort()).toEqual(['bad_envelope', 'schema', 'unknown_cell', 'unknown_subscriber']);
    const rendered = await metrics.registry.getSingleMetricAsString('streambss_dead_letters_total');
    expect(rendered).toMatch(/code="unknown_cell"\} 1/);
  });
});
