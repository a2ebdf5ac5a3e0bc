#!/usr/bin/env -S npx tsx
/**
 * Offline rater: `npm run rate -- --catalog FILE --cdrs FILE.ndjson [--state FILE]`.
 * Rates a file of CDRs (one JSON per line, in file order) with the same pure code as the live
 * rating processor and prints one JSON rated record per line on stdout. Deterministic: the same
 * files give byte-identical output. Bad lines go to stderr as JSON naming line and field; rating
 * continues. Duplicate cdrIds are skipped exactly as the live runner's idempotency would.
 */
import { accessSync, constants, createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { compile, validators } from '../../domain/events/index.ts';
import { loadCatalog, localDayStartMs, type CompiledCatalog } from '../../domain/catalog/index.ts';
import {
  newSubscriber,
  rate,
  sentences,
  RatingError,
  SubscriberState,
  type Provisioning,
} from '../../domain/rating/index.ts';

export interface OfflineIo {
  out(line: string): void;
  err(line: string): void;
}

export interface OfflineOptions {
  /** Plan for subscribers absent from the state file; without it they are errors. */
  defaultPlan?: string;
  /** Opening balance (fen) of subscribers provisioned with the default plan. */
  openingBalanceFen: number;
}

export interface OfflineSummary {
  type: 'summary';
  lines: number;
  rated: number;
  errors: number;
  duplicates: number;
  chargeFen: number;
}

const validState = compile(SubscriberState);

/** Reads a state file: an array of full subscriber states and/or provisioning entries. */
export function loadStates(catalog: CompiledCatalog, json: unknown): Map<string, SubscriberState> {
  const list = Array.isArray(json) ? json : [json];
  const states = new Map<string, SubscriberState>();
  list.forEach((entry: unknown, i) => {
    const full = validState(entry);
    if (full.ok) {
      states.set(full.value.msisdn, full.value);
      return;
    }
    const p = entry as Partial<Provisioning>;
    if (typeof p?.msisdn !== 'string' || typeof p.planId !== 'string' || typeof p.activatedAtMs !== 'number')
      throw new Error(
        `state entry ${i}: neither a subscriber state (${full.error.field}: ${full.error.message}) nor {msisdn, planId, activatedAtMs}`,
      );
    const prov: Provisioning = { msisdn: p.msisdn, planId: p.planId, activatedAtMs: p.activatedAtMs };
    if (typeof p.openingBalanceFen === 'number') prov.openingBalanceFen = p.openingBalanceFen;
    states.set(p.msisdn, newSubscriber(catalog, prov).state);
  });
  return states;
}

/** The rating loop, independent of files: feed it lines, get output lines through `io`. */
export class OfflineRater {
  readonly applied = new Set<string>();
  readonly summary: OfflineSummary = {
    type: 'summary',
    lines: 0,
    rated: 0,
    errors: 0,
    duplicates: 0,
    chargeFen: 0,
  };

  constructor(
    private readonly catalog: CompiledCatalog,
    readonly states: Map<string, SubscriberState>,
    private readonly opts: OfflineOptions,
    private readonly io: OfflineIo,
  ) {}

  line(text: string): void {
    const n = ++this.summary.lines;
    if (text.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return this.error(n, 'json', '/', (e as Error).message);
    }
    const v = validators.cdr(json);
    if (!v.ok) return this.error(n, 'schema', v.error.field, v.error.message);
    const cdr = v.value;
    const key = `cdr:${cdr.cdrId}`;
    if (this.applied.has(key)) {
      this.summary.duplicates++;
      this.io.err(JSON.stringify({ type: 'duplicate', line: n, cdrId: cdr.cdrId }));
      return;
    }
    try {
      let state = this.states.get(cdr.msisdn);
      if (!state) {
        if (!this.opts.defaultPlan)
          return this.error(n, 'unknown_subscriber', '/msisdn', `no state for ${cdr.msisdn}`);
        state = newSubscriber(this.catalog, {
          msisdn: cdr.msisdn,
          planId: this.opts.defaultPlan,
          activatedAtMs: localDayStartMs(cdr.startMs),
          openingBalanceFen: this.opts.openingBalanceFen,
        }).state;
      }
      const r = rate(this.catalog, state, cdr);
      this.states.set(cdr.msisdn, r.newState);
      this.applied.add(key);
      this.summary.rated++;
      this.summary.chargeFen += r.rated.chargeFen;
      const sentence = sentences(r.rated.breakdown, this.catalog.windows.nameById);
      this.io.out(JSON.stringify({ ...r.rated, sentence }));
    } catch (e) {
      if (e instanceof RatingError) return this.error(n, e.code, e.field ?? '/', e.message);
      throw e;
    }
  }

  private error(line: number, code: string, field: string, message: string): void {
    this.summary.errors++;
    this.io.err(JSON.stringify({ type: 'error', line, code, field, message }));
  }
}

function integer(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

/** CLI entry point; `argv` are the user arguments (without node and script). Resolves to the exit code. */
export async function main(argv: string[], io: OfflineIo = stdio()): Promise<number> {
  const cmd = new Command('rate')
    .description('Rate a file of CDRs offline with the live rating rules, one JSON rated record per line')
    .requiredOption('--catalog <file>', 'catalog JSON file')
    .requiredOption('--cdrs <file>', 'CDRs, one JSON object per line')
    .option(
      '--state <file>',
      'subscriber states and/or {msisdn, planId, activatedAtMs, openingBalanceFen} entries (JSON array)',
    )
    .option(
      '--default-plan <planId>',
      'plan for subscribers not in --state (activated at the local day start of their first CDR)',
    )
    .option('--opening-balance <fen>', 'opening balance for --default-plan subscribers', integer, 10_000)
    .option('--out-state <file>', 'write the final subscriber states here (JSON, sorted by msisdn)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.err(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch {
    return 2;
  }
  const o = cmd.opts<{
    catalog: string;
    cdrs: string;
    state?: string;
    defaultPlan?: string;
    openingBalance: number;
    outState?: string;
  }>();
  const input = (option: string, file: string, message: string) => {
    io.err(JSON.stringify({ type: 'input_error', option, file, message: message.slice(0, 300) }));
    return 2;
  };
  const catalogJson = readJson(o.catalog);
  if (!catalogJson.ok) return input('--catalog', o.catalog, catalogJson.message);
  const loaded = loadCatalog(catalogJson.value);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.err(JSON.stringify({ type: 'catalog_error', ...e }));
    return 2;
  }
  let states = new Map<string, SubscriberState>();
  if (o.state) {
    const stateJson = readJson(o.state);
    if (!stateJson.ok) return input('--state', o.state, stateJson.message);
    try {
      states = loadStates(loaded.catalog, stateJson.value);
    } catch (err) {
      return input('--state', o.state, (err as Error).message);
    }
  }
  try {
    accessSync(o.cdrs, constants.R_OK);
  } catch (err) {
    return input('--cdrs', o.cdrs, (err as Error).message);
  }
  const opts: OfflineOptions = { openingBalanceFen: o.openingBalance };
  if (o.defaultPlan) opts.defaultPlan = o.defaultPlan;
  const rater = new OfflineRater(loaded.catalog, states, opts, io);
  const lines = createInterface({ input: createReadStream(o.cdrs, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) rater.line(line);
  if (o.outState) {
    const sorted = [...rater.states.values()].sort((a, b) =>
      a.msisdn < b.msisdn ? -1 : a.msisdn > b.msisdn ? 1 : 0,
    );
    writeFileSync(o.outState, `${JSON.stringify(sorted, null, 2)}\n`);
  }
  io.err(JSON.stringify(rater.summary));
  // every line is accounted for either way; a refused line makes the run fail for scripts
  return rater.summary.errors > 0 ? EXIT_REFUSED_LINES : 0;
}

/** Exit code when the file was rated but some of its lines were refused (see the error lines). */
export const EXIT_REFUSED_LINES = 3;

function readJson(file: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(readFileSync(file, 'utf8')) as unknown };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** Buffered stdout (one write per 256 lines) and line-per-write stderr. */
function stdio(): OfflineIo & { flush(): void } {
  let buf: string[] = [];
  const flush = (): void => {
    if (buf.length > 0) process.stdout.write(`${buf.join('\n')}\n`);
    buf = [];
  };
  process.on('beforeExit', flush);
  return {
    out: (l) => {
      buf.push(l);
      if (buf.length >= 256) flush();
    },
    err: (l) => {
      flush();
      process.stderr.write(`${l}\n`);
    },
    flush,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const io = stdio();
  main(process.argv.slice(2), io).then(
    (code) => {
      io.flush();
      process.exitCode = code;
    },
    (err: unknown) => {
      io.flush();
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
