import type { KV } from '@nats-io/kv';
import type { CompiledCatalog } from '../../domain/catalog/index.ts';
import { encodeBatch, partitionOf, stableId } from '../../domain/index.ts';
import type { ClickHouse } from '../../infra/clickhouse/index.ts';
import { subjects, type PipelinedPublisher } from '../../infra/nats/index.ts';
import type { AccountAdjustment } from './contracts.ts';
import { explainCharge, storedFromRow, STORED_RATED_COLUMNS } from './explain.ts';

export interface RerateRequest {
  fromMs: number;
  toMs: number;
  /** Only this line (default: every line with usage in the range). */
  msisdn?: string;
}

export interface RerateLine {
  msisdn: string;
  cdrs: number;
  oldFen: number;
  newFen: number;
  /** newFen − oldFen: positive means the subscriber owes more. */
  diffFen: number;
}

export interface RerateResult {
  rerateId: string;
  catalogVersion: string;
  fromMs: number;
  toMs: number;
  cdrs: number;
  lines: RerateLine[];
  totals: { oldFen: number; newFen: number; diffFen: number };
}

/**
 * Dry run of a rerate (重新批价): every CDR of the range priced again with the candidate
 * catalog, drawing the allowance it drew originally (a rerate corrects prices, not who used
 * which allowance), summed per line. The id depends only on range, line and catalog.catalogVersion, so
 * the same rerate asked twice is recognised.
 */
export async function planRerate(
  ch: ClickHouse,
  catalog: CompiledCatalog,
  req: RerateRequest,
): Promise<RerateResult> {
  const rs = await ch.client.query({
    query: `SELECT ${STORED_RATED_COLUMNS}
            FROM ${ch.db}.cdr_rated FINAL
            WHERE start_time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
              AND start_time < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')
              ${req.msisdn ? 'AND msisdn = {msisdn:String}' : ''}`,
    query_params: { fromMs: req.fromMs, toMs: req.toMs, msisdn: req.msisdn ?? '' },
    format: 'JSONEachRow',
  });
  const byLine = new Map<string, RerateLine>();
  let cdrs = 0;
  for (const row of await rs.json<Record<string, unknown>>()) {
    const stored = storedFromRow(row);
    if (!stored) continue;
    const fresh = explainCharge(catalog, stored).chargeFen;
    let line = byLine.get(stored.msisdn);
    if (!line)
      byLine.set(
        stored.msisdn,
        (line = { msisdn: stored.msisdn, cdrs: 0, oldFen: 0, newFen: 0, diffFen: 0 }),
      );
    line.cdrs++;
    line.oldFen += stored.chargeFen;
    line.newFen += fresh;
    line.diffFen = line.newFen - line.oldFen;
    cdrs++;
  }
  const lines = [...byLine.values()].sort(
    (a, b) => b.diffFen - a.diffFen || a.msisdn.localeCompare(b.msisdn),
  );
  const totals = lines.reduce(
    (t, l) => ({ oldFen: t.oldFen + l.oldFen, newFen: t.newFen + l.newFen, diffFen: t.diffFen + l.diffFen }),
    { oldFen: 0, newFen: 0, diffFen: 0 },
  );
  return {
    rerateId: stableId('rr', req.fromMs, req.toMs, req.msisdn ?? '*', catalog.catalogVersion),
    catalogVersion: catalog.catalogVersion,
    fromMs: req.fromMs,
    toMs: req.toMs,
    cdrs,
    lines,
    totals,
  };
}

export interface AppliedRerate extends RerateResult {
  appliedAtMs: number;
  alreadyApplied: boolean;
}

/**
 * Applies a planned rerate: one compensating adjustment per line with a difference, sent to the
 * line's charging partition and keyed `adjustment:<rerateId>:<msisdn>`. The rerate is recorded
 * in KV first-writer-wins; applying it again returns the first result and changes nothing.
 */
export async function applyRerate(
  plan: RerateResult,
  deps: { checkpoints: KV; publisher: PipelinedPublisher; partitions: number; nowMs: number },
): Promise<AppliedRerate> {
  const key = `rerate.${plan.rerateId}`;
  const prior = await deps.checkpoints.get(key);
  if (prior && prior.operation === 'PUT') return { ...prior.json<AppliedRerate>(), alreadyApplied: true };
  const applied: AppliedRerate = { ...plan, appliedAtMs: deps.nowMs, alreadyApplied: false };
  for (const l of plan.lines) {
    if (l.diffFen === 0) continue;
    const adj: AccountAdjustment = {
      adjustmentId: `${plan.rerateId}:${l.msisdn.replace(/^\+/, '')}`,
      msisdn: l.msisdn,
      amountFen: l.diffFen,
      atMs: deps.nowMs,
    };
    const id = `adj-${adj.adjustmentId}`;
    await deps.publisher.publish({
      subject: subjects.adjustment(partitionOf(l.msisdn, deps.partitions)),
      data: encodeBatch(id, [adj]),
      msgId: id,
    });
  }
  await deps.publisher.flush();
  await deps.checkpoints
    .create(key, new TextEncoder().encode(JSON.stringify(applied)))
    .catch(() => undefined);
  return applied;
}
