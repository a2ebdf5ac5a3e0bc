import { Type, type Static } from '@sinclair/typebox';
import type { CompiledCatalog } from '../../domain/catalog/index.ts';
import type { Cdr } from '../../domain/index.ts';
import {
  newSubscriber,
  parseReasonCode,
  rate,
  RatingBreakdown,
  reasonNames,
  sentences,
  Service,
  storedSentences,
  type ReasonNames,
} from '../../domain/rating/index.ts';

/** A rated CDR as ClickHouse keeps it (cdr_rated), times in epoch ms. */
export interface StoredRatedCdr {
  cdrId: string;
  msisdn: string;
  type: 'voice' | 'sms' | 'data';
  startMs: number;
  durationSec: number;
  bytesUp: number;
  bytesDown: number;
  called: string;
  region: string;
  cellId: string;
  roaming: boolean;
  direction: string;
  apn: string;
  neId: string;
  planId: string;
  chargeFen: number;
  allowanceUsed: number;
  /** What `explanation` holds: a reason code (domain/rating/reason.ts), or older versions' sentences. */
  explanation: string;
}

export interface Explanation {
  breakdown: RatingBreakdown;
  sentence: { 'zh-CN': string; en: string };
  chargeFen: number;
  /** The re-derived charge equals the charge that was taken. */
  consistent: boolean;
}

/**
 * Explains a charge without storing a breakdown per CDR: the rating of one record depends on
 * the subscriber's state only through the allowance left, and the stored record says how much
 * allowance it drew. Re-rating it against a state holding exactly that much allowance gives the
 * same segments, windows, increments, destination and fen — checked by `consistent`.
 */
export function explainCharge(catalog: CompiledCatalog, s: StoredRatedCdr): Explanation {
  const base = {
    cdrId: s.cdrId,
    neId: s.neId || 'unknown',
    recordSeq: 0,
    msisdn: s.msisdn,
    imsi: '000000000000000',
    cellId: s.cellId,
    region: s.region,
    startMs: s.startMs,
    roaming: s.roaming,
  };
  const direction = s.direction === 'mt' ? 'mt' : 'mo';
  const cdr: Cdr =
    s.type === 'data'
      ? {
          ...base,
          type: 'data',
          apn: s.apn || 'cmnet',
          durationSec: s.durationSec,
          bytesUp: s.bytesUp,
          bytesDown: s.bytesDown,
        }
      : s.type === 'sms'
        ? { ...base, type: 'sms', direction, calledNumber: s.called }
        : { ...base, type: 'voice', direction, calledNumber: s.called, durationSec: s.durationSec };
  const { state } = newSubscriber(catalog, {
    msisdn: s.msisdn,
    planId: s.planId,
    activatedAtMs: s.startMs - 1,
    openingBalanceFen: 1_000_000_000,
  });
  const allowances = { ...state.allowances, [s.type]: { totalUnits: s.allowanceUsed, usedUnits: 0 } };
  const r = rate(catalog, { ...state, allowances }, cdr);
  return {
    breakdown: r.rated.breakdown,
    sentence: sentences(r.rated.breakdown, catalog.windows.nameById),
    chargeFen: r.rated.chargeFen,
    consistent: r.rated.chargeFen === s.chargeFen,
  };
}

/**
 * An explanation's breakdown as shown to people. The pricing facts (destination, windows,
 * increments, segments, exact fen) are re-derived exactly; the two that depend on the line's
 * state at the time are not re-derivable and are not invented: the balance after is the ledger
 * entry's (null while it is not stored yet), and of the allowance only the units drawn are known
 * (the re-derivation ran against a bucket holding exactly those, so its totals meant nothing).
 */
export const ShownBreakdown = Type.Composite(
  [
    Type.Omit(RatingBreakdown, ['balanceAfterFen', 'allowance']),
    Type.Object({
      balanceAfterFen: Type.Union([Type.Integer(), Type.Null()], {
        description: 'integer fen after this charge, from the ledger; null until the ledger entry is stored',
      }),
      allowance: Type.Union([
        Type.Object(
          { bucket: Service, drawnUnits: Type.Integer({ minimum: 0 }) },
          { additionalProperties: false },
        ),
        Type.Null(),
      ]),
    }),
  ],
  { additionalProperties: false },
);
export type ShownBreakdown = Static<typeof ShownBreakdown>;

export function shownBreakdown(b: RatingBreakdown, balanceAfterFen: number | null): ShownBreakdown {
  const { allowance, balanceAfterFen: _invented, ...pricing } = b;
  return {
    ...pricing,
    balanceAfterFen,
    allowance: allowance ? { bucket: allowance.bucket, drawnUnits: allowance.drawnUnits } : null,
  };
}

const num = (v: unknown) => Number(v ?? 0);
const str = (v: unknown) => String(v ?? '');

/** The columns `storedFromRow` reads from `cdr_rated` (times as epoch ms). */
export const STORED_RATED_COLUMNS = `cdr_id, msisdn, type, toUnixTimestamp64Milli(start_time) AS start_ms, duration_sec,
  bytes_up, bytes_down, called, region, cell_id, roaming, direction, apn, ne_id, plan_id, plan_version, charge_fen,
  allowance_used, explanation`;

/** A `cdr_rated` row (selected with STORED_RATED_COLUMNS) as a StoredRatedCdr; null for an unknown type. */
export function storedFromRow(row: Record<string, unknown>): StoredRatedCdr | null {
  const type = str(row.type);
  if (type !== 'voice' && type !== 'sms' && type !== 'data') return null;
  return {
    cdrId: str(row.cdr_id),
    msisdn: str(row.msisdn),
    type,
    startMs: num(row.start_ms),
    durationSec: num(row.duration_sec),
    bytesUp: num(row.bytes_up),
    bytesDown: num(row.bytes_down),
    called: str(row.called),
    region: str(row.region),
    cellId: str(row.cell_id),
    roaming: num(row.roaming) === 1,
    direction: str(row.direction),
    apn: str(row.apn),
    neId: str(row.ne_id),
    planId: str(row.plan_id),
    chargeFen: num(row.charge_fen),
    allowanceUsed: num(row.allowance_used),
    explanation: str(row.explanation),
  };
}

let names: { catalogVersion: string; names: ReasonNames } | null = null;

function namesOf(catalog: CompiledCatalog): ReasonNames {
  if (names?.catalogVersion !== catalog.catalogVersion)
    names = {
      catalogVersion: catalog.catalogVersion,
      names: reasonNames(catalog),
    };
  return names.names;
}

/**
 * A stored record's explanation as people read it — "zh-CN | en", rendered from its reason code
 * with the catalog's names — or the stored text as it is when that is not a code (rows rated by
 * older versions kept their sentences).
 */
export function explanationText(catalog: CompiledCatalog, s: StoredRatedCdr): string {
  const code = parseReasonCode(s.explanation);
  if (!code) return s.explanation;
  const t = storedSentences(s, code, namesOf(catalog));
  return `${t['zh-CN']} | ${t.en}`;
}

/** `explanationText` of a `cdr_rated` row as selected (a row of an unknown type: its text as stored). */
export function rowExplanationText(catalog: CompiledCatalog, row: Record<string, unknown>): string {
  const stored = storedFromRow(row);
  return stored ? explanationText(catalog, stored) : str(row.explanation);
}
