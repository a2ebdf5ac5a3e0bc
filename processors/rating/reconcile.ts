import type { ClickHouse } from '../../infra/clickhouse/index.ts';
import type { SubscriberState } from '../../domain/rating/index.ts';
import type { Nats } from '../../infra/nats/index.ts';
import { isNotFound } from '../../infra/nats/index.ts';

/** The consumer that writes RATED into ClickHouse (processors/sink): it acks a message once its rows are in. */
export const RATED_SINK = { stream: 'RATED', durable: 'sink-cdr-rated' } as const;

export interface Reconciliation {
  atMs: number;
  /** Σ ledger usage debits vs Σ rated charges (ClickHouse). */
  sumDebitsFen: number;
  sumChargesFen: number;
  debitsMatchCharges: boolean;
  subscribersChecked: number;
  /** Subscribers whose ledger does not add up: Σ credits − Σ debits ≠ the balance its last entry reports. */
  ledgerDrift: { msisdn: string; lastBalanceFen: number; ledgerSumFen: number }[];
  /**
   * Saved balances that differ from their ledger sum. Saved states trail by up to one checkpoint
   * interval, so under live traffic this lists lines with very recent usage; when traffic is
   * idle it must be empty.
   */
  stateBehindLedger: { msisdn: string; balanceFen: number; ledgerSumFen: number }[];
  ok: boolean;
  /**
   * Only rows of RATED messages up to this stream sequence were compared: every one of them is in
   * both tables (the sink acked it after its inserts). Absent: every row (nothing in flight).
   */
  uptoStreamSeq?: number;
}

/**
 * The RATED sequence up to which ClickHouse holds every row: the sink's ack floor. Under live
 * traffic the two tables of one message are written by separate inserts, and a check that read
 * between them would report drift that is not there. Null when the sink's consumer does not exist.
 */
export async function sinkWatermark(nats: Nats): Promise<number | null> {
  try {
    const info = await nats.jsm.consumers.info(RATED_SINK.stream, RATED_SINK.durable);
    return info.ack_floor.stream_seq;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/**
 * The reconciliation check: Σ ledger usage debits = Σ rated charges, and every subscriber's
 * ledger adds up to the balance it reports (opening + credits − debits). Saved states are
 * compared too (see `stateBehindLedger`).
 */
export async function reconcile(
  ch: ClickHouse,
  states: Iterable<SubscriberState>,
  nowMs: number,
  uptoStreamSeq: number | null = null,
): Promise<Reconciliation> {
  const upto = uptoStreamSeq === null ? '' : ` AND stream_seq <= ${Math.trunc(uptoStreamSeq)}`;
  const q = async (sql: string) => {
    const rs = await ch.client.query({ query: sql, format: 'JSONEachRow' });
    return rs.json<Record<string, string | number>>();
  };
  const [totals] = await q(
    `SELECT (SELECT sum(amount_fen) FROM ${ch.db}.ledger FINAL WHERE kind = 'usage'${upto}) AS debits,
            (SELECT sum(charge_fen) FROM ${ch.db}.cdr_rated FINAL WHERE 1${upto}) AS charges`,
  );
  const sumDebitsFen = Number(totals?.debits ?? 0);
  const sumChargesFen = Number(totals?.charges ?? 0);
  const sums = new Map<string, { fen: number; lastBalance: number }>();
  for (const r of await q(
    `SELECT msisdn, sum(if(direction = 'credit', amount_fen, -amount_fen)) AS fen,
            argMax(balance_after_fen, (stream_seq, ord)) AS last_balance
     FROM ${ch.db}.ledger FINAL WHERE 1${upto} GROUP BY msisdn`,
  ))
    sums.set(String(r.msisdn), { fen: Number(r.fen), lastBalance: Number(r.last_balance) });
  const ledgerDrift: Reconciliation['ledgerDrift'] = [];
  for (const [msisdn, l] of sums)
    if (l.fen !== l.lastBalance)
      ledgerDrift.push({ msisdn, lastBalanceFen: l.lastBalance, ledgerSumFen: l.fen });
  const stateBehindLedger: Reconciliation['stateBehindLedger'] = [];
  let subscribersChecked = 0;
  for (const s of states) {
    const l = sums.get(s.msisdn);
    if (!l) continue;
    subscribersChecked++;
    if (s.balanceFen !== l.fen)
      stateBehindLedger.push({ msisdn: s.msisdn, balanceFen: s.balanceFen, ledgerSumFen: l.fen });
  }
  const debitsMatchCharges = sumDebitsFen === sumChargesFen;
  return {
    atMs: nowMs,
    sumDebitsFen,
    sumChargesFen,
    debitsMatchCharges,
    subscribersChecked,
    ledgerDrift: ledgerDrift.slice(0, 100),
    stateBehindLedger: stateBehindLedger.slice(0, 100),
    ok: debitsMatchCharges && ledgerDrift.length === 0,
    ...(uptoStreamSeq === null ? {} : { uptoStreamSeq }),
  };
}
