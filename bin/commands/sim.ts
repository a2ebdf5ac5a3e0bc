import type { Command } from 'commander';
import {
  DEFAULT_ACTIVATION,
  formatSummary,
  progressBar,
  Recorder,
  runCdrSimulator,
  runDeviceSimulator,
  type ActivationOptions,
  type TrafficShape,
} from '../../simulators/index.ts';
import { commandConfig, connectForCommand, intOption, natsOptionHelp, numOption } from './connect.ts';

interface SimFlags {
  seed: number;
  subscribers: number;
  rate: number;
  max?: boolean;
  total?: number;
  duration?: number;
  batchSize: number;
  record?: string;
  curve?: boolean;
  burstEvery?: number;
  burstFor: number;
  burstFactor: number;
  timeScale: number;
  startMs?: number;
  activations: number;
  activationRate: number;
  failAttach?: number;
  failSim?: number;
  failImei?: number;
  natsUrl?: string;
}

export function activationOptions(
  f: Pick<SimFlags, 'failAttach' | 'failSim' | 'failImei'>,
): ActivationOptions {
  const d = DEFAULT_ACTIVATION.failureRates;
  return {
    reasons: DEFAULT_ACTIVATION.reasons,
    failureRates: {
      sim_activation: f.failSim ?? d.sim_activation,
      network_attach: f.failAttach ?? d.network_attach,
      device_verification: f.failImei ?? d.device_verification,
    },
  };
}

async function runSim(f: SimFlags): Promise<void> {
  if (f.total === undefined && f.duration === undefined && f.activations === 0) {
    console.error('streambss simulate: give --total N or --duration SEC (or --activations N)');
    process.exit(2);
  }
  const config = commandConfig(f);
  const nats = await connectForCommand(config, 'streambss-sim');
  const startMs = f.startMs ?? Date.now();
  const rate = f.max ? 0 : f.rate;
  const shape: TrafficShape | undefined =
    f.curve || f.burstEvery
      ? {
          daily: f.curve === true,
          seed: f.seed,
          ...(f.burstEvery
            ? { bursts: { everySec: f.burstEvery, durationSec: f.burstFor, factor: f.burstFactor } }
            : {}),
        }
      : undefined;
  const recorder = f.record
    ? Recorder.create(f.record, {
        kind: 'streambss-recording',
        v: 1,
        createdAtMs: Date.now(),
        startMs,
        source: 'sim',
        options: { seed: f.seed, subscribers: f.subscribers, rate, total: f.total ?? null },
      })
    : undefined;
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  if (f.duration) setTimeout(() => ac.abort(), f.duration * 1000).unref();
  const byTotal = f.total !== undefined;
  const bar = progressBar(byTotal ? (f.total ?? 0) : (f.duration ?? 0), byTotal ? 'CDRs' : 's');
  const [cdr, dev] = await Promise.all([
    f.total === 0 || (f.total === undefined && !f.duration)
      ? null
      : runCdrSimulator(
          nats,
          {
            seed: f.seed,
            subscribers: f.subscribers,
            rate,
            ...(f.total !== undefined ? { total: f.total } : {}),
            startMs,
            batchSize: f.batchSize,
            planIds: ['flat'],
            ...(shape ? { shape, timeScale: f.timeScale } : {}),
            ...(recorder ? { recorder } : {}),
          },
          ac.signal,
          (p) =>
            bar.update(
              byTotal ? p.published : Math.floor(p.elapsedMs / 1000),
              p.published / Math.max(p.elapsedMs / 1000, 0.001),
            ),
        ),
    f.activations > 0
      ? runDeviceSimulator(
          nats,
          {
            seed: f.seed,
            subscribers: f.subscribers,
            activations: f.activations,
            rate: f.max ? 0 : f.activationRate,
            startMs,
            batchSize: Math.min(f.batchSize, 100),
            activation: activationOptions(f),
            ...(recorder ? { recorder } : {}),
          },
          ac.signal,
        )
      : null,
  ]);
  bar.stop();
  await recorder?.close();
  if (cdr)
    console.log(
      formatSummary({
        label: 'CDRs',
        events: cdr.published,
        messages: cdr.messages,
        elapsedMs: cdr.elapsedMs,
        extra: { generated: cdr.generated, 'barred (no usage)': cdr.barredSkipped },
      }),
    );
  if (dev)
    console.log(
      formatSummary({
        label: 'SIM activations',
        events: dev.events,
        messages: dev.messages,
        elapsedMs: dev.elapsedMs,
        extra: { activations: dev.activations, failed: dev.failed, ...dev.failures },
      }),
    );
  if (recorder) console.log(`recorded ${recorder.messages} messages to ${f.record}`);
  await nats.nc.drain();
}

export function register(program: Command): void {
  program
    // `sim` is taken by the role runner (demo simulator at SIM_RATE); this is the operator's tool.
    .command('simulate')
    .description(
      'Simulate network elements (voice/SMS/data CDRs to raw.cdr.<ne>) and SIM activations (device.<step>): ' +
        'deterministic for a seed, rate-controlled, batched and pipelined, with a progress bar and a summary.',
    )
    .option('--seed <n>', 'random seed: same seed and options → same events', intOption('--seed'), 42)
    .option('--subscribers <n>', 'subscriber population', intOption('--subscribers', 1, 1_000_000), 2000)
    .option('--rate <n>', 'CDRs per second (mean, when shaped)', intOption('--rate', 1), 1000)
    .option('--max', 'as fast as possible (ignores --rate)')
    .option('--total <n>', 'stop after this many CDRs', intOption('--total'))
    .option('--duration <sec>', 'stop after this many seconds', intOption('--duration', 1))
    .option('--batch-size <n>', 'CDRs per message', intOption('--batch-size', 1, 1000), 100)
    .option('--record <file>', 'also record every message sent (gzip NDJSON with timing) for replay')
    .option('--curve', 'follow the daily traffic curve (Asia/Shanghai hours)')
    .option('--burst-every <sec>', 'one traffic burst per this many seconds', intOption('--burst-every', 2))
    .option('--burst-for <sec>', 'length of a burst', intOption('--burst-for', 1), 30)
    .option('--burst-factor <x>', 'rate multiplier during a burst', numOption('--burst-factor', 1), 4)
    .option(
      '--time-scale <x>',
      'virtual seconds per real second when shaped',
      numOption('--time-scale', 1),
      1,
    )
    .option('--start-ms <ms>', 'virtual time of the first event (default now)', intOption('--start-ms'))
    .option('--activations <n>', 'also run this many SIM activations', intOption('--activations'), 0)
    .option('--activation-rate <n>', 'activations per second', intOption('--activation-rate', 1), 20)
    .option('--fail-sim <p>', 'SIM activation failure rate 0..1', numOption('--fail-sim'))
    .option('--fail-attach <p>', 'network attach failure rate 0..1', numOption('--fail-attach'))
    .option('--fail-imei <p>', 'IMEI verification failure rate 0..1', numOption('--fail-imei'))
    .option('--nats-url <url>', natsOptionHelp)
    .action((f: SimFlags) => runSim(f));
}
