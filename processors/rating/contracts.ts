import { Type, type Static } from '@sinclair/typebox';
import { compile, decodeBatch, E164, EpochMs, Id, type RatedCdr } from '../../domain/index.ts';
import type { LedgerEntry, RatingNotification } from '../../domain/rating/index.ts';
import { packRated, RATED_ITEM_FIELDS } from './rated-items.ts';

/** A payment as the charging partition receives it on `chg.<n>.pay` (top-up, renewal, bill, goodwill). */
export const AccountPayment = Type.Object(
  {
    paymentId: Id,
    msisdn: E164,
    amountFen: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
    purpose: Type.Union([
      Type.Literal('top_up'),
      Type.Literal('renewal'),
      Type.Literal('bill'),
      Type.Literal('order'),
    ]),
    atMs: EpochMs,
  },
  { additionalProperties: false, $id: 'AccountPayment' },
);
export type AccountPayment = Static<typeof AccountPayment>;
export const validatePayment = compile(AccountPayment);

/** A signed balance correction on `chg.<n>.adj` (rerating compensation): positive = debit. */
export const AccountAdjustment = Type.Object(
  {
    adjustmentId: Id,
    msisdn: E164,
    amountFen: Type.Integer({ minimum: -100_000_000, maximum: 100_000_000, not: { const: 0 } }),
    atMs: EpochMs,
  },
  { additionalProperties: false, $id: 'AccountAdjustment' },
);
export type AccountAdjustment = Static<typeof AccountAdjustment>;
export const validateAdjustment = compile(AccountAdjustment);

/** A plan change on `chg.<n>.plan` (套餐变更): the line moves to `planId` at its next period start. */
export const AccountPlanChange = Type.Object(
  {
    changeId: Id,
    msisdn: E164,
    planId: Type.String({ minLength: 1, maxLength: 64 }),
    atMs: EpochMs,
  },
  { additionalProperties: false, $id: 'AccountPlanChange' },
);
export type AccountPlanChange = Static<typeof AccountPlanChange>;
export const validatePlanChange = compile(AccountPlanChange);

/** An add-on pack bought for a line, on `chg.<n>.addon`, priced when it was sold. */
export const AccountAddOn = Type.Object(
  {
    purchaseId: Id,
    msisdn: E164,
    addOnId: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.Object(
      { 'zh-CN': Type.String({ maxLength: 100 }), en: Type.String({ maxLength: 100 }) },
      { additionalProperties: false },
    ),
    service: Type.Union([Type.Literal('voice'), Type.Literal('sms'), Type.Literal('data')]),
    units: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    feeFen: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    atMs: EpochMs,
  },
  { additionalProperties: false, $id: 'AccountAddOn' },
);
export type AccountAddOn = Static<typeof AccountAddOn>;
export const validateAddOn = compile(AccountAddOn);

/** A SIM reported lost (挂失) or the line restored (解挂), on `chg.<n>.loss`. */
export const AccountLineLoss = Type.Object(
  { lossId: Id, msisdn: E164, lost: Type.Boolean(), atMs: EpochMs },
  { additionalProperties: false, $id: 'AccountLineLoss' },
);
export type AccountLineLoss = Static<typeof AccountLineLoss>;
export const validateLineLoss = compile(AccountLineLoss);

/** 停机保号 (`suspended: true`) or 复机 (`false`) of a postpaid line, on `chg.<n>.suspend`. */
export const AccountLineSuspension = Type.Object(
  { suspensionId: Id, msisdn: E164, suspended: Type.Boolean(), atMs: EpochMs },
  { additionalProperties: false, $id: 'AccountLineSuspension' },
);
export type AccountLineSuspension = Static<typeof AccountLineSuspension>;
export const validateLineSuspension = compile(AccountLineSuspension);

/** A line closed for good (销户 or 携号转网 out), on `chg.<n>.close`. */
export const AccountLineClosure = Type.Object(
  {
    closureId: Id,
    msisdn: E164,
    reason: Type.Union([Type.Literal('unsubscribe'), Type.Literal('port_out')]),
    atMs: EpochMs,
  },
  { additionalProperties: false, $id: 'AccountLineClosure' },
);
export type AccountLineClosure = Static<typeof AccountLineClosure>;
export const validateLineClosure = compile(AccountLineClosure);

/**
 * What the rating processor publishes for each input message, on `rated.p.<n>`: the rated
 * records (`items`, so the envelope reads like any batch), the ledger entries and the
 * notifications. `inputSeq` ties it to its cause; the message id is `rt-p<n>-<inputSeq>`.
 * On the wire (`encodeRatingOutput`) the items are arrays of values named by `itemFields`;
 * `decodeBatch` gives readers objects back.
 */
export interface RatingOutput {
  v: 1;
  batchId: string;
  partition: number;
  inputSeq: number;
  items: RatedCdr[];
  /**
   * In order. A number `i` stands for the usage entry that `items[i]` implies (see
   * usageEntryOf): one per CDR, sent as its index instead of restating ~220 bytes.
   */
  ledger: (LedgerEntry | number)[];
  notifications: RatingNotification[];
}

export const INPUT_SEQ_HEADER = 'StreamBSS-Input-Seq';
/**
 * How many notifications a RATED message carries. Readers that only want notifications skip a
 * message whose count is 0 without parsing it (most carry none); a message without the header
 * (written before it existed) must be read.
 */
export const NOTICES_HEADER = 'StreamBSS-Notices';
/**
 * How many rated items a RATED message carries: a reader that only counts them (the live NOC
 * view) need not parse the message. Messages without it (written before it existed) are read.
 */
export const ITEMS_HEADER = 'StreamBSS-Items';
export const outputId = (partition: number, inputSeq: number) => `rt-p${partition}-${inputSeq}`;

/** An output as it goes on RATED: items as arrays of values, named once in `itemFields` (rated-items.ts). */
export function encodeRatingOutput(o: RatingOutput): Uint8Array {
  return Buffer.from(JSON.stringify({ ...o, items: o.items.map(packRated), itemFields: RATED_ITEM_FIELDS }));
}

/** The usage ledger entry a rated CDR implies (debit of its charge, at its start, after which the balance is what it says). */
export function usageEntryOf(r: RatedCdr): LedgerEntry {
  return {
    key: `cdr:${r.cdr.cdrId}`,
    msisdn: r.cdr.msisdn,
    kind: 'usage',
    direction: 'debit',
    amountFen: r.chargeFen,
    balanceAfterFen: r.balanceAfterFen ?? Number.NaN,
    atMs: r.cdr.startMs,
    planId: r.planId,
    planVersion: r.planVersion,
    service: r.cdr.type,
    allowanceUnits: r.allowanceUsed,
  };
}

const ENTRY_FIELDS = [
  'key',
  'msisdn',
  'kind',
  'direction',
  'amountFen',
  'balanceAfterFen',
  'atMs',
  'planId',
  'planVersion',
  'service',
  'allowanceUnits',
] as const;

/** True when `entry` says exactly what `usageEntryOf(item)` would: it can travel as the item's index. */
export function impliedBy(entry: LedgerEntry, item: RatedCdr): boolean {
  const d = usageEntryOf(item);
  return Object.keys(entry).length === ENTRY_FIELDS.length && ENTRY_FIELDS.every((f) => entry[f] === d[f]);
}

/**
 * Adds one rated CDR and its effects to an output. The CDR's own usage entry travels as the
 * item's index when the item implies it exactly (one place for that wire rule).
 */
export function appendRated(
  o: RatingOutput,
  rated: RatedCdr,
  ledger: LedgerEntry[],
  notifications: RatingNotification[],
): void {
  const index = o.items.push(rated) - 1;
  for (const l of ledger) o.ledger.push(l.kind === 'usage' && impliedBy(l, rated) ? index : l);
  o.notifications.push(...notifications);
}

/**
 * The ledger and notifications of an already-parsed output; tolerant of older outputs without
 * them. Index entries are expanded from their item (left as they are when the item is not a
 * rated CDR, so validation rejects them like any malformed entry).
 */
export function outputParts(
  record: Record<string, unknown>,
  /** The message's items as objects (`decodeBatch(...).batch.items`). */
  items: unknown[],
): {
  ledger: unknown[];
  notifications: unknown[];
} {
  const ledger = Array.isArray(record.ledger)
    ? (record.ledger as unknown[]).map((l) => {
        if (typeof l !== 'number') return l;
        const item = items[l] as RatedCdr | undefined;
        return typeof item?.cdr?.cdrId === 'string' ? usageEntryOf(item) : l;
      })
    : [];
  return {
    ledger,
    notifications: Array.isArray(record.notifications) ? record.notifications : [],
  };
}

/** Reads the ledger and notifications of an output message (parses it: prefer `outputParts` after decodeBatch). */
export function readOutputParts(data: Uint8Array): { ledger: unknown[]; notifications: unknown[] } | null {
  const d = decodeBatch(data);
  return d.ok ? outputParts(d.record, d.batch.items) : null;
}
