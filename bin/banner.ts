import type { Config } from '../infra/config/index.ts';
import type { Role, RunningSystem } from '../runtime/index.ts';

/** What a person needs after start: where to look and how to log in. */
export function printBanner(config: Config, roles: Role[], s: RunningSystem): void {
  const lines = [
    '',
    'StreamBSS is up.',
    `  roles        ${roles.join(', ')}`,
    `  NATS         ${s.natsUrl}${config.NATS_URL ? '' : ` (embedded, data in ${config.DATA_DIR}/nats)`}`,
  ];
  if (s.clickhouseMode)
    lines.push(
      `  ClickHouse   ${s.clickhouseMode === 'embedded' ? `embedded chdb, data in ${config.DATA_DIR}/clickhouse` : config.CLICKHOUSE_URL}`,
    );
  if (s.url)
    lines.push(
      `  dashboard    ${s.url}/`,
      `  API docs     ${s.url}/docs`,
      `  health       ${s.url}/healthz`,
      `  metrics      ${s.url}/metrics`,
    );
  if (roles.includes('sim'))
    lines.push(
      `  simulator    ${config.SIM_RATE} CDR/s over ${config.SIM_SUBSCRIBERS} subscribers (seed ${config.SIM_SEED})`,
    );
  if (s.demoUsers.length) {
    lines.push('  demo logins');
    for (const u of s.demoUsers) lines.push(`    ${u.role.padEnd(11)} ${u.username} / ${u.password}`);
  }
  lines.push('  stop         Ctrl-C (data is kept for the next start; Ctrl-C again to force)', '');
  console.log(lines.join('\n'));
}
