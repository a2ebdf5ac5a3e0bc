#!/usr/bin/env -S npx tsx
import { Command, Option } from 'commander';
import {
  ConfigError,
  ConfigSchema,
  describeConfig,
  flagName,
  loadConfig,
  type Config,
} from '../infra/config/index.ts';
import { createLogger } from '../infra/log/index.ts';
import { parseRoles, ROLES, runSystem, type Role } from '../runtime/index.ts';
import { printBanner } from './banner.ts';
import { registerCommands } from './commands/index.ts';

/** Adds one --flag per configuration key (the same schema as the environment variables). */
function withConfigFlags(cmd: Command): Command {
  for (const [key, schema] of Object.entries(ConfigSchema.properties)) {
    const s = schema as { description?: string; default?: unknown };
    const def = s.default !== undefined ? ` (default ${JSON.stringify(s.default)})` : '';
    cmd.addOption(new Option(`${flagName(key)} <value>`, `${s.description ?? key}; env ${key}${def}`));
  }
  return cmd;
}

function configFrom(opts: Record<string, unknown>): Config {
  try {
    return loadConfig(process.env, opts);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`streambss: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}

/** Signals this close to the first one are the same request delivered twice, not a second one. */
const REPEATED_SIGNAL_MS = 1000;

async function run(roles: Role[], opts: Record<string, unknown>, banner: boolean): Promise<void> {
  const config = configFrom(opts);
  const log = createLogger(config.LOG_LEVEL);
  // Signals are handled from the first moment: the API answers before start-up has finished
  // (simulated lines are provisioned after it listens), and a SIGTERM in that window must stop
  // the system cleanly, not kill the process and orphan the embedded nats-server.
  let system: Awaited<ReturnType<typeof runSystem>> | undefined;
  let requested: string | undefined;
  let stopping = false;
  let firstSignalAtMs = 0;
  const stop = async (signal: string) => {
    if (stopping || (requested && !system)) {
      // One Ctrl-C reaches this process twice (the terminal signals the whole process group and
      // npm passes its copy on): only a signal a moment later is a second request.
      if (Date.now() - firstSignalAtMs < REPEATED_SIGNAL_MS) return;
      console.error('streambss: forced exit');
      process.exit(130);
    }
    firstSignalAtMs = Date.now();
    if (!system) {
      requested = signal;
      log.info({ signal }, 'stop requested while starting: stopping as soon as start-up completes');
      return;
    }
    stopping = true;
    log.info({ signal }, 'stopping: finishing in-flight batches, then closing NATS and ClickHouse');
    await system.stop();
    log.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  try {
    system = await runSystem(config, roles, log);
  } catch (err) {
    const e = err as Error & { code?: string };
    console.error(`streambss: could not start (${e.code ?? 'ERROR'}): ${e.message}`);
    process.exit(1);
  }
  if (requested) return stop(requested);
  if (banner) printBanner(config, roles, system);
}

const program = new Command('streambss')
  .description(
    'StreamBSS — real-time carrier BSS/OSS. Every command reads the same configuration:\n' + describeConfig(),
  )
  .showHelpAfterError();

withConfigFlags(
  program
    .command('start')
    .description(
      'Run the whole system in one process: embedded nats-server (unless NATS_URL), embedded ClickHouse (unless CLICKHOUSE_URL), ingest, processors, sink, API + dashboard and the demo simulator.',
    ),
).action((opts: Record<string, unknown>) => run([...ROLES], opts, true));

withConfigFlags(
  program
    .command('run')
    .description('Run the chosen roles in this process (e.g. --roles ingest,processor).')
    .requiredOption('--roles <list>', `comma-separated roles: ${ROLES.join(', ')}`),
).action((opts: Record<string, unknown> & { roles: string }) => run(parseRoles(opts.roles), opts, true));

for (const role of ROLES) {
  const what: Record<Role, string> = {
    ingest:
      'validate and normalise raw CDRs from network elements into the CDR stream (dead letters for bad ones)',
    processor: 'rate CDR batches per subscriber partition',
    sink: 'write processor outputs into ClickHouse in batches (insert, then ack)',
    api: 'serve the HTTP API, live socket.io feed and dashboard',
    sim: 'publish simulated network-element CDRs at SIM_RATE',
  };
  withConfigFlags(program.command(role).description(`Run only the ${role} role: ${what[role]}.`)).action(
    (opts: Record<string, unknown>) => run([role], opts, true),
  );
}

registerCommands(program);
(await import('./commands/simulate-care.ts')).register(program); // issue #4: care traffic

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
