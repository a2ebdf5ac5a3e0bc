import type { Command } from 'commander';
import { listDeadLetters, reprocessDeadLetters } from '../../ingest/index.ts';
import { commandConfig, connectForCommand, intOption, natsOptionHelp } from './connect.ts';

interface ListFlags {
  code?: string;
  source?: string;
  limit: number;
  json?: boolean;
  natsUrl?: string;
}
interface ReprocessFlags {
  seq?: number;
  code?: string;
  source?: string;
  natsUrl?: string;
}

async function list(f: ListFlags): Promise<void> {
  const nats = await connectForCommand(commandConfig(f), 'streambss-dlq');
  const r = await listDeadLetters(nats, { code: f.code, source: f.source }, f.limit);
  await nats.nc.drain();
  if (f.json) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  console.log(`${r.total} dead letter(s)${f.code || f.source ? ' matching' : ''}`);
  for (const c of r.counts) console.log(`  ${String(c.count).padStart(8)}  ${c.source}/${c.code}`);
  if (r.entries.length) console.log('\n     seq  source/code                reason');
  for (const e of r.entries)
    console.log(`${String(e.seq).padStart(8)}  ${`${e.source}/${e.code}`.padEnd(26)} ${e.reason}`);
  if (r.unreadable) console.log(`(${r.unreadable} entries without a readable info header)`);
}

async function reprocess(f: ReprocessFlags): Promise<void> {
  if ((f.seq === undefined) === (f.code === undefined)) {
    console.error(
      'streambss dlq reprocess: give either --seq N (one entry) or --code CODE (all of a reason)',
    );
    process.exit(2);
  }
  const nats = await connectForCommand(commandConfig(f), 'streambss-dlq');
  const target = f.seq !== undefined ? { seq: f.seq } : { code: f.code ?? '', source: f.source };
  const r = await reprocessDeadLetters(nats, target);
  await nats.nc.drain();
  console.log(`republished ${r.republished}; ${r.failed.length} could not be sent again`);
  for (const x of r.failed) console.log(`  ${x.seq}: ${x.code} ${x.reason}`);
  if (r.failed.length && r.republished === 0) process.exitCode = 1;
}

export function register(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('Dead letters: every rejected event with its reason, source and original bytes');
  dlq
    .command('list')
    .description('Counts by source and reason, then the oldest entries')
    .option('--code <code>', 'only this reason code (e.g. schema, unknown_cell, bad_json)')
    .option('--source <source>', 'only this source (nats, http, file, sink-...)')
    .option('--limit <n>', 'entries to show', intOption('--limit', 0, 100_000), 20)
    .option('--json', 'machine-readable output')
    .option('--nats-url <url>', natsOptionHelp)
    .action((f: ListFlags) => list(f));
  dlq
    .command('reprocess')
    .description(
      'After a fix, send dead letters back where they failed: one (--seq) or all of a reason (--code [--source]). ' +
        'Each is removed once republished; one that fails again becomes a new dead letter.',
    )
    .option('--seq <n>', 'the entry to reprocess', intOption('--seq', 1))
    .option('--code <code>', 'reprocess every entry with this reason code')
    .option('--source <source>', 'with --code: only from this source')
    .option('--nats-url <url>', natsOptionHelp)
    .action((f: ReprocessFlags) => reprocess(f));
}
