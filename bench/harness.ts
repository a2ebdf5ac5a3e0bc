import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNats, startNatsServer, type Nats, type NatsServerHandle } from '../infra/nats/index.ts';
import { migrate, openClickHouse, type ClickHouse } from '../infra/clickhouse/index.ts';

/** A fresh nats-server and embedded ClickHouse in temp folders, for one benchmark process. */
export interface BenchEnv {
  server: NatsServerHandle;
  nats: Nats;
  /** A second connection, for partition leases (as `npm start` does). */
  leaseNats: Nats;
  ch: ClickHouse;
  close(): Promise<void>;
}

export async function startBenchEnv(): Promise<BenchEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'sbss-bench-'));
  const server = await startNatsServer({ storeDir: join(dir, 'nats'), port: 0 });
  const nats = await connectNats(server.url, 'bench');
  const leaseNats = await connectNats(server.url, 'bench-leases');
  const ch = await openClickHouse({ database: 'streambss', embeddedPath: join(dir, 'ch') });
  await migrate(ch);
  return {
    server,
    nats,
    leaseNats,
    ch,
    close: async () => {
      await leaseNats.nc.close().catch(() => undefined);
      await nats.nc.close().catch(() => undefined);
      await ch.close().catch(() => undefined);
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

export async function scalar(ch: ClickHouse, sql: string): Promise<number> {
  const rs = await ch.client.query({ query: sql, format: 'JSONEachRow' });
  const [row] = await rs.json<Record<string, string | number>>();
  return Number(Object.values(row ?? { v: 0 })[0] ?? 0);
}

/** Polls until `fn` is true, recording (ms since start, value) samples; gives up after timeoutMs. */
export async function pollUntil(
  fn: () => Promise<number>,
  target: number,
  timeoutMs: number,
  stepMs = 100,
): Promise<{ samples: [number, number][]; reached: boolean; ms: number }> {
  const t0 = performance.now();
  const samples: [number, number][] = [];
  for (;;) {
    const v = await fn();
    const t = performance.now() - t0;
    samples.push([t, v]);
    if (v >= target) return { samples, reached: true, ms: t };
    if (t > timeoutMs) return { samples, reached: false, ms: t };
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
