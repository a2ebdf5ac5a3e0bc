#!/usr/bin/env -S npx tsx
import { Command, InvalidArgumentError, Option } from 'commander';
import * as pipeline from './pipeline.ts';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

/**
 * Scenarios beyond the pipeline are modules exporting `run(options): Promise<object>`, loaded on
 * demand; they read the options they need (`stages`: cdrs, partitions, subscribers, batchSize).
 */
const extra: Record<string, string> = {
  'alarm-storm': './alarm-storm.ts',
  'ingest-replay': './ingest-replay.ts',
  stages: './stages.ts',
};

const program = new Command('bench')
  .description('StreamBSS benchmarks: print one JSON object with the figures and a same-run baseline.')
  .addOption(
    new Option('--scenario <name>', 'what to measure')
      .choices(['pipeline', ...Object.keys(extra)])
      .default('pipeline'),
  )
  .option('--cdrs <n>', 'CDRs to push through the pipeline', int('--cdrs'), 1_000_000)
  .option('--partitions <n>', 'subscriber partitions', int('--partitions'), 4)
  .option('--subscribers <n>', 'simulated lines', int('--subscribers'), 20_000)
  .option('--batch-size <n>', 'CDRs per message', int('--batch-size'), 100)
  .option(
    '--rate <cdr/s>',
    'feed the pipeline run at this many CDRs a second (default: as fast as the publisher goes; the baseline is never paced)',
    int('--rate'),
    0,
  )
  .addOption(
    new Option('--threads <0|1>', 'ingest and rating in worker threads, as npm start runs them')
      .choices(['0', '1'])
      .default('1'),
  )
  .action(
    async (o: {
      scenario: string;
      cdrs: number;
      partitions: number;
      subscribers: number;
      batchSize: number;
      rate: number;
      threads: string;
    }) => {
      let result: Record<string, unknown>;
      if (o.scenario === 'pipeline') {
        result = await pipeline.run({ ...o, threads: o.threads === '1' });
        const c = (
          result.pipeline as {
            correctness: {
              duplicates: number;
              debitsEqualCharges: boolean;
              rated: number;
              published: number;
            };
          }
        ).correctness;
        console.log(JSON.stringify(result, null, 2));
        if (c.duplicates !== 0 || !c.debitsEqualCharges || c.rated !== c.published) process.exitCode = 1;
        return;
      }
      const mod = (await import(extra[o.scenario]!)) as {
        run: (options: typeof o) => Promise<Record<string, unknown>>;
      };
      result = await mod.run(o);
      console.log(JSON.stringify(result, null, 2));
    },
  );

program.parseAsync(process.argv).then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
