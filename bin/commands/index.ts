import type { Command } from 'commander';
import { register as sim } from './sim.ts';

/**
 * Operator commands beyond the roles (dead letters, replay, rebuild, rate, ...). Each lives in
 * its own file here exporting `register(program)`; add one line below per command module.
 */
export function registerCommands(program: Command): void {
  sim(program);
}
