import { Type, type Static } from '@sinclair/typebox';
import { Closed, DialledNumber, E164, EpochMs, Id, Imei, Imsi, Region, ShortText } from './common.ts';

const Termination = Type.Union(
  ['normal', 'busy', 'no_answer', 'network_failure', 'dropped', 'barred', 'timeout', 'other'].map((v) =>
    Type.Literal(v),
  ),
);
const Direction = Type.Union([Type.Literal('mo'), Type.Literal('mt')]);

/** Fields every usage record carries, as emitted by a network element (before ingest). */
const rawCommon = {
  neId: Id,
  /** The network element's own record sequence number: with neId it identifies the record. */
  recordSeq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  msisdn: DialledNumber,
  imsi: Imsi,
  imei: Type.Optional(Imei),
  cellId: Id,
  startMs: EpochMs,
  roaming: Type.Boolean(),
  termination: Type.Optional(Termination),
};

export const RawVoiceCdr = Closed(
  {
    type: Type.Literal('voice'),
    ...rawCommon,
    direction: Direction,
    calledNumber: DialledNumber,
    durationSec: Type.Integer({ minimum: 0, maximum: 86_400 }),
  },
  { $id: 'RawVoiceCdr' },
);
export const RawSmsCdr = Closed(
  { type: Type.Literal('sms'), ...rawCommon, direction: Direction, calledNumber: DialledNumber },
  { $id: 'RawSmsCdr' },
);
export const RawDataCdr = Closed(
  {
    type: Type.Literal('data'),
    ...rawCommon,
    apn: ShortText,
    durationSec: Type.Integer({ minimum: 0, maximum: 86_400 }),
    bytesUp: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }),
    bytesDown: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }),
  },
  { $id: 'RawDataCdr' },
);
/** A usage record as a network element sends it (numbers not yet normalised, no idempotency id). */
export const RawCdr = Type.Union([RawVoiceCdr, RawSmsCdr, RawDataCdr], { $id: 'RawCdr' });
export type RawCdr = Static<typeof RawCdr>;

const normalised = {
  /** Stable idempotency id derived by ingest from (neId, recordSeq). */
  cdrId: Id,
  msisdn: E164,
  region: Region,
};

export const VoiceCdr = Closed(
  {
    ...RawVoiceCdr.properties,
    ...normalised,
    calledNumber: E164,
  },
  { $id: 'VoiceCdr' },
);
export const SmsCdr = Closed(
  { ...RawSmsCdr.properties, ...normalised, calledNumber: E164 },
  { $id: 'SmsCdr' },
);
export const DataCdr = Closed({ ...RawDataCdr.properties, ...normalised }, { $id: 'DataCdr' });
/** A validated, normalised usage record as it travels on the CDR stream. */
export const Cdr = Type.Union([VoiceCdr, SmsCdr, DataCdr], { $id: 'Cdr' });
export type Cdr = Static<typeof Cdr>;
export type VoiceCdr = Static<typeof VoiceCdr>;
export type SmsCdr = Static<typeof SmsCdr>;
export type DataCdr = Static<typeof DataCdr>;
export type CdrType = Cdr['type'];

/** A rated usage record: the CDR plus what it cost and why. */
export const RatedCdr = Closed(
  {
    cdr: Cdr,
    planId: Id,
    planVersion: Type.Integer({ minimum: 0 }),
    chargeFen: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
    billableUnits: Type.Integer({ minimum: 0 }),
    unit: Type.Union([Type.Literal('sec'), Type.Literal('sms'), Type.Literal('byte')]),
    allowanceUsed: Type.Integer({ minimum: 0 }),
    balanceAfterFen: Type.Optional(Type.Integer()),
    ratedAtMs: EpochMs,
    explanation: Type.String({ maxLength: 2000 }),
    /** The structured rating breakdown as JSON (see domain/rating RatingBreakdown), for "explain this charge". */
    breakdownJson: Type.Optional(Type.String({ maxLength: 8000 })),
  },
  { $id: 'RatedCdr' },
);
export type RatedCdr = Static<typeof RatedCdr>;
