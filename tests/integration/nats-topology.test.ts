import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTopology, PipelinedPublisher, runConsumer, streams, subjects } from '../../infra/nats/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { startTestNats } from '../support/env.ts';

describe('JetStream topology and pipelined publishing (real nats-server)', () => {
  let env: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    env = await startTestNats();
  });
  afterAll(async () => env?.close());

  const consumers = [
    { stream: 'CDR', durable: 'probe', filterSubject: 'chg.1.cdr', maxAckPending: 1000, ackWaitSec: 5 },
  ];

  it('applies streams, consumers and buckets idempotently', async () => {
    await applyTopology(env.nats.nc, env.nats.jsm, consumers);
    await applyTopology(env.nats.nc, env.nats.jsm, consumers);
    const names: string[] = [];
    for await (const s of env.nats.jsm.streams.list())
      if (!s.config.name.startsWith('KV_')) names.push(s.config.name);
    expect(names.sort()).toEqual(streams.map((s) => s.name).sort());
    const info = await env.nats.jsm.consumers.info('CDR', 'probe');
    expect(info.config.filter_subject).toBe('chg.1.cdr');
  });

  it('drops a second publish with the same message id and delivers each message once', async () => {
    const pub = new PipelinedPublisher(env.nats.js, 64);
    const items = Array.from({ length: 500 }, (_, i) => ({
      subject: subjects.cdr(1),
      data: new TextEncoder().encode(String(i)),
      msgId: `m-${i}`,
    }));
    await pub.publishAll(items);
    await pub.publishAll(items.slice(0, 100));
    expect(pub.stats.published).toBe(600);
    expect(pub.stats.duplicates).toBe(100);

    const seen: string[] = [];
    const ac = new AbortController();
    const done = runConsumer({
      js: env.nats.js,
      stream: 'CDR',
      durable: 'probe',
      maxBatch: 50,
      log: createLogger('silent'),
      signal: ac.signal,
      handle: async (msgs) => {
        for (const m of msgs) seen.push(m.string());
        if (seen.length >= 500) ac.abort();
      },
    });
    await done;
    expect(new Set(seen).size).toBe(500);
    const info = await env.nats.jsm.consumers.info('CDR', 'probe');
    expect(info.num_pending).toBe(0);
  });
});
