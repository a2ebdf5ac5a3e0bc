import { Type, type Static } from '@sinclair/typebox';
import { RatedCdr } from '../events/cdr.ts';

/**
 * Subscriber charging state, ledger entries, notifications and the rich rated record. TypeBox is
 * the single source: the runner validates state read back from KV with `SubscriberState`.
 */

const Closed = <T extends Parameters<typeof Type.Object>[0]>(props: T, opts: { $id?: string } = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });
const Int = Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
const NonNeg = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Key = Type.String({ minLength: 1, maxLength: 200 });
const Name = Closed({ 'zh-CN': Type.String(), en: Type.String() });

export const Service = Type.Union([Type.Literal('voice'), Type.Literal('sms'), Type.Literal('data')]);
export type Service = Static<typeof Service>;

export const AllowanceBucket = Closed({ totalUnits: NonNeg, usedUnits: NonNeg });
export type AllowanceBucket = Static<typeof AllowanceBucket>;

/** What the current period has cost so far, by bill line (fen, all ≥ 0; discount is subtracted). */
export const PeriodCharges = Closed({
  feeFen: NonNeg,
  discountFen: NonNeg,
  voiceFen: NonNeg,
  smsFen: NonNeg,
  dataFen: NonNeg,
  /** Add-on packs bought in the period (absent in states saved before add-ons existed: 0). */
  addOnFen: Type.Optional(NonNeg),
  /** The period started while the line was suspended (停机保号): feeFen is the keep-number fee. */
  keepNumber: Type.Optional(Type.Boolean()),
});
export type PeriodCharges = Static<typeof PeriodCharges>;

export const ClosedPeriod = Closed({
  index: NonNeg,
  startMs: NonNeg,
  endMs: NonNeg,
  planVersion: NonNeg,
  /** The plan the period ran on (absent in periods closed before plan changes existed: the line's plan). */
  planId: Type.Optional(Key),
  charges: PeriodCharges,
});
export type ClosedPeriod = Static<typeof ClosedPeriod>;

export const SubscriberState = Closed(
  {
    msisdn: Type.String({ pattern: '^\\+[1-9][0-9]{5,14}$' }),
    planId: Key,
    payment: Type.Union([Type.Literal('prepaid'), Type.Literal('postpaid')]),
    activatedAtMs: NonNeg,
    /** 0 for the first period after activation (first-period promotions), then 1, 2, … */
    periodIndex: NonNeg,
    periodStartMs: NonNeg,
    /** Exclusive. */
    periodEndMs: NonNeg,
    /** Plan version in force at the period start: it fixed the fee and the allowances. */
    periodPlanVersion: NonNeg,
    /** Prepaid periods already paid for by early renewal, started automatically at each period end. */
    paidPeriodsAhead: NonNeg,
    /** Money balance. Prepaid: credit left (may dip below 0 by the last call). Postpaid: minus what is owed. */
    balanceFen: Int,
    /** Postpaid only: owing this much or more bars the line. 0 for prepaid. */
    creditLimitFen: NonNeg,
    allowances: Closed({ voice: AllowanceBucket, sms: AllowanceBucket, data: AllowanceBucket }),
    charges: PeriodCharges,
    /** Postpaid periods that ended but have not been billed yet (oldest first). */
    closedPeriods: Type.Array(ClosedPeriod, { maxItems: 24 }),
    barred: Type.Boolean(),
    /**
     * 'lost': the customer reported the SIM lost (挂失); only their restoring it (解挂) lifts it.
     * 'suspended': 停机保号; only 复机 lifts it.
     * 'closed': the line was closed (销户 or 携号转网 out); nothing lifts it.
     */
    barReason: Type.Union([
      Type.Literal('balance'),
      Type.Literal('credit_limit'),
      Type.Literal('lost'),
      Type.Literal('suspended'),
      Type.Literal('closed'),
      Type.Null(),
    ]),
    /** When the line was closed (销户 or 携号转网 out): no period, fee or usage after it. */
    closedAtMs: Type.Optional(NonNeg),
    /** A plan change (套餐变更) waiting for the next period start: that period runs on this plan. */
    nextPlanId: Type.Optional(Key),
    /** The plan before the last change and the instant it ended: usage from before then that arrives late is rated on it. */
    previousPlan: Type.Optional(Closed({ planId: Key, untilMs: NonNeg })),
  },
  { $id: 'SubscriberState' },
);
export type SubscriberState = Static<typeof SubscriberState>;

/** One change of a money balance, keyed by its cause: the same key twice must change nothing. */
export const LedgerEntry = Closed(
  {
    /** 'cdr:<cdrId>', 'payment:<paymentId>', 'fee:<msisdn>:<periodStartMs>', 'opening:<msisdn>'. */
    key: Key,
    msisdn: Type.String(),
    kind: Type.Union([
      Type.Literal('usage'),
      Type.Literal('fee'),
      Type.Literal('payment'),
      Type.Literal('opening'),
      Type.Literal('adjustment'),
    ]),
    direction: Type.Union([Type.Literal('debit'), Type.Literal('credit')]),
    amountFen: NonNeg,
    balanceAfterFen: Int,
    atMs: NonNeg,
    planId: Key,
    planVersion: NonNeg,
    service: Type.Optional(Service),
    /** Usage entries: allowance units drawn (the entry is emitted even when amountFen is 0). */
    allowanceUnits: Type.Optional(NonNeg),
  },
  { $id: 'LedgerEntry' },
);
export type LedgerEntry = Static<typeof LedgerEntry>;

export const NotificationKind = Type.Union(
  [
    'allowance_80',
    'allowance_100',
    'low_balance',
    'balance_exhausted',
    'credit_limit_reached',
    'line_barred',
    'line_unbarred',
    'period_renewed',
    'renewal_failed',
    'plan_change_scheduled',
    'plan_change_withdrawn',
    'plan_changed',
    'add_on_added',
    'plan_change_refused',
    'add_on_refused',
    'line_closed',
  ].map((k) => Type.Literal(k)),
);
export type NotificationKind =
  | 'allowance_80'
  | 'allowance_100'
  | 'low_balance'
  | 'balance_exhausted'
  | 'credit_limit_reached'
  | 'line_barred'
  | 'line_unbarred'
  | 'period_renewed'
  | 'renewal_failed'
  | 'plan_change_scheduled'
  | 'plan_change_withdrawn'
  | 'plan_changed'
  | 'add_on_added'
  | 'plan_change_refused'
  | 'add_on_refused'
  | 'line_closed';

/**
 * Something the subscriber (or the network, for bar/unbar) must be told. `key` is deterministic so
 * a redelivered cause yields the same notification, which the runner dedupes.
 */
export const RatingNotification = Closed(
  {
    key: Key,
    kind: NotificationKind,
    msisdn: Type.String(),
    atMs: NonNeg,
    service: Type.Optional(Service),
    params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  },
  { $id: 'RatingNotification' },
);
export interface RatingNotification {
  key: string;
  kind: NotificationKind;
  msisdn: string;
  atMs: number;
  service?: Service;
  params: Record<string, string | number>;
}

export const NoteCode = Type.Union(
  [
    'incoming_free',
    'free_destination',
    'roaming',
    'no_allowance_international',
    'no_allowance_roaming',
    'validity_expired',
    'before_period',
    'after_closure',
    'free_night_data',
    'zero_usage',
  ].map((k) => Type.Literal(k)),
);
export type NoteCode =
  | 'incoming_free'
  | 'free_destination'
  | 'roaming'
  | 'no_allowance_international'
  | 'no_allowance_roaming'
  | 'validity_expired'
  | 'before_period'
  | 'after_closure'
  | 'free_night_data'
  | 'zero_usage';

export const RatedSegment = Closed({
  window: Type.String(),
  startMs: NonNeg,
  /** Units actually used in this window (seconds, messages, bytes) before increments. */
  rawUnits: NonNeg,
  /** After increments (the rounding-up of the whole record is added to the last segment). */
  billedUnits: NonNeg,
  allowanceUnits: NonNeg,
  /** Units given free by a promotion (free night data). */
  freeUnits: NonNeg,
  chargedUnits: NonNeg,
  /** Price per `perUnits` including any roaming surcharge. */
  priceFen: NonNeg,
  perUnits: NonNeg,
});
export type RatedSegment = Static<typeof RatedSegment>;

export const RatingBreakdown = Closed(
  {
    catalogVersion: Type.String(),
    planId: Type.String(),
    planVersion: NonNeg,
    planName: Name,
    service: Service,
    direction: Type.Optional(Type.Union([Type.Literal('mo'), Type.Literal('mt')])),
    roaming: Type.Boolean(),
    destination: Type.Union([
      Closed({ id: Type.String(), kind: Type.String(), name: Name, matchedPrefix: Type.String() }),
      Type.Null(),
    ]),
    unit: Type.Union([Type.Literal('sec'), Type.Literal('sms'), Type.Literal('byte')]),
    rawUnits: NonNeg,
    billedUnits: NonNeg,
    increments: Type.Union([Closed({ firstUnits: NonNeg, nextUnits: NonNeg }), Type.Null()]),
    segments: Type.Array(RatedSegment),
    allowance: Type.Union([
      Closed({
        bucket: Service,
        totalUnits: NonNeg,
        usedBefore: NonNeg,
        drawnUnits: NonNeg,
        usedAfter: NonNeg,
      }),
      Type.Null(),
    ]),
    /** Σ priceFen × chargedUnits, over the common perUnits, before rounding: "numerator/denominator". */
    exactFen: Type.String(),
    rounding: Type.Literal('half_up'),
    chargeFen: NonNeg,
    balanceAfterFen: Int,
    notes: Type.Array(NoteCode),
  },
  { $id: 'RatingBreakdown' },
);
export type RatingBreakdown = Static<typeof RatingBreakdown>;

/**
 * The rated record this module produces: the `RatedCdr` wire contract plus the structured
 * breakdown; `toRatedCdr` strips it to the wire's. Sentences are rendering, not rating:
 * `sentences(breakdown, catalog.windows.nameById)` when someone reads them.
 */
export const RatedUsage = Closed(
  {
    ...RatedCdr.properties,
    catalogVersion: Type.String(),
    breakdown: RatingBreakdown,
  },
  { $id: 'RatedUsage' },
);
export type RatedUsage = Static<typeof RatedUsage>;
