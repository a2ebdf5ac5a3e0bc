import type { Command } from 'commander';
import { progressBar } from '../../simulators/index.ts';
import {
  DEFAULT_CARE_MIX,
  DEMO_MSISDN,
  formatCareSummary,
  formatMix,
  LoginError,
  MixError,
  parseMix,
  runCareTraffic,
  type CareSummary,
} from '../../simulators/care/index.ts';
import { commandConfig, intOption } from './connect.ts';

interface CareFlags {
  url?: string;
  seed: number;
  rate: string;
  count?: number;
  duration?: number;
  mix: string;
  concurrency: number;
  demoMsisdn: string;
  stock: boolean;
  json?: boolean;
}

function fail(message: string, code = 2): never {
  console.error(`streambss simulate-care: ${message}`);
  process.exit(code);
}

function rateOf(raw: string): number {
  if (raw === 'max') return 0;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || n <= 0)
    fail(`--rate must be a positive number or "max", got ${JSON.stringify(raw)}`);
  return n;
}

/** Exit status for scripts: 1 when the API answered 5xx or not at all. */
function serverFailed(s: CareSummary): boolean {
  return Object.values(s.byKind).some((byStatus) =>
    Object.entries(byStatus).some(([status, n]) => n > 0 && (status === '0' || status.startsWith('5'))),
  );
}

async function run(f: CareFlags): Promise<void> {
  if (f.count === undefined && f.duration === undefined) fail('give --count N (requests) or --duration SEC');
  let mix;
  try {
    mix = parseMix(f.mix);
  } catch (err) {
    if (err instanceof MixError) fail(err.message);
    throw err;
  }
  const rate = rateOf(f.rate);
  const config = commandConfig({});
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const baseUrl = f.url ?? `http://${host}:${config.PORT}`;
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  const byCount = f.count !== undefined;
  const bar = progressBar(byCount ? (f.count ?? 0) : (f.duration ?? 0), byCount ? 'requests' : 's');
  let result;
  try {
    result = await runCareTraffic({
      baseUrl,
      seed: f.seed,
      mix,
      rate,
      ...(f.count !== undefined ? { count: f.count } : {}),
      ...(f.duration !== undefined ? { durationSec: f.duration } : {}),
      concurrency: f.concurrency,
      demoMsisdn: f.demoMsisdn,
      stock: f.stock,
      signal: ac.signal,
      onProgress: (p) =>
        bar.update(
          byCount ? p.requests : Math.floor(p.elapsedMs / 1000),
          p.requests / Math.max(p.elapsedMs / 1000, 0.001),
        ),
    });
  } catch (err) {
    bar.stop();
    if (err instanceof LoginError) fail(`${err.message} at ${baseUrl} (is the API running? npm start)`, 1);
    if (err instanceof TypeError)
      fail(`no API at ${baseUrl} (${err.message}); start it (npm start) or pass --url`, 1);
    throw err;
  }
  bar.stop();
  console.log(f.json ? JSON.stringify(result.summary, null, 2) : formatCareSummary(result.summary));
  process.exitCode = serverFailed(result.summary) ? 1 : 0;
}

export function register(program: Command): void {
  program
    .command('simulate-care')
    .description(
      'Simulate care traffic through the HTTP API as the demo users: registrations (customer entry, ' +
        'business-hall account, line pre-opening), orders (business acceptance up to the installation ' +
        'work order), renewals, complaints and fault reports. Deterministic for a seed, rate-controlled, ' +
        'with a progress bar (stderr, on a terminal) and a summary; exit status 1 if any request got a ' +
        '5xx or no answer.',
    )
    .option('--url <base>', 'API base URL (default http://HOST:PORT of the configuration)')
    .option('--seed <n>', 'random seed: same seed and options → same requests', intOption('--seed'), 42)
    .option('--rate <n|max>', 'HTTP requests per second, or "max"', '20')
    .option(
      '--count <n>',
      'stop after about this many requests (the last flow completes)',
      intOption('--count', 1),
    )
    .option('--duration <sec>', 'stop starting flows after this many seconds', intOption('--duration', 1))
    .option('--mix <weights>', 'share of each kind of flow', formatMix(DEFAULT_CARE_MIX))
    .option('--concurrency <n>', 'flows in flight at once', intOption('--concurrency', 1, 1000), 8)
    .option('--demo-msisdn <e164>', "the demo customer's line (business-hall login `customer`)", DEMO_MSISDN)
    .option('--no-stock', 'do not put device stock in every region before orders (supervisor)')
    .option('--json', 'print the summary as JSON')
    .action((f: CareFlags) => run(f));
}
