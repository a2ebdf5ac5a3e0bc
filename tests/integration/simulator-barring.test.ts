import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers } from '@nats-io/transport-node';
import { systemClock } from '../../domain/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology, PipelinedPublisher } from '../../infra/nats/index.ts';
import {
  allStates,
  NOTICES_HEADER,
  openChargingStores,
  provisionLines,
  ratingConsumers,
  runRating,
  sendLineClosure,
} from '../../processors/rating/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import { watchBarredLines } from '../../runtime/demo.ts';
import { startTestNats, waitFor } from '../support/env.ts';

const LINE = '+8613900000123';

/** A rating output on rated.p.0 carrying one notice; `count` is what its header says (none: no header). */
function output(
  id: string,
  kind: string,
  count?: string,
): [string, Uint8Array, { headers?: ReturnType<typeof headers> }] {
  const body = { v: 1, batchId: id, items: [], ledger: [], notifications: [{ kind, msisdn: LINE, key: id }] };
  const opts: { headers?: ReturnType<typeof headers> } = {};
  if (count !== undefined) {
    opts.headers = headers();
    opts.headers.set(NOTICES_HEADER, count);
  }
  return ['rated.p.0', new TextEncoder().encode(JSON.stringify(body)), opts];
}

/** The simulator stops a barred line's usage: it follows barring notices on the rated outputs. */
describe('simulated lines obey barring (real nats-server)', () => {
  let env: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    env = await startTestNats();
    await applyTopology(env.nats.nc, env.nats.jsm, ratingConsumers(1));
  });
  afterAll(async () => env?.close());

  it('bars and unbars on notices, reads outputs without the count header, skips those that say 0', async () => {
    const watch = await watchBarredLines(env.nats);
    try {
      await env.nats.nc.flush();
      env.nats.nc.publish(...output('o1', 'line_barred', '1'));
      await waitFor(() => watch.isBarred(LINE));
      // an output whose header says it carries no notice is not read
      env.nats.nc.publish(...output('o2', 'line_unbarred', '0'));
      // one without the header (older outputs) is read
      env.nats.nc.publish(...output('o3', 'line_barred'));
      env.nats.nc.publish(...output('o4', 'line_unbarred', '1'));
      await waitFor(() => !watch.isBarred(LINE));
      env.nats.nc.publish(...output('o5', 'line_barred'));
      await waitFor(() => watch.isBarred(LINE));
      env.nats.nc.publish(...output('o6', 'line_unbarred', '0'));
      await env.nats.nc.flush();
      await new Promise((r) => setTimeout(r, 100));
      expect(watch.isBarred(LINE)).toBe(true);
    } finally {
      watch.stop();
    }
  });

  it('starts from what charging saved: a line closed before a restart makes no usage after it', async () => {
    const CLOSED = '+8613900000456';
    await provisionLines((await openChargingStores(env.nats.nc)).subscribers, [
      { msisdn: CLOSED, planId: 'changxiang-128', activatedAtMs: Date.now() - 86_400_000 },
    ]);
    const ac = new AbortController();
    const rating = runRating(
      {
        nats: env.nats,
        partitions: 1,
        catalog: loadCatalogFile('catalog/default.json'),
        clock: systemClock,
        log: createLogger('silent'),
        metrics: createMetrics(),
        checkpointMs: 100,
      },
      ac.signal,
    );
    try {
      await sendLineClosure(new PipelinedPublisher(env.nats.js), 1, {
        closureId: 'uns-sim-1',
        msisdn: CLOSED,
        reason: 'unsubscribe',
        atMs: Date.now(),
      });
      await waitFor(async () => (await allStates(env.nats.js)).find((st) => st.msisdn === CLOSED)?.barred);
    } finally {
      ac.abort();
      await rating;
    }
    // a simulator started now, with no notice to hear, already leaves the line alone
    const watch = await watchBarredLines(env.nats);
    try {
      expect(watch.isBarred(CLOSED)).toBe(true);
      expect(watch.isBarred('+8613900000789')).toBe(false);
    } finally {
      watch.stop();
    }
  });
});
