import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connectNats,
  PipelinedPublisher,
  startNatsServer,
  type Nats,
  type NatsServerHandle,
} from '../../infra/nats/index.ts';

// A publisher whose acks were lost with a killed nats-server used to wait out its whole ack
// timeout before publishing again. Now the connection's drop fails them at once and the round is
// sent again under the same message ids.
describe('PipelinedPublisher across a nats-server kill and restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sbss-pubrc-'));
  let server: NatsServerHandle | undefined;
  let nats: Nats | undefined;
  afterAll(async () => {
    await nats?.nc.close().catch(() => undefined);
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes again as soon as the server is back, each message once', async () => {
    server = await startNatsServer({ storeDir: dir, port: 0 });
    const port = Number(new URL(server.url).port);
    nats = await connectNats(server.url, 'pub-reconnect');
    await nats.jsm.streams.add({ name: 'RC', subjects: ['rc.>'], duplicate_window: 120_000_000_000 });
    // An ack timeout far longer than the outage: only the early failure can make this quick.
    const pub = new PipelinedPublisher(nats.js, 32, 30_000);
    let next = 0;
    let stop = false;
    let slowest = 0;
    const rounds = (async () => {
      while (!stop) {
        const items = Array.from({ length: 20 }, () => ({
          subject: 'rc.x',
          data: new TextEncoder().encode(String(next)),
          msgId: `rc-${next++}`,
        }));
        const t0 = Date.now();
        await pub.publishAll(items, 50);
        slowest = Math.max(slowest, Date.now() - t0);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    await server.kill();
    server = await startNatsServer({ storeDir: dir, port });
    await new Promise((r) => setTimeout(r, 3000));
    stop = true;
    await rounds;
    const info = await nats.jsm.streams.info('RC');
    expect(info.state.messages, 'every message once (the retries were deduplicated)').toBe(next);
    expect(slowest, `slowest round ${slowest} ms`).toBeLessThan(10_000);
  }, 60_000);
});
