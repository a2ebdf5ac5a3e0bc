import { Type, type Static } from '@sinclair/typebox';
import { compile } from '../../../domain/index.ts';
import {
  abandonedAtMs,
  DEFAULT_ORDER_IDLE_DAYS,
  acceptanceSteps,
  completeStep,
  failStep,
  nextStep,
  OrderRuleError,
  type AcceptanceOrder,
  type AcceptanceStep,
} from '../../../domain/orders/index.ts';
import { ApiError } from '../../errors.ts';
import type { CareContext } from './context.ts';
import type { Actor } from './recorder.ts';
import { Repo, type Versioned } from './store.ts';

const Step = Type.Object({
  status: Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('failed')]),
  atMs: Type.Optional(Type.Integer()),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
  ref: Type.Optional(Type.String({ maxLength: 64 })),
  attempts: Type.Integer({ minimum: 0 }),
});
const SubStep = Type.Object({
  status: Type.Union([Type.Literal('pending'), Type.Literal('ok'), Type.Literal('failed')]),
  reason: Type.Optional(Type.String({ maxLength: 64 })),
  atMs: Type.Optional(Type.Integer()),
});

/** A business-acceptance order as stored (the pure AcceptanceOrder plus what each step chose). */
export const OrderRecord = Type.Object({
  orderId: Type.String({ maxLength: 64 }),
  customerId: Type.String({ maxLength: 64 }),
  msisdn: Type.String({ maxLength: 16 }),
  channel: Type.Union(['counter', 'web', 'app', 'phone'].map((v) => Type.Literal(v))),
  status: Type.Union([Type.Literal('open'), Type.Literal('completed'), Type.Literal('cancelled')]),
  createdAtMs: Type.Integer(),
  steps: Type.Object(
    Object.fromEntries(acceptanceSteps.map((s) => [s, Step])) as Record<AcceptanceStep, typeof Step>,
  ),
  planId: Type.Optional(Type.String({ maxLength: 64 })),
  device: Type.Optional(
    Type.Object({ model: Type.String({ maxLength: 64 }), quantity: Type.Integer({ minimum: 1 }) }),
  ),
  contractId: Type.Optional(Type.String({ maxLength: 64 })),
  reservationId: Type.Optional(Type.String({ maxLength: 64 })),
  workOrder: Type.Optional(
    Type.Object({
      workOrderId: Type.String({ maxLength: 64 }),
      technicianId: Type.String({ maxLength: 64 }),
      location: Type.String({ maxLength: 200 }),
      status: Type.Union([
        Type.Literal('assigned'),
        Type.Literal('done'),
        Type.Literal('failed'),
        Type.Literal('cancelled'),
      ]),
      connectionTest: Type.Optional(
        Type.Object({ passed: Type.Boolean(), downMbps: Type.Number(), latencyMs: Type.Number() }),
      ),
      note: Type.Optional(Type.String({ maxLength: 500 })),
    }),
  ),
  activation: Type.Object({
    sim_activation: SubStep,
    network_attach: SubStep,
    device_verification: SubStep,
  }),
});
export type OrderRecord = Static<typeof OrderRecord>;
export const orderKey = (id: string) => `ord.${id}`;
export const workOrderKey = (id: string) => `wo.${id}`;

export function orderRepo(ctx: CareContext): Repo<OrderRecord> {
  return new Repo(ctx.orders.kv, compile(OrderRecord), 'order');
}

const asPure = (o: OrderRecord): AcceptanceOrder => o as unknown as AcceptanceOrder;

/** Applies a pure step transition; OrderRuleError → 409 INVALID_STATE naming the step. */
export function transition(
  o: OrderRecord,
  step: AcceptanceStep,
  outcome: { ok: true; ref: string } | { ok: false; reason: string },
  atMs: number,
): OrderRecord {
  try {
    const next = outcome.ok
      ? completeStep(asPure(o), step, outcome.ref, atMs)
      : failStep(asPure(o), step, outcome.reason, atMs);
    return { ...o, status: next.status, steps: next.steps };
  } catch (err) {
    if (err instanceof OrderRuleError)
      throw new ApiError('INVALID_STATE', `${err.code}: ${err.message}`, `/steps/${step}`);
    throw err;
  }
}

/** Writes the new order with CAS, publishes the state change and audits the step. */
export async function saveStep(
  ctx: CareContext,
  repo: Repo<OrderRecord>,
  cur: Versioned<OrderRecord>,
  next: OrderRecord,
  step: AcceptanceStep,
  actor: Actor,
): Promise<number> {
  const rev = await repo.update(orderKey(cur.value.orderId), next, cur.revision);
  const s = next.steps[step];
  await ctx.recorder.order({
    orderId: next.orderId,
    customerId: next.customerId,
    kind: 'new_line',
    fromState: `${step}:${cur.value.steps[step].status}`,
    toState: `${step}:${s.status}`,
    ...(s.reason ? { reason: s.reason } : {}),
    channel: next.channel,
  });
  await ctx.recorder.audit(actor, `order.${step}.${s.status}`, 'order', next.orderId, {
    customerId: next.customerId,
    changes: [{ field: `steps.${step}`, before: cur.value.steps[step].status, after: s.status }],
    ...(s.reason ? { reason: s.reason } : {}),
  });
  return rev;
}

/**
 * An order as the API answers it: with its revision, its next step and, while open, when the
 * system withdraws it if nothing happens before (订单超时, `ORDER_IDLE_DAYS`).
 */
export function orderView(ctx: CareContext, o: OrderRecord, revision: number) {
  const at = abandonedAtMs(o, ctx.deps.config.ORDER_IDLE_DAYS ?? DEFAULT_ORDER_IDLE_DAYS);
  return { ...o, revision, nextStep: nextStep(asPure(o)), ...(at === null ? {} : { autoWithdrawAtMs: at }) };
}
