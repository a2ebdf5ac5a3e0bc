import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../domain/index.ts';
import { loadConfig, type Config } from '../../infra/config/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology, subjects } from '../../infra/nats/index.ts';
import { INGEST_CONSUMER } from '../../ingest/index.ts';
import { RoleThreadError, startRoleThread, type RoleThread } from '../../runtime/threads.ts';
import { startTestNats, waitFor } from '../support/env.ts';

const log = createLogger('silent');

const cdr = (seq: number, msisdn: string) => ({
  type: 'voice',
  neId: 'MSC-GD-01',
  recordSeq: seq,
  msisdn,
  imsi: '460001234567890',
  cellId: 'GD-GZ-0012-1',
  startMs: Date.now() - 60_000,
  roaming: false,
  direction: 'mo',
  calledNumber: '13900139000',
  durationSec: 42,
});

describe('roles in worker threads (ROLE_THREADS=1)', () => {
  let env: Awaited<ReturnType<typeof startTestNats>>;
  let config: Config & { NATS_URL: string };
  beforeAll(async () => {
    env = await startTestNats();
    await applyTopology(env.nats.nc, env.nats.jsm, [INGEST_CONSUMER]);
    config = {
      ...loadConfig({ NATS_URL: env.server.url, LOG_LEVEL: 'silent', DATA_DIR: env.dir }),
      NATS_URL: env.server.url,
    };
  });
  afterAll(() => env.close());

  it('refuses roles that need ClickHouse or HTTP, naming them', () => {
    expect(() => startRoleThread(['sink', 'api'], config, log)).toThrow(RoleThreadError);
    expect(() => startRoleThread(['sink'], config, log)).toThrow(/sink cannot run in a thread/);
  });

  it('ingests in its thread, reports its counters to the parent and stops cleanly', async () => {
    const metrics = createMetrics();
    const thread: RoleThread = startRoleThread(['ingest'], config, log, {
      onMetrics: (snap) => metrics.setThreadSnapshot('ingest', snap),
    });
    await thread.ready;
    const good = cdr(1, '13800138000');
    const bad = cdr(2, 'not-a-number');
    await env.nats.js.publish(subjects.rawCdr('MSC-GD-01'), encodeBatch('thread-1', [good, bad]), {
      msgID: 'thread-1',
    });
    // The good CDR reaches its charging partition, the bad one the DLQ: the thread's ingest ran.
    await waitFor(async () => (await env.nats.jsm.streams.info('CDR')).state.messages === 1);
    await waitFor(async () => (await env.nats.jsm.streams.info('DLQ')).state.messages === 1);
    // Its counters appear in the parent's /metrics text within a snapshot interval.
    const text = await waitFor(
      async () => {
        const t = (await metrics.exposition()).text;
        return /streambss_dead_letters_total\{[^}]*source="nats"[^}]*\} 1/.test(t) ? t : null;
      },
      15_000,
      250,
    );
    expect(text).toMatch(/streambss_events_in_total\{[^}]*source="nats"[^}]*\} 1/);
    await thread.stop();
    // Stopped for good: nothing consumes any more.
    await env.nats.js.publish(
      subjects.rawCdr('MSC-GD-01'),
      encodeBatch('thread-2', [cdr(3, '13800138001')]),
      {
        msgID: 'thread-2',
      },
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect((await env.nats.jsm.streams.info('CDR')).state.messages).toBe(1);
  }, 60_000);
});
