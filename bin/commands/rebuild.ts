import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { migrate, openClickHouse } from '../../infra/clickhouse/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { connectNats, startNatsServer, type Nats, type NatsServerHandle } from '../../infra/nats/index.ts';
import { rebuildProjections } from '../../processors/rebuild/index.ts';
import { lockDataDir } from '../../runtime/index.ts';
import { commandConfig, natsOptionHelp, natsUrlOf } from './connect.ts';

interface RebuildFlags {
  table?: string[];
  natsUrl?: string;
  dataDir?: string;
}

async function rebuild(f: RebuildFlags): Promise<void> {
  const config = commandConfig(f);
  const log = createLogger('warn');
  const dataDir = resolve(config.DATA_DIR);
  let server: NatsServerHandle | undefined;
  let nats: Nats;
  try {
    nats = await connectNats(natsUrlOf(config), 'streambss-rebuild');
  } catch {
    if (config.NATS_URL) throw new Error(`no NATS at ${config.NATS_URL}`);
    // The system is stopped: open its embedded NATS store ourselves.
    server = await startNatsServer({ storeDir: join(dataDir, 'nats'), port: 0 });
    nats = await connectNats(server.url, 'streambss-rebuild');
  }
  const chDir = join(dataDir, 'clickhouse');
  mkdirSync(chDir, { recursive: true });
  const unlock = config.CLICKHOUSE_URL ? () => undefined : lockDataDir(chDir, 'embedded ClickHouse');
  const ch = await openClickHouse({
    url: config.CLICKHOUSE_URL,
    user: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
    database: config.CLICKHOUSE_DATABASE,
    embeddedPath: chDir,
  });
  try {
    await migrate(ch);
    let last = 0;
    const r = await rebuildProjections(
      { nats, ch, metrics: createMetrics(), log },
      f.table?.length ? { tables: f.table } : {},
      (p) => {
        if (Date.now() - last > 1000 && process.stderr.isTTY) {
          last = Date.now();
          process.stderr.write(`\r${p.messages} messages replayed`);
        }
      },
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(
      `rebuilt ${r.plan.tables.join(', ')} (+ ${[...r.plan.derived, ...r.plan.views].join(', ') || 'nothing derived'})` +
        ` from ${r.messages} messages: ${r.rows} rows in ${(r.elapsedMs / 1000).toFixed(1)} s` +
        ` (${Math.round(r.rows / Math.max(r.elapsedMs / 1000, 0.001))} rows/s)`,
    );
    if (r.rejected || r.refused)
      console.log(
        `skipped as when first seen: ${r.rejected} rejected messages or items (see \`streambss dlq\`), ` +
          `${r.refused} refused ledger entries or notices`,
      );
  } finally {
    await ch.close();
    unlock();
    await nats.nc.drain().catch(() => undefined);
    await server?.stop();
  }
}

export function register(program: Command): void {
  program
    .command('rebuild')
    .description(
      'Drop and recreate the ClickHouse projections and replay them from the JetStream streams through the ' +
        'sink code, so every aggregate equals what it was. Stop the sink role first (with embedded ClickHouse ' +
        'the data folder is locked by a running system anyway).',
    )
    .option('--table <name...>', 'only the sinks writing these tables (default: all)')
    .option('--data-dir <dir>', 'data folder of the embedded NATS and ClickHouse (default DATA_DIR)')
    .option('--nats-url <url>', natsOptionHelp)
    .action((f: RebuildFlags) =>
      rebuild(f).catch((err: unknown) => {
        const e = err as Error & { code?: string };
        console.error(`streambss rebuild: ${e.code ?? 'ERROR'} ${e.message}`);
        process.exitCode = 1;
      }),
    );
}
