/**
 * A delivery that never reaches the rating process: JetStream counts a message as delivered
 * once it leaves the server, so a pull answer lost with its connection (a node killed, a pull of
 * a closed consumer still served) comes back only after the ack wait — by then later inputs of
 * the partition were rated. The worker must not take it for one it applied (the cluster chaos
 * run lost 45 CDRs that way once in CI): it rates the gap, in stream order, before going on.
 *
 * The lost answer is made deterministic here: another connection holds a pull on the rating
 * durable before rating starts, takes the next input, and never acks it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../domain/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology, PipelinedPublisher } from '../../infra/nats/index.ts';
import { ratingConsumers, runRating } from '../../processors/rating/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import { planIdsOf, provisionSimulatedLines } from '../../runtime/demo.ts';
import { startTestNats, waitFor } from '../support/env.ts';
import { chargingInputs, inputCdrIds } from '../support/charging.ts';
import { checkCharging } from '../chaos/cluster-support.ts';

const SEED = 23;
const LINES = 30;
const catalog = loadCatalogFile('catalog/default.json');
const START = Date.now() - 3 * 3_600_000;

describe('a rating delivery lost on its way (real nats-server)', () => {
  let env: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    env = await startTestNats();
    // A short ack wait: the lost input comes back within the test, after the later ones.
    await applyTopology(
      env.nats.nc,
      env.nats.jsm,
      ratingConsumers(1).map((c) => ({ ...c, ackWaitSec: 2 })),
    );
    await provisionSimulatedLines(env.nats.nc, catalog, SEED, LINES, START - 86_400_000);
  });
  afterAll(async () => env?.close());

  it('rates the input it never received, before the later ones, and charges nothing twice', async () => {
    const inputs = chargingInputs({
      seed: SEED,
      lines: LINES,
      planIds: planIdsOf(catalog),
      startMs: START,
      cdrs: 400,
      perMessage: 20,
      partitions: 1,
    });
    // The pull whose answer is lost: registered before rating's own pulls, so served first.
    const taken: number[] = [];
    env.nats.nc.subscribe('_INBOX.lost-answer', { callback: (_e, m) => void taken.push(m.data.length) });
    env.nats.nc.publish(
      '$JS.API.CONSUMER.MSG.NEXT.CDR.rating-p0',
      JSON.stringify({ batch: 1, expires: 20_000_000_000 }),
      { reply: '_INBOX.lost-answer' },
    );
    await new Promise((r) => setTimeout(r, 200));
    const logged: string[] = [];
    const ac = new AbortController();
    let recovered = 0;
    const running = runRating(
      {
        nats: env.nats,
        partitions: 1,
        catalog,
        clock: systemClock,
        log: createLogger('warn', 'rating', { write: (line: string) => void logged.push(line) }),
        metrics: createMetrics(),
        checkpointMs: 100,
        onRecovered: () => recovered++,
      },
      ac.signal,
    );
    await waitFor(() => recovered > 0);
    await new Promise((r) => setTimeout(r, 300)); // rating's pulls are registered
    const pub = new PipelinedPublisher(env.nats.js, 8);
    await pub.publish(inputs[0]!);
    await pub.flush();
    await waitFor(() => taken.length === 1); // the first input went to the lost pull
    for (const input of inputs.slice(1)) await pub.publish(input);
    await pub.flush();

    const consumerIdle = async () => {
      const i = await env.nats.jsm.consumers.info('CDR', 'rating-p0');
      return i.num_pending + i.num_ack_pending === 0;
    };
    await waitFor(async () => (await consumerIdle()) && (await consumerIdle()), 30_000, 500);
    ac.abort();
    await running;

    const f = await checkCharging(env.nats, catalog, 1, inputCdrIds(inputs));
    expect({
      lost: f.lost,
      chargedTwice: f.chargedTwice,
      debitsEqualRated: f.debitsEqualRated,
      balancesNotEqualLedger: f.balancesNotEqualLedger,
      balancesNotEqualReference: f.balancesNotEqualReference,
    }).toEqual({
      lost: 0,
      chargedTwice: 0,
      debitsEqualRated: true,
      balancesNotEqualLedger: 0,
      balancesNotEqualReference: 0,
    });
    // Said in the log, so an operator sees why the partition rebuilt itself.
    expect(
      logged.some((l) => /gap/i.test(l)),
      logged.join('\n'),
    ).toBe(true);
  }, 60_000);
});
