import type { Command } from 'commander';
import { randomIds, systemClock } from '../../domain/index.ts';
import { formatSummary, progressBar, replayRecording } from '../../simulators/index.ts';
import { commandConfig, connectForCommand, natsOptionHelp, numOption } from './connect.ts';

interface ReplayFlags {
  speed: number;
  max?: boolean;
  restamp?: boolean;
  natsUrl?: string;
}

async function replay(file: string, f: ReplayFlags): Promise<void> {
  const nats = await connectForCommand(commandConfig(f), 'streambss-replay');
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  const bar = progressBar(0, 'events');
  try {
    const r = await replayRecording(
      nats,
      file,
      {
        speed: f.max ? 0 : f.speed,
        mode: f.restamp ? 'restamp' : 'same',
        clock: systemClock,
        ids: randomIds,
      },
      ac.signal,
      (p) => bar.update(p.events, p.events / Math.max(p.elapsedMs / 1000, 0.001)),
    );
    bar.stop();
    console.log(
      formatSummary({
        label: `replay (${f.restamp ? 're-stamped as new events' : 'same events'})`,
        events: r.events,
        messages: r.messages,
        elapsedMs: r.elapsedMs,
        extra: { 'already on the stream (deduplicated)': r.duplicates },
      }),
    );
  } catch (err) {
    bar.stop();
    const e = err as Error & { code?: string };
    console.error(`streambss replay: ${e.code ?? 'ERROR'} ${e.message}`);
    process.exitCode = 1;
  } finally {
    await nats.nc.drain();
  }
}

export function register(program: Command): void {
  program
    .command('replay')
    .description(
      'Replay a recording (from `simulate --record`) into NATS. As the same events by default: the streams ' +
        'deduplicate them, so replaying twice changes nothing; --restamp sends them as new events (load tests).',
    )
    .argument('<file>', 'recording (.ndjson.gz)')
    .option('--speed <x>', '1 = as recorded, N = N times faster', numOption('--speed', 0.001), 1)
    .option('--max', 'as fast as possible')
    .option('--restamp', 'new events: times moved to now, new ids')
    .option('--nats-url <url>', natsOptionHelp)
    .action((file: string, f: ReplayFlags) => replay(file, f));
}
