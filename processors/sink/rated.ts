import { compile, decodeBatch, validators } from '../../domain/index.ts';
import type { RatedCdr } from '../../domain/index.ts';
import { LedgerEntry, RatingNotification } from '../../domain/rating/index.ts';
import { outputParts } from '../rating/index.ts';
import type { SinkMessage, SinkSpec } from '../../infra/clickhouse/index.ts';

const validLedger = compile(LedgerEntry);
const validNotice = compile(RatingNotification);

/** `ledger` columns, in the order `ledgerValues` writes them (`stream_seq` is appended by the sink). */
export const ledgerColumns = [
  'ord',
  'key',
  'msisdn',
  'kind',
  'direction',
  'amount_fen',
  'balance_after_fen',
  'at',
  'plan_id',
  'plan_version',
  'service',
  'allowance_units',
] as const;

const ledgerValues = (l: LedgerEntry, ord: number): unknown[] => [
  ord,
  l.key,
  l.msisdn,
  l.kind,
  l.direction,
  l.amountFen,
  l.balanceAfterFen,
  l.atMs,
  l.planId,
  l.planVersion,
  l.service ?? '',
  l.allowanceUnits ?? 0,
];

/** `cdr_rated` columns, in the order `ratedValues` writes them. Times are epoch ms into DateTime64(3). */
export const ratedColumns = [
  'cdr_id',
  'msisdn',
  'type',
  'start_time',
  'duration_sec',
  'bytes_up',
  'bytes_down',
  'called',
  'region',
  'cell_id',
  'roaming',
  'plan_id',
  'plan_version',
  'charge_fen',
  'billable_units',
  'allowance_used',
  'explanation',
  'breakdown',
  'direction',
  'apn',
  'ne_id',
  'rated_at',
] as const;

function ratedValues(r: RatedCdr): unknown[] {
  const c = r.cdr;
  const data = c.type === 'data';
  return [
    c.cdrId,
    c.msisdn,
    c.type,
    c.startMs,
    c.type === 'sms' ? 0 : c.durationSec,
    data ? c.bytesUp : 0,
    data ? c.bytesDown : 0,
    data ? '' : c.calledNumber,
    c.region,
    c.cellId,
    c.roaming ? 1 : 0,
    r.planId,
    r.planVersion,
    r.chargeFen,
    r.billableUnits,
    r.allowanceUsed,
    r.explanation,
    r.breakdownJson ?? '',
    data ? '' : c.direction,
    data ? c.apn : '',
    c.neId,
    r.ratedAtMs,
  ];
}

const noticeRow = (n: RatingNotification) => ({
  key: n.key,
  msisdn: n.msisdn,
  kind: n.kind,
  service: n.service ?? '',
  at: n.atMs,
  params: JSON.stringify(n.params),
});

/**
 * RATED stream → `cdr_rated` (+ `ledger`, `charging_notifications` from the same messages): one
 * row per rated CDR. The two per-CDR tables get their rows as arrays (see `ArrayRows`).
 */
export const ratedCdrSink: SinkSpec = {
  table: 'cdr_rated',
  alsoTables: ['ledger', 'charging_notifications'],
  // An insert never holds two rows of one key (one rated record per CDR, one ledger entry per
  // cause, one notice per key; redeliveries are skipped by stream sequence), so collapsing the
  // block at insert time finds nothing and costs ~25 % of the insert's CPU. Merges still collapse.
  insertSettings: { optimize_on_insert: 0 },
  toRows(msg: SinkMessage) {
    const env = decodeBatch(msg.data);
    if (!env.ok) return { reject: env.reason };
    const values: unknown[][] = [];
    const rejected: { index: number; reason: string }[] = [];
    const items = env.batch.items;
    for (const [i, item] of items.entries()) {
      const v = validators.ratedCdr(item);
      if (v.ok) values.push(ratedValues(v.value));
      else rejected.push({ index: i, reason: `${v.error.field} ${v.error.message}` });
    }
    const parts = outputParts(env.record, items);
    const refused: { table: string; reason: string }[] = [];
    const ledger: unknown[][] = [];
    for (const [i, l] of parts.ledger.entries()) {
      const v = validLedger(l);
      if (v.ok) ledger.push(ledgerValues(v.value, i));
      else refused.push({ table: 'ledger', reason: `ledger[${i}]${v.error.field} ${v.error.message}` });
    }
    const notices: Record<string, unknown>[] = [];
    for (const [i, n] of parts.notifications.entries()) {
      const v = validNotice(n);
      if (v.ok) notices.push(noticeRow(v.value as RatingNotification));
      else
        refused.push({
          table: 'charging_notifications',
          reason: `notifications[${i}]${v.error.field} ${v.error.message}`,
        });
    }
    return {
      rows: { columns: ratedColumns, values },
      rejected,
      also: { ledger: { columns: ledgerColumns, values: ledger }, charging_notifications: notices },
      refused,
    };
  },
};
