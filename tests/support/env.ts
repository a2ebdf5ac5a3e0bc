import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer, connectNats, type NatsServerHandle, type Nats } from '../../infra/nats/index.ts';
import { openClickHouse, migrate, type ClickHouse } from '../../infra/clickhouse/index.ts';

/** A real nats-server on a random port with a temp store. */
export async function startTestNats(): Promise<{
  server: NatsServerHandle;
  nats: Nats;
  dir: string;
  close(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'sbss-nats-'));
  const server = await startNatsServer({ storeDir: dir, port: 0 });
  const nats = await connectNats(server.url, 'test');
  return {
    server,
    nats,
    dir,
    close: async () => {
      await nats.nc.close().catch(() => undefined);
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A real embedded ClickHouse (chdb) in a temp folder, migrated. chdb binds one folder per
 * process, so call this once per test file (vitest runs files in forked processes).
 */
export async function openTestClickHouse(): Promise<{ ch: ClickHouse; dir: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sbss-ch-'));
  const ch = await openClickHouse({ database: 'streambss', embeddedPath: dir });
  await migrate(ch);
  return {
    ch,
    dir,
    close: async () => {
      await ch.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `fn` returns a truthy value or the timeout passes. */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  timeoutMs = 20_000,
  stepMs = 100,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(`waitFor timed out after ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
