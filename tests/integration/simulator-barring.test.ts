import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers } from '@nats-io/transport-node';
import { applyTopology } from '../../infra/nats/index.ts';
import { NOTICES_HEADER } from '../../processors/rating/index.ts';
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
    await applyTopology(env.nats.nc, env.nats.jsm, []);
  });
  afterAll(async () => env?.close());

  it('bars and unbars on notices, reads outputs without the count header, skips those that say 0', async () => {
    const watch = watchBarredLines(env.nats.nc);
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
});
