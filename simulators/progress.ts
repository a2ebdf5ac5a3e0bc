import { SingleBar, Presets } from 'cli-progress';

export interface RunSummary {
  label: string;
  events: number;
  messages: number;
  elapsedMs: number;
  extra?: Record<string, number | string>;
}

/** The end-of-run summary line block (pure, so it is tested and stable for scripts). */
export function formatSummary(s: RunSummary): string {
  const sec = Math.max(s.elapsedMs, 1) / 1000;
  const lines = [
    `${s.label}: ${s.events} events in ${s.messages} messages, ${sec.toFixed(1)} s, ${Math.round(s.events / sec)} events/s`,
  ];
  for (const [k, v] of Object.entries(s.extra ?? {})) lines.push(`  ${k}: ${v}`);
  return lines.join('\n');
}

export interface Progress {
  update(value: number, rate: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr (quiet when stderr is not a terminal, so logs and pipes stay clean).
 * `total` in events, or in seconds for duration-bound runs.
 */
export function progressBar(total: number, unit: string, enabled = process.stderr.isTTY): Progress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    {
      format: `{bar} {percentage}% | {value}/{total} ${unit} | {rate}/s`,
      stream: process.stderr,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(Math.max(1, total), 0, { rate: 0 });
  return {
    update: (value, rate) => bar.update(Math.min(value, total), { rate: Math.round(rate) }),
    stop: () => bar.stop(),
  };
}
