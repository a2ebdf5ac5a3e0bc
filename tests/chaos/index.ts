#!/usr/bin/env -S npx tsx
/**
 * `npm run chaos`: fault injection with figures. Prints one JSON object and exits non-zero on any
 * lost or doubled charge or row, any balance that differs from its ledger or the reference model,
 * any aggregate a rebuild changes, or any 5xx/crash under fuzzing. A failing reference-model seed
 * is printed; replay it with `npm run chaos -- --scenario reference --seeds <seed>`.
 *
 *   npm run chaos                                        (everything, full size)
 *   npm run chaos -- --quick                             (everything, small: a few minutes)
 *   npm run chaos -- --scenario nats-restart,sink-pause --quick
 *   npm run chaos -- --scenario rating-kill --cdrs 200000
 */
import { Command, InvalidArgumentError } from 'commander';
import { runRatingKill, type RatingKillFigures } from './rating-kill.ts';
import { runFuzz } from './fuzz.ts';
import { runNatsRestart } from './nats-restart.ts';
import { runSinkKill } from './sink-kill.ts';
import { runSinkPause } from './sink-pause.ts';
import { runRebuild } from './rebuild.ts';
import { run as runCluster } from './cluster.ts';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};
const scenarios = [
  'rating-kill',
  'reference',
  'fuzz',
  'nats-restart',
  'sink-kill',
  'sink-pause',
  'rebuild',
  'cluster',
] as const;
type Scenario = (typeof scenarios)[number];

interface Flags {
  scenario?: string;
  only?: string;
  quick?: boolean;
  cdrs?: number;
  killEveryMs?: number;
  seeds?: string;
  referenceCdrs?: number;
  fuzzInputs?: number;
  natsKillEveryMs?: number;
  streamSec?: number;
  rate?: number;
  sinkKills?: number;
  pauseSec?: number;
  rebuildCdrs?: number;
  clusterSec?: number;
  clusterFaultEveryMs?: number;
  clusterRatingInstances?: number;
}

const program = new Command('chaos')
  .description('StreamBSS fault injection: prints JSON figures, exits 1 on any lost or doubled charge or row')
  .option('--scenario <list>', `comma-separated scenarios (${scenarios.join(', ')}); default all`)
  .option('--only <list>', 'same as --scenario (older name)')
  .option('--quick', 'small sizes and short intervals (minutes instead of tens of minutes)')
  .option(
    '--cdrs <n>',
    'rating-kill: CDRs streamed while rating is SIGKILLed [200000; quick 20000]',
    int('--cdrs'),
  )
  .option('--kill-every-ms <n>', 'rating-kill: mean time between kills [2000]', int('--kill-every-ms'))
  .option('--seeds <list>', 'reference: seeds [1,2,3,4,5; quick 1,2]')
  .option('--reference-cdrs <n>', 'reference: CDRs per seed [10000; quick 3000]', int('--reference-cdrs'))
  .option('--fuzz-inputs <n>', 'fuzz: inputs, API and ingest each [100000; quick 5000]', int('--fuzz-inputs'))
  .option(
    '--nats-kill-every-ms <n>',
    'nats-restart: mean time between server kills [20000; quick 8000]',
    int('--nats-kill-every-ms'),
  )
  .option('--stream-sec <n>', 'nats-restart: seconds of streaming [150; quick 30]', int('--stream-sec'))
  .option('--rate <n>', 'nats-restart, sink-pause: CDRs per second [2000; quick 1000]', int('--rate'))
  .option('--sink-kills <n>', 'sink-kill: kills between insert and ack [30; quick 6]', int('--sink-kills'))
  .option('--pause-sec <n>', 'sink-pause: seconds the sink is frozen [30; quick 10]', int('--pause-sec'))
  .option(
    '--rebuild-cdrs <n>',
    'rebuild: CDRs in the streams before the rebuild [200000; quick 20000]',
    int('--rebuild-cdrs'),
  )
  .option('--cluster-sec <n>', 'cluster: seconds of node faults [180; quick 40]', int('--cluster-sec'))
  .option(
    '--cluster-fault-every-ms <n>',
    'cluster: ms between node faults [10000]',
    int('--cluster-fault-every-ms'),
  )
  .option(
    '--cluster-rating-instances <n>',
    'cluster: rating processes [2]',
    int('--cluster-rating-instances'),
  )
  .action(async (o: Flags) => {
    const q = o.quick === true;
    const list = (o.scenario ?? o.only ?? scenarios.join(',')).split(',').map((s) => s.trim());
    for (const s of list)
      if (!(scenarios as readonly string[]).includes(s))
        throw new InvalidArgumentError(`unknown scenario ${s}`);
    const only = new Set(list as Scenario[]);
    // One process per role in a full run; ingest and rating share one in quick mode (less start-up CPU).
    const processes = q ? ['ingest,processor', 'sink'] : ['ingest', 'processor', 'sink'];
    const out: Record<string, unknown> = { startedAt: new Date().toISOString(), quick: q };
    let ok = true;
    const record = <T extends { ok: boolean }>(name: string, f: T) => {
      out[name] = f;
      ok &&= f.ok;
      console.error(`chaos: ${name} ${f.ok ? 'ok' : 'FAILED'}`);
    };
    if (only.has('rating-kill'))
      record(
        'ratingKill',
        await runRatingKill({
          seed: 42,
          cdrs: o.cdrs ?? (q ? 20_000 : 200_000),
          lines: q ? 500 : 2000,
          partitions: 4,
          killEveryMs: o.killEveryMs ?? 2000,
          // streamed over ~50 s (quick: 10 s), so the processes die while they rate
          feedRatePerSec: 4000 * (q ? 0.5 : 1),
        }),
      );
    if (only.has('reference')) {
      const runs: RatingKillFigures[] = [];
      for (const seed of (o.seeds ?? (q ? '1,2' : '1,2,3,4,5')).split(',').map(Number))
        runs.push(
          await runRatingKill({
            seed,
            cdrs: o.referenceCdrs ?? (q ? 3000 : 10_000),
            lines: 100 + (seed % 7) * 50,
            partitions: 1 + (seed % 3),
            killEveryMs: 700 + (seed % 5) * 300,
          }),
        );
      const failing = runs.filter((r) => !r.ok).map((r) => r.seed);
      record('reference', { seeds: runs.length, failingSeeds: failing, runs, ok: failing.length === 0 });
    }
    if (only.has('fuzz'))
      record('fuzz', await runFuzz({ inputs: o.fuzzInputs ?? (q ? 5000 : 100_000), seed: 20260 }));
    if (only.has('nats-restart'))
      record(
        'natsRestart',
        await runNatsRestart({
          seed: 11,
          lines: q ? 300 : 2000,
          partitions: 4,
          processes,
          ratePerSec: o.rate ?? (q ? 1000 : 2000),
          streamMs: (o.streamSec ?? (q ? 30 : 150)) * 1000,
          killEveryMs: o.natsKillEveryMs ?? (q ? 8000 : 20_000),
        }),
      );
    if (only.has('sink-kill'))
      record(
        'sinkKill',
        await runSinkKill({
          kills: o.sinkKills ?? (q ? 6 : 30),
          messagesPerRound: 80,
          perMessage: 25,
          seed: 13,
        }),
      );
    if (only.has('sink-pause'))
      record(
        'sinkPause',
        await runSinkPause({
          seed: 17,
          lines: q ? 300 : 2000,
          partitions: 4,
          processes,
          ratePerSec: o.rate ?? (q ? 1000 : 2000),
          warmupMs: q ? 5000 : 10_000,
          pauseMs: (o.pauseSec ?? (q ? 10 : 30)) * 1000,
          afterMs: q ? 5000 : 15_000,
        }),
      );
    if (only.has('rebuild'))
      record(
        'rebuild',
        await runRebuild({
          seed: 19,
          lines: q ? 300 : 2000,
          partitions: 4,
          processes,
          cdrs: o.rebuildCdrs ?? (q ? 20_000 : 200_000),
          ratePerSec: 20_000,
        }),
      );
    if (only.has('cluster')) {
      const f = await runCluster({
        durationMs: (o.clusterSec ?? (q ? 40 : 180)) * 1000,
        faultEveryMs: o.clusterFaultEveryMs ?? 10_000,
        ratingInstances: o.clusterRatingInstances ?? 2,
        ...(q ? { cdrsPerSec: 500, lines: 300 } : {}),
      });
      record('cluster', { ...f, ok: f.ok === true });
    }
    out.ok = ok;
    process.exitCode = ok ? 0 : 1;
    await new Promise<void>((r) => process.stdout.write(`${JSON.stringify(out, null, 2)}\n`, () => r()));
  });

program.parseAsync(process.argv).then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
