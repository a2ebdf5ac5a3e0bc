import type { Command } from 'commander';

/**
 * Operator commands beyond the roles (dead letters, replay, rebuild, rate, ...). Each lives in
 * its own file here exporting `register(program)`; add one line below per command module.
 */
export function registerCommands(_program: Command): void {}
