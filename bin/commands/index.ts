import type { Command } from 'commander';
import { register as sim } from './sim.ts';
import { register as dlq } from './dlq.ts';
import { register as replay } from './replay.ts';
import { register as rebuild } from './rebuild.ts';
import { register as networkFault } from './network-fault.ts';
import { register as bills } from './bills.ts';

/**
 * Operator commands beyond the roles (dead letters, replay, rebuild, rate, ...). Each lives in
 * its own file here exporting `register(program)`; add one line below per command module.
 */
export function registerCommands(program: Command): void {
  sim(program);
  dlq(program);
  replay(program);
  rebuild(program);
  networkFault(program);
  bills(program);
}
