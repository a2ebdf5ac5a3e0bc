import { Option, type Command } from 'commander';
import {
  publishNetworkEvents,
  scenarioEvents,
  ScenarioError,
  SCENARIOS,
  type ScenarioName,
} from '../../simulators/index.ts';
import { commandConfig, connectForCommand, intOption, natsOptionHelp } from './connect.ts';

interface Flags {
  scenario: ScenarioName;
  site: string;
  seed: number;
  sectors: number;
  alarms: number;
  durationMs: number;
  clearAfter?: number;
  congestedCells: number;
  startMs?: number;
  realTime?: boolean;
  dryRun?: boolean;
  natsUrl?: string;
}

/** `streambss network-fault`: injects a named NE-health fault scenario (alarms and KPI samples). */
export function register(program: Command): void {
  program
    .command('network-fault')
    .description(
      'Inject a network fault scenario from the NE-health simulator: alarms (raise/clear) and KPI samples on net.alarm.<region> / net.kpi.<region>. Deterministic for a seed.',
    )
    .addOption(
      new Option('--scenario <name>', 'fault scenario').choices([...SCENARIOS]).makeOptionMandatory(),
    )
    .option(
      '--site <id>',
      'site to break, e.g. GD-GZ-0012 (region congestion: region and city of this id)',
      'GD-GZ-0012',
    )
    .option('--seed <n>', 'random seed: same seed and options → same events', intOption('--seed'), 42)
    .option('--sectors <n>', 'cells per site', intOption('--sectors', 1, 9), 3)
    .option(
      '--alarms <n>',
      'site power loss: total alarms in the storm',
      intOption('--alarms', 1, 1_000_000),
      5000,
    )
    .option('--duration-ms <ms>', 'site power loss: storm length', intOption('--duration-ms', 1), 10_000)
    .option(
      '--clear-after <ms>',
      'clear the fault this long after it began (default: the fault stays)',
      intOption('--clear-after'),
    )
    .option(
      '--congested-cells <n>',
      'region congestion: congested cells',
      intOption('--congested-cells', 1, 500),
      4,
    )
    .option('--start-ms <ms>', 'event time of the fault (default now)', intOption('--start-ms'))
    .option('--real-time', 'send at the pace of the event times (default: as fast as possible)')
    .option('--dry-run', 'print the events as NDJSON instead of publishing')
    .option('--nats-url <url>', natsOptionHelp)
    .action(async (f: Flags) => {
      let ev;
      try {
        ev = scenarioEvents(f.scenario, {
          seed: f.seed,
          startMs: f.startMs ?? Date.now(),
          siteId: f.site,
          sectors: f.sectors,
          alarms: f.alarms,
          durationMs: f.durationMs,
          congestedCells: f.congestedCells,
          ...(f.clearAfter !== undefined ? { clearAfterMs: f.clearAfter } : {}),
        });
      } catch (err) {
        if (err instanceof ScenarioError) {
          console.error(`streambss network-fault: ${err.message}`);
          process.exit(2);
        }
        throw err;
      }
      if (f.dryRun) {
        for (const a of ev.alarms) console.log(JSON.stringify({ kind: 'alarm', ...a }));
        for (const k of ev.kpis) console.log(JSON.stringify({ kind: 'kpi', ...k }));
        return;
      }
      const nats = await connectForCommand(commandConfig(f), 'streambss-network-fault');
      const t0 = Date.now();
      const sent = await publishNetworkEvents(nats, ev, {
        batchSize: 100,
        ...(f.realTime ? { realTime: true } : {}),
      });
      await nats.nc.close();
      console.log(
        JSON.stringify({
          scenario: f.scenario,
          site: f.site,
          alarms: ev.alarms.length,
          kpis: ev.kpis.length,
          sent,
          ms: Date.now() - t0,
        }),
      );
    });
}
