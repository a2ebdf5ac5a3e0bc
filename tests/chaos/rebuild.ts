/**
 * Chaos: drop the ClickHouse projections and rebuild them from the streams with the real
 * command (`streambss rebuild`, processors/rebuild). Every aggregate must be identical before
 * and after: row counts of every table, Σ charge_fen per subscriber, ledger Σ per kind, and
 * usage_minute totals and groups.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ChAggregates } from '../fault/fixtures/ch-aggregates.ts';
import { CdrFeed, type FeedFigures } from './feed.ts';
import { booksOk, checkBooks, readAggregates, startPipeline, type BooksFigures } from './pipeline.ts';
import { runOnce } from './roles.ts';

export interface RebuildOptions {
  seed: number;
  lines: number;
  partitions: number;
  processes: string[];
  cdrs: number;
  ratePerSec: number;
}

export interface RebuildFigures extends BooksFigures {
  feed: FeedFigures;
  before: { cdrRows: number; ledgerRows: number; chargeFen: number; usageMinuteCdrs: number };
  rebuild: { wallMs: number; report: string };
  /** Aggregates that differ after the rebuild (empty: identical). */
  differences: string[];
  subscribersDiffering: number;
  durationMs: number;
  ok: boolean;
}

/** Names of the aggregates that differ between two readings. */
export function compareAggregates(a: ChAggregates, b: ChAggregates): { diff: string[]; subscribers: number } {
  const diff: string[] = [];
  for (const k of [
    'cdrRated',
    'ledger',
    'notifications',
    'ledgerByKind',
    'usageMinute',
    'usageMinuteDigest',
  ] as const)
    if (!isDeepStrictEqual(a[k], b[k])) diff.push(k);
  for (const t of new Set([...Object.keys(a.tableRows), ...Object.keys(b.tableRows)]))
    if (a.tableRows[t] !== b.tableRows[t]) diff.push(`tableRows.${t}: ${a.tableRows[t]} → ${b.tableRows[t]}`);
  const after = new Map(b.bySubscriber.map((s) => [s.msisdn, s]));
  let subscribers = Math.max(0, b.bySubscriber.length - a.bySubscriber.length);
  for (const s of a.bySubscriber) if (!isDeepStrictEqual(s, after.get(s.msisdn))) subscribers++;
  if (subscribers) diff.push(`bySubscriber (${subscribers} subscribers)`);
  return { diff, subscribers };
}

export async function runRebuild(o: RebuildOptions): Promise<RebuildFigures> {
  const t0 = Date.now();
  const startMs = Date.now() - Math.max(6 * 3_600_000, o.cdrs * 1000);
  const p = await startPipeline({ ...o, startMs });
  try {
    const feed = new CdrFeed(p.nats, { ...o, startMs, paymentEvery: 25 });
    const fed = await feed.run(Number.MAX_SAFE_INTEGER, o.cdrs);
    await p.drain(300_000);
    // The books also stop the roles: the rebuild runs with the sink stopped, as documented.
    const { books, aggregates: before } = await checkBooks(p, o.partitions, feed.inputIds);
    const r0 = Date.now();
    const r = await runOnce(
      ['bin/streambss.ts', 'rebuild', '--data-dir', p.sinkDataDir, '--nats-url', p.url],
      { LOG_LEVEL: 'warn' },
      600_000,
    );
    const wallMs = Date.now() - r0;
    if (r.code !== 0) throw new Error(`rebuild failed (${r.code ?? r.signal}): ${r.stderr}${r.stdout}`);
    const after = await readAggregates(p.sinkDataDir);
    const { diff, subscribers } = compareAggregates(before, after);
    return {
      feed: fed,
      ...books,
      before: {
        cdrRows: before.cdrRated.rows,
        ledgerRows: before.ledger.rows,
        chargeFen: before.cdrRated.chargeFen,
        usageMinuteCdrs: before.usageMinute.cdrs,
      },
      rebuild: { wallMs, report: r.stdout.trim().split('\n').at(-1) ?? '' },
      differences: diff,
      subscribersDiffering: subscribers,
      durationMs: Date.now() - t0,
      ok: diff.length === 0 && before.cdrRated.rows > 0 && booksOk(books),
    };
  } finally {
    await p.close();
  }
}
