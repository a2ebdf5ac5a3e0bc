import { Type, type Static } from '@sinclair/typebox';
import { compile } from '../../../domain/index.ts';
import { SIM_SWAP_CAUSES } from '../../../domain/orders/index.ts';

/** Stored shapes of the care area (KV values), validated on every read. */
const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' });
const E164 = Type.String({ pattern: '^\\+[1-9][0-9]{5,14}$', maxLength: 16 });
const Str = (max: number) => Type.String({ maxLength: max });
const Ms = Type.Integer({ minimum: 0 });

export const IdType = Type.Union(
  ['resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit', 'other'].map((v) => Type.Literal(v)),
);
export const Locale = Type.Union([Type.Literal('zh-CN'), Type.Literal('en')]);
export const Channel = Type.Union([
  Type.Literal('counter'),
  Type.Literal('web'),
  Type.Literal('app'),
  Type.Literal('phone'),
]);
export const ServiceType = Type.Union(['mobile', 'broadband', 'fixed', 'bundle'].map((v) => Type.Literal(v)));
export const AddressSchema = Type.Object(
  {
    province: Type.String({ minLength: 1, maxLength: 32 }),
    city: Type.String({ minLength: 1, maxLength: 32 }),
    district: Type.String({ minLength: 1, maxLength: 32 }),
    street: Type.String({ minLength: 1, maxLength: 100 }),
    number: Type.String({ minLength: 1, maxLength: 32 }),
  },
  { additionalProperties: false },
);

export const CustomerRecord = Type.Object({
  customerId: Id,
  name: Str(100),
  idType: IdType,
  idNumber: Str(32),
  birthDate: Type.Optional(Str(10)),
  mobile: E164,
  landline: Type.Optional(Str(20)),
  email: Type.Optional(Str(254)),
  address: AddressSchema,
  serviceType: ServiceType,
  locale: Locale,
  registeredAtMs: Ms,
  updatedAtMs: Ms,
  pendingIdentityChange: Type.Optional(
    Type.Object({ idType: IdType, idNumber: Str(32), requestedBy: Str(64), atMs: Ms, reason: Str(500) }),
  ),
});
export type CustomerRecord = Static<typeof CustomerRecord>;

/**
 * The line's latest plan change request (套餐变更): a change to `planId` from the next period
 * start, or the withdrawal of one. Charging holds the same change in its state; this is care's
 * record of who asked, when and why (and the key that makes a retried request idempotent).
 */
export const PlanChangeRecord = Type.Object({
  changeId: Id,
  action: Type.Union([Type.Literal('change'), Type.Literal('withdraw')]),
  planId: Str(64),
  fromPlanId: Str(64),
  /** When the new plan starts; null: with the next renewal (an expired prepaid line). */
  effectiveFromMs: Type.Union([Ms, Type.Null()]),
  requestedAtMs: Ms,
  requestedBy: Str(64),
  channel: Channel,
  reason: Type.Optional(Str(200)),
});
export type PlanChangeRecord = Static<typeof PlanChangeRecord>;

const Iccid = Type.String({ pattern: '^[0-9]{19,20}$' });
export const SimSwapCause = Type.Union(SIM_SWAP_CAUSES.map((v) => Type.Literal(v)));
export const SimCard = Type.Object({
  iccid: Iccid,
  sinceMs: Ms,
  swapId: Type.Optional(Id),
  cause: Type.Optional(SimSwapCause),
});

/** Which number a SIM card is registered to (key `sim.<iccid>` in `care_lines`): one card, one line. */
export const SimClaim = Type.Object({ iccid: Iccid, msisdn: E164, atMs: Ms });
export type SimClaim = Static<typeof SimClaim>;

export const LineRecord = Type.Object({
  msisdn: E164,
  customerId: Id,
  status: Type.Union([Type.Literal('pre_opened'), Type.Literal('active'), Type.Literal('closed')]),
  planId: Str(64),
  openedAtMs: Ms,
  contractEndMs: Type.Union([Ms, Type.Null()]),
  devicesOutstanding: Type.Array(Str(64), { maxItems: 20 }),
  closedAtMs: Type.Optional(Ms),
  planChange: Type.Optional(PlanChangeRecord),
  /** Reported lost (挂失): charging bars the line until the owner restores it at the counter. */
  loss: Type.Optional(
    Type.Object({
      lossId: Id,
      reportedAtMs: Ms,
      reportedBy: Str(64),
      channel: Channel,
      reason: Type.Optional(Str(200)),
    }),
  ),
  /** 停机保号: the line is stopped and its number kept, from when, by whom, until 复机. */
  suspension: Type.Optional(
    Type.Object({
      suspensionId: Id,
      sinceMs: Ms,
      by: Str(64),
      channel: Channel,
      /** 预约复机: when it ends by itself (absent in records from before the maximum existed). */
      untilMs: Type.Optional(Ms),
    }),
  ),
  /**
   * 携号转网: the authorization code given (only its hash: the code went to the owner by SMS),
   * until when it is good, wrong codes tried against it; and the port once done.
   */
  portOut: Type.Optional(
    Type.Object({
      codeHash: Str(64),
      issuedAtMs: Ms,
      expiresAtMs: Ms,
      requestId: Str(64),
      failedAttempts: Type.Integer({ minimum: 0 }),
      ported: Type.Optional(Type.Object({ atMs: Ms, recipient: Str(64), requestId: Str(64) })),
    }),
  ),
  /** The SIM card in service (补换卡 replaces it); absent on lines from before it was recorded. */
  sim: Type.Optional(SimCard),
  /** The last change of hands (过户): from whom, when and by which request (its idempotency key). */
  transfer: Type.Optional(
    Type.Object({ transferId: Id, fromCustomerId: Id, atMs: Ms, by: Str(64), channel: Channel }),
  ),
  /** Cards the line had before, newest first (domain/orders/sim-swap.ts keeps the last 10). */
  previousSims: Type.Optional(Type.Array(Type.Object({ iccid: Iccid, untilMs: Ms }), { maxItems: 10 })),
});
export type LineRecord = Static<typeof LineRecord>;

export const StockRecord = Type.Object({
  region: Str(32),
  model: Str(64),
  kind: Type.Union([
    Type.Literal('phone'),
    Type.Literal('cpe'),
    Type.Literal('mifi'),
    Type.Literal('sim'),
    Type.Literal('ont'),
  ]),
  available: Type.Integer({ minimum: 0 }),
  reserved: Type.Integer({ minimum: 0 }),
  /** Stock moved for a reservation whose record is not yet written (domain/orders/stock-holds.ts). */
  holds: Type.Optional(
    Type.Array(
      Type.Object({
        id: Id,
        op: Type.Union([Type.Literal('take'), Type.Literal('return')]),
        /** What really moved: a return finding fewer reserved gives back (and holds) only those. */
        qty: Type.Integer({ minimum: 0 }),
        atMs: Ms,
        token: Type.Optional(Id),
        reservation: Type.Optional(
          Type.Object({ customerId: Id, planId: Str(64), channel: Channel, slotStartMs: Ms }),
        ),
      }),
      { maxItems: 10_000 },
    ),
  ),
  /** Units handed out at the counter (a SIM for 补换卡), by request: domain/orders/sim-swap.ts. */
  issued: Type.Optional(Type.Array(Type.Object({ id: Id, atMs: Ms }), { maxItems: 1_000 })),
});
export type StockRecord = Static<typeof StockRecord>;

export const ReservationRecord = Type.Object({
  reservationId: Id,
  customerId: Id,
  region: Str(32),
  model: Str(64),
  kind: StockRecord.properties.kind,
  quantity: Type.Integer({ minimum: 1 }),
  planId: Str(64),
  channel: Channel,
  slotStartMs: Ms,
  /** abandoned: the request stopped between taking stock and writing this; the stock went back. */
  status: Type.Union(['reserved', 'cancelled', 'installed', 'abandoned'].map((v) => Type.Literal(v))),
  createdAtMs: Ms,
  cancelFeeFen: Type.Optional(Type.Integer({ minimum: 0 })),
  /** The stock hold this state was written on (its take, then its return): stock-holds.ts. */
  holdToken: Type.Optional(Id),
});
export type ReservationRecord = Static<typeof ReservationRecord>;

export const NotificationRecord = Type.Object({
  notificationId: Id,
  customerId: Id,
  channel: Type.Union([Type.Literal('sms'), Type.Literal('email')]),
  to: Str(254),
  template: Str(64),
  locale: Locale,
  /** As sent, except a one-time code in it (a secret param), kept here as ******. */
  text: Str(1000),
  /** It carried a one-time code: never sent again (the customer asks for a new code). */
  secret: Type.Optional(Type.Boolean()),
  state: Type.Union(['queued', 'sent', 'failed', 'retried'].map((v) => Type.Literal(v))),
  attempts: Type.Integer({ minimum: 0 }),
  reason: Type.Optional(Str(500)),
  /** When the outbox tries it again by itself (a passing failure, or a send a crash stopped). */
  nextAttemptAtMs: Type.Optional(Ms),
  history: Type.Array(Type.Object({ state: Str(16), atMs: Ms, reason: Type.Optional(Str(500)) }), {
    maxItems: 50,
  }),
  createdAtMs: Ms,
});
export type NotificationRecord = Static<typeof NotificationRecord>;

export const validators = {
  customer: compile(CustomerRecord),
  line: compile(LineRecord),
  stock: compile(StockRecord),
  reservation: compile(ReservationRecord),
  notification: compile(NotificationRecord),
  indexEntry: compile(Type.Object({ customerId: Id })),
  simClaim: compile(SimClaim),
};
