import type { Command } from 'commander';
import { BillingError, closePeriod } from '../../processors/billing/index.ts';
import { CatalogWatch } from '../../processors/rating/index.ts';
import { commandConfig, connectForCommand, natsOptionHelp } from './connect.ts';

interface CloseFlags {
  period: string;
  json?: boolean;
  natsUrl?: string;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

async function close(f: CloseFlags): Promise<void> {
  const config = commandConfig(f);
  const nats = await connectForCommand(config, 'streambss-bills');
  try {
    // the catalog in force (stored versions), the catalog file while none is stored
    const watch = await CatalogWatch.open(nats.nc, { fallback: config.CATALOG_FILE });
    watch.stop();
    const r = await closePeriod({ nats, catalog: watch.current(), nowMs: Date.now() }, f.period);
    if (f.json) console.log(JSON.stringify(r, null, 2));
    else {
      console.log(
        `period ${r.period}: ${r.lines} postpaid line(s), ${r.issued} bill(s) issued (${r.supplementary} 补收 for late usage), ${r.existing} already issued, total ${yuan(r.totalFen)} yuan`,
      );
      for (const n of r.notBilled)
        console.log(`  not billed ${n.msisdn} ${n.periodStartMs}: ${n.code} ${n.message}`);
    }
  } catch (err) {
    if (!(err instanceof BillingError)) throw err;
    console.error(`streambss bills close: ${err.message} (${err.code})`);
    process.exitCode = 2;
  } finally {
    await nats.nc.drain();
  }
}

export function register(program: Command): void {
  const bills = program.command('bills').description('Postpaid bills (账单)');
  bills
    .command('close')
    .description(
      'Close a month for every postpaid line: one bill per period that started in it and has ended. ' +
        'Idempotent: running it again issues nothing new and prints the same bills.',
    )
    .requiredOption('--period <YYYY-MM>', 'billing month (Asia/Shanghai)')
    .option('--json', 'machine-readable output (every bill with its lines)')
    .option('--nats-url <url>', natsOptionHelp)
    .action((f: CloseFlags) => close(f));
}
