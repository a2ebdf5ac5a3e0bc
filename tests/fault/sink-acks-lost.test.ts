import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsMsg } from '@nats-io/jetstream';
import { encodeBatch, type RatedCdr } from '../../domain/index.ts';
import { createSinkHandler } from '../../infra/clickhouse/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology, PipelinedPublisher, runConsumer, subjects } from '../../infra/nats/index.ts';
import { normaliseCdr } from '../../ingest/index.ts';
import { ratedCdrSink } from '../../processors/sink/rated.ts';
import { CdrGenerator, population } from '../../simulators/index.ts';
import { openTestClickHouse, startTestNats, waitFor } from '../support/env.ts';

const MESSAGES = 60;
const PER_MESSAGE = 50;

/**
 * nats-server 2.9 can lose consumer acks when it is killed: it then delivers messages whose rows
 * are already in ClickHouse again, as first deliveries (deliveryCount 1). A fresh durable
 * consumer over the same stream reproduces exactly that: every message comes again, marked new.
 */
describe('sink: messages delivered again as new (acks lost by the server)', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let chEnv: Awaited<ReturnType<typeof openTestClickHouse>>;
  beforeAll(async () => {
    nats = await startTestNats();
    chEnv = await openTestClickHouse();
    await applyTopology(nats.nats.nc, nats.nats.jsm, []);
    const gen = new CdrGenerator(3, population(3, 500, ['flat']), Date.now() - 86_400_000, 50);
    const pub = new PipelinedPublisher(nats.nats.js, 32);
    for (let b = 0; b < MESSAGES; b++) {
      const items: RatedCdr[] = [];
      while (items.length < PER_MESSAGE) {
        const n = normaliseCdr(gen.next()!, Date.now());
        if (!n.ok) continue;
        items.push({
          cdr: n.cdr,
          planId: 'flat',
          planVersion: 1,
          chargeFen: 7,
          billableUnits: 1,
          unit: n.cdr.type === 'voice' ? 'sec' : n.cdr.type === 'sms' ? 'sms' : 'byte',
          allowanceUsed: 0,
          ratedAtMs: n.cdr.startMs + 5,
          explanation: 'test',
        });
      }
      await pub.publish({
        subject: subjects.rated(b % 2),
        data: encodeBatch(`r-${b}`, items),
        msgId: `r-${b}`,
      });
    }
    await pub.flush();
  });
  afterAll(async () => {
    await chEnv?.close();
    await nats?.close();
  });

  const count = async () => {
    const rs = await chEnv.ch.client.query({
      query: `SELECT count() AS n, uniqExact(cdr_id) AS u, sum(charge_fen) AS fen FROM ${chEnv.ch.db}.cdr_rated`,
      format: 'JSONEachRow',
    });
    const [r] = await rs.json<{ n: string; u: string; fen: string }>();
    return { rows: Number(r?.n), unique: Number(r?.u), fen: Number(r?.fen) };
  };

  /** Consumes RATED through a new durable consumer with a new handler (a restarted sink). */
  const drainAsNew = async (durable: string) => {
    await nats.nats.jsm.consumers.add('RATED', { durable_name: durable, ack_policy: 'explicit' as never });
    const metrics = createMetrics();
    const handle = createSinkHandler(ratedCdrSink, {
      ch: chEnv.ch,
      metrics,
      onReject: () => Promise.reject(new Error('nothing here is bad')),
    });
    let firstDeliveries = 0;
    const ac = new AbortController();
    const running = runConsumer({
      js: nats.nats.js,
      stream: 'RATED',
      durable,
      maxBatch: 7, // small batches: several inserts, several high-water updates
      concurrency: 2,
      log: createLogger('silent'),
      signal: ac.signal,
      handle: async (msgs: JsMsg[]) => {
        firstDeliveries += msgs.filter((m) => m.info.deliveryCount === 1).length;
        await handle(msgs);
      },
    });
    await waitFor(async () => {
      const i = await nats.nats.jsm.consumers.info('RATED', durable);
      return i.num_pending + i.num_ack_pending === 0;
    }, 60_000);
    ac.abort();
    await running;
    return { firstDeliveries };
  };

  it('stores every row once although each message came twice as a first delivery', async () => {
    const first = await drainAsNew('sink-a');
    expect(first.firstDeliveries).toBe(MESSAGES);
    expect(await count()).toEqual({
      rows: MESSAGES * PER_MESSAGE,
      unique: MESSAGES * PER_MESSAGE,
      fen: MESSAGES * PER_MESSAGE * 7,
    });
    const again = await drainAsNew('sink-b');
    expect(again.firstDeliveries).toBe(MESSAGES);
    expect(await count()).toEqual({
      rows: MESSAGES * PER_MESSAGE,
      unique: MESSAGES * PER_MESSAGE,
      fen: MESSAGES * PER_MESSAGE * 7,
    });
  }, 120_000);
});
