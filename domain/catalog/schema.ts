import { Type, type Static } from '@sinclair/typebox';

/**
 * The tariff catalog file (资费目录): one JSON document, versioned as a whole by `catalogVersion`,
 * with each plan carrying its own ordered versions (`effectiveFromMs`). Every object is closed.
 * The rules that give these numbers meaning are in docs/charging.md.
 */

const Closed = <T extends Parameters<typeof Type.Object>[0]>(props: T, opts: { description?: string } = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });

const Key = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' });
const NonNegInt = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const PosInt = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const PriceFen = Type.Integer({ minimum: 0, maximum: 10_000_000 });
const EpochMs = Type.Integer({ minimum: 946_684_800_000, maximum: 4_102_444_800_000 });

export const LocalisedName = Closed({
  'zh-CN': Type.String({ minLength: 1, maxLength: 100 }),
  en: Type.String({ minLength: 1, maxLength: 100 }),
});
export type LocalisedName = Static<typeof LocalisedName>;

/** A time window of the local (Asia/Shanghai, UTC+8, no DST) day: [startMinute, endMinute). */
export const WindowSpan = Closed({
  window: Key,
  startMinute: Type.Integer({ minimum: 0, maximum: 1439 }),
  endMinute: Type.Integer({ minimum: 1, maximum: 1440 }),
});
export type WindowSpan = Static<typeof WindowSpan>;

export const WindowDef = Closed({ id: Key, name: LocalisedName });

export const DestinationKind = Type.Union([
  Type.Literal('local'),
  Type.Literal('national'),
  Type.Literal('international'),
  Type.Literal('free'),
]);
export type DestinationKind = Static<typeof DestinationKind>;

export const DestinationClass = Closed({ id: Key, kind: DestinationKind, name: LocalisedName });
export type DestinationClass = Static<typeof DestinationClass>;

/** One row of the prefix table: the longest matching prefix of the called number decides its class. */
export const PrefixRule = Closed({
  /** E.164 prefix with its '+', e.g. '+86', '+8610', '+44'; '+' alone is the catch-all. */
  prefix: Type.String({ minLength: 1, maxLength: 16, pattern: '^\\+[0-9]{0,15}$' }),
  destination: Key,
  /** Only for callers whose CDR region equals this (e.g. a landline area code is local to its province). */
  callerRegion: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' })),
  /** Match only the whole number (service numbers such as +8610086), never a longer one. */
  exact: Type.Optional(Type.Boolean()),
});
export type PrefixRule = Static<typeof PrefixRule>;

/** Price per window: every window id of the catalog must be present. */
const WindowPrices = Type.Record(Key, PriceFen);

/** A per-second service rate (voice): increments in seconds, price per `unitSec`. */
export const TimedRate = Closed({
  firstIncrementSec: PosInt,
  incrementSec: PosInt,
  unitSec: PosInt,
  priceFen: WindowPrices,
});
export type TimedRate = Static<typeof TimedRate>;

export const VoiceRates = Closed({
  /** Rates per destination class id (every non-free class must be priced). */
  byDestination: Type.Record(Key, TimedRate),
  /** Added to the price per unitSec of the class when the subscriber is roaming (outgoing calls). */
  roamingSurchargeFen: PriceFen,
  /** Incoming calls while roaming, per unitSec of the national class; incoming at home is free. */
  roamingIncomingFen: PriceFen,
});

export const SmsRates = Closed({
  /** Price per message by destination class id and window. */
  byDestination: Type.Record(Key, Closed({ priceFen: WindowPrices })),
  roamingSurchargeFen: PriceFen,
});

export const DataRates = Closed({
  incrementBytes: PosInt,
  unitBytes: PosInt,
  priceFen: WindowPrices,
  roamingSurchargeFen: PriceFen,
});

/** A complete price list for overage usage; plans reference one by id. */
export const RateTable = Closed({ voice: VoiceRates, sms: SmsRates, data: DataRates });
export type RateTable = Static<typeof RateTable>;

export const Promotion = Type.Union([
  Closed({
    kind: Type.Literal('first_period_discount'),
    percentOff: Type.Integer({ minimum: 1, maximum: 100 }),
  }),
  Closed({
    kind: Type.Literal('bonus_data'),
    bytes: PosInt,
    /** 'first': only in the first period after activation; 'every': every period. */
    periods: Type.Union([Type.Literal('first'), Type.Literal('every')]),
  }),
  Closed({ kind: Type.Literal('free_night_data'), window: Key }),
]);
export type Promotion = Static<typeof Promotion>;

export const Validity = Type.Union([
  Closed({ kind: Type.Literal('calendar_month') }),
  Closed({ kind: Type.Literal('days'), days: Type.Integer({ minimum: 1, maximum: 366 }) }),
]);
export type Validity = Static<typeof Validity>;

export const Allowances = Closed({ voiceSec: NonNegInt, dataBytes: NonNegInt, smsCount: NonNegInt });
export type Allowances = Static<typeof Allowances>;

export const PlanVersion = Closed({
  version: PosInt,
  effectiveFromMs: EpochMs,
  monthlyFeeFen: PriceFen,
  validity: Validity,
  allowances: Allowances,
  rateTable: Key,
  promotions: Type.Array(Promotion, { maxItems: 10 }),
  /** Postpaid: usage + fees owed above this bars the line. */
  creditLimitFen: Type.Optional(PriceFen),
  /** Prepaid: a balance falling below this sends a low-balance notice. */
  lowBalanceFen: Type.Optional(PriceFen),
});
export type PlanVersion = Static<typeof PlanVersion>;

export const PlanType = Type.Union([
  Type.Literal('data'),
  Type.Literal('voice'),
  Type.Literal('sms'),
  Type.Literal('combo'),
]);
export type PlanType = Static<typeof PlanType>;
export const PaymentMode = Type.Union([Type.Literal('prepaid'), Type.Literal('postpaid')]);
export type PaymentMode = Static<typeof PaymentMode>;

export const Plan = Closed({
  id: Key,
  name: LocalisedName,
  type: PlanType,
  payment: PaymentMode,
  versions: Type.Array(PlanVersion, { minItems: 1, maxItems: 100 }),
});
export type Plan = Static<typeof Plan>;

/**
 * An add-on pack (叠加包 / 加油包): extra allowance for the current period of any line, bought at
 * once for its fee (prepaid: from the balance; postpaid: on the period's bill).
 */
export const AddOn = Closed({
  id: Key,
  name: LocalisedName,
  service: Type.Union([Type.Literal('voice'), Type.Literal('sms'), Type.Literal('data')]),
  /** Seconds, messages or bytes added to the period's allowance of `service`. */
  units: PosInt,
  feeFen: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
});
export type AddOn = Static<typeof AddOn>;

export const CatalogFile = Closed({
  catalogVersion: Key,
  currency: Type.Literal('CNY'),
  /** Fixed: local time is UTC+8 (China has had no daylight saving since 1991). */
  timeZone: Type.Literal('Asia/Shanghai'),
  windows: Type.Array(WindowDef, { minItems: 1, maxItems: 8 }),
  windowSchedule: Type.Array(WindowSpan, { minItems: 1, maxItems: 48 }),
  destinationClasses: Type.Array(DestinationClass, { minItems: 1, maxItems: 200 }),
  prefixes: Type.Array(PrefixRule, { minItems: 1, maxItems: 5000 }),
  rateTables: Type.Record(Key, RateTable),
  billing: Closed({
    dueDays: Type.Integer({ minimum: 0, maximum: 90 }),
    /** The monthly fee of a suspended line (停机保号, 保号费) in fen; absent: 500 (¥5). */
    keepNumberFeeFen: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  }),
  plans: Type.Array(Plan, { minItems: 1, maxItems: 500 }),
  /** Add-on packs on sale (absent: none). */
  addOns: Type.Optional(Type.Array(AddOn, { maxItems: 100 })),
});
export type CatalogFile = Static<typeof CatalogFile>;
