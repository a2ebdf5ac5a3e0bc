#!/usr/bin/env -S npx tsx
/**
 * `npm run chaos`: fault injection with figures. Prints one JSON object and exits non-zero on any
 * lost or doubled charge, any balance that differs from its ledger or the reference model, or any
 * 5xx/crash under fuzzing. A failing reference-model seed is printed; replay it with
 * `npm run chaos -- --only reference --seeds <seed>`.
 *
 *   npm run chaos                                   (everything, full size)
 *   npm run chaos -- --only rating-kill --cdrs 200000
 *   npm run chaos -- --only fuzz --fuzz-inputs 100000
 */
import { Command, InvalidArgumentError } from 'commander';
import { runRatingKill, type RatingKillFigures } from './rating-kill.ts';
import { runFuzz } from './fuzz.ts';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};
const scenarios = ['rating-kill', 'reference', 'fuzz'] as const;

const program = new Command('chaos')
  .description('StreamBSS fault injection: prints JSON figures, exits 1 on any lost or doubled charge')
  .option('--only <list>', `comma-separated scenarios (${scenarios.join(', ')})`, scenarios.join(','))
  .option('--cdrs <n>', 'CDRs streamed while rating is SIGKILLed', int('--cdrs'), 200_000)
  .option('--kill-every-ms <n>', 'mean time between kills', int('--kill-every-ms'), 2000)
  .option('--seeds <list>', 'reference-model seeds', '1,2,3,4,5')
  .option('--reference-cdrs <n>', 'CDRs per reference-model seed', int('--reference-cdrs'), 10_000)
  .option('--fuzz-inputs <n>', 'fuzz inputs (API and ingest each)', int('--fuzz-inputs'), 100_000)
  .action(
    async (o: {
      only: string;
      cdrs: number;
      killEveryMs: number;
      seeds: string;
      referenceCdrs: number;
      fuzzInputs: number;
    }) => {
      const only = new Set(o.only.split(',').map((s) => s.trim()));
      for (const s of only)
        if (!(scenarios as readonly string[]).includes(s))
          throw new InvalidArgumentError(`unknown scenario ${s}`);
      const out: Record<string, unknown> = { startedAt: new Date().toISOString() };
      let ok = true;
      if (only.has('rating-kill')) {
        const f = await runRatingKill({
          seed: 42,
          cdrs: o.cdrs,
          lines: 2000,
          partitions: 4,
          killEveryMs: o.killEveryMs,
        });
        out.ratingKill = f;
        ok &&= f.ok;
      }
      if (only.has('reference')) {
        const runs: RatingKillFigures[] = [];
        for (const seed of o.seeds.split(',').map(Number)) {
          const f = await runRatingKill({
            seed,
            cdrs: o.referenceCdrs,
            lines: 100 + (seed % 7) * 50,
            partitions: 1 + (seed % 3),
            killEveryMs: 700 + (seed % 5) * 300,
          });
          runs.push(f);
        }
        const failing = runs.filter((r) => !r.ok).map((r) => r.seed);
        out.reference = { seeds: runs.length, failingSeeds: failing, runs };
        ok &&= failing.length === 0;
      }
      if (only.has('fuzz')) {
        const f = await runFuzz({ inputs: o.fuzzInputs, seed: 20260 });
        out.fuzz = f;
        ok &&= f.ok;
      }
      out.ok = ok;
      console.log(JSON.stringify(out, null, 2));
      process.exitCode = ok ? 0 : 1;
    },
  );

program.parseAsync(process.argv).then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
