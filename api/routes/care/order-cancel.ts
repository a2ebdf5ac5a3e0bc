import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError, ConflictError } from '../../errors.ts';
import { staff, who, type CareContext } from './context.ts';
import { customerKey, loadCustomer } from './customer-view.ts';
import { orderKey, orderRepo, orderView, workOrderKey, type OrderRecord } from './order-store.ts';
import { actorOf, type Actor } from './recorder.ts';
import { cancelReservation, reservationKey } from './reservation-stock.ts';
import type { Versioned } from './store.ts';
import { releaseNumber } from './line-index.ts';

const Params = Type.Object(
  { orderId: Type.String({ pattern: '^ord-[A-Za-z0-9_-]{1,40}$' }) },
  { additionalProperties: false },
);

/**
 * 撤单: an open order is withdrawn with a reason. What it holds is released: the reserved device
 * goes back to stock (cancellation fee as the reservation rules say), an installation work order
 * is withdrawn from the technician. An order whose line is active (completed) is closed by
 * unsubscribing instead.
 *
 * The order is marked cancelled first (compare-and-set on `revision`), then its holdings are
 * released; asking again for a cancelled order finishes any release a crash left undone and
 * answers 200, so the call is safe to retry.
 */
export function orderCancelRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const repo = orderRepo(ctx);

  r.post(
    '/api/v1/orders/:orderId/cancel',
    {
      schema: {
        tags: ['care'],
        summary: '撤单: withdraw an open order; the reserved device and the installation are released',
        params: Params,
        body: Type.Object(
          {
            revision: Type.Integer({
              minimum: 1,
              description: 'the order revision you read; 409 if it changed',
            }),
            reason: Type.String({ minLength: 2, maxLength: 500 }),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: staff },
    },
    async (request, reply) => {
      const session = who(request);
      const actor = actorOf(session);
      const cur = await repo.must(orderKey(request.params.orderId));
      await loadCustomer(ctx, session, cur.value.customerId);
      if (cur.value.status === 'completed')
        throw new ApiError(
          'INVALID_STATE',
          'the order is completed and its line active: close the line by unsubscribing',
          '/status',
        );
      if (cur.value.status === 'open' && cur.revision !== request.body.revision)
        throw new ApiError(
          'REVISION_CONFLICT',
          'the order changed since you read it; reload and retry',
          '/revision',
        );
      const { order, feeFen } = await withdrawOrder(ctx, cur, actor, request.body.reason);
      return reply.code(200).send({
        ...orderView(ctx, order.value, order.revision),
        ...(feeFen === null ? {} : { cancelFeeFen: feeFen }),
      });
    },
  );
}

/**
 * Withdraws an open order read at `cur.revision` (ConflictError when it changed since) and
 * releases what it holds; for an order already cancelled, finishes the release. `auto`: the
 * system withdrew an abandoned order: no cancellation fee, and the customer is told why.
 */
export async function withdrawOrder(
  ctx: CareContext,
  cur: Versioned<OrderRecord>,
  actor: Actor,
  reason: string,
  auto?: { idleDays: number },
): Promise<{ order: Versioned<OrderRecord>; feeFen: number | null }> {
  let order = cur;
  if (cur.value.status === 'open') {
    const next: OrderRecord = {
      ...cur.value,
      status: 'cancelled',
      ...(cur.value.workOrder?.status === 'assigned'
        ? { workOrder: { ...cur.value.workOrder, status: 'cancelled' as const } }
        : {}),
    };
    order = {
      value: next,
      revision: await orderRepo(ctx).update(orderKey(next.orderId), next, cur.revision),
    };
    await record(ctx, actor, cur.value, reason, auto);
  }
  const { clock, ids } = ctx.deps;
  const feeFen = await release(ctx, order.value, actor, clock.nowMs(), () => ids.next('hold'), !!auto);
  return { order, feeFen };
}

async function record(
  ctx: CareContext,
  actor: Actor,
  o: OrderRecord,
  reason: string,
  auto?: { idleDays: number },
): Promise<void> {
  await ctx.recorder.order({
    orderId: o.orderId,
    customerId: o.customerId,
    kind: 'new_line',
    fromState: 'open',
    toState: 'cancelled',
    reason,
    channel: o.channel,
  });
  await ctx.recorder.audit(actor, auto ? 'order.auto_withdrawn' : 'order.cancelled', 'order', o.orderId, {
    customerId: o.customerId,
    changes: [{ field: 'status', before: 'open', after: 'cancelled' }],
    reason,
  });
  const customer = await ctx.customers.get(customerKey(o.customerId));
  if (customer && auto)
    await ctx.notice(
      customer.value,
      'order_auto_withdrawn',
      { orderId: o.orderId, days: String(auto.idleDays), msisdn: o.msisdn },
      `order_withdrawn:${o.orderId}`,
    );
  else if (customer) await ctx.notice(customer.value, 'order_cancelled', { orderId: o.orderId, reason });
}

/**
 * Releases what a cancelled order holds; idempotent. Returns the reservation's cancellation fee
 * (fen) when this call cancelled it, else null.
 */
async function release(
  ctx: CareContext,
  o: OrderRecord,
  actor: Actor,
  atMs: number,
  token: () => string,
  waiveFee: boolean,
): Promise<number | null> {
  await releaseNumber(ctx, o.msisdn, o.orderId);
  const wo = o.workOrder;
  // the technician's list no longer shows it; its result is refused (it is not 'assigned')
  if (wo?.status === 'cancelled') await ctx.orders.kv.delete(`tech.${wo.technicianId}.${wo.workOrderId}`);
  if (wo) await ctx.orders.kv.delete(workOrderKey(wo.workOrderId));
  if (!o.reservationId) return null;
  const res = await ctx.reservations.get(reservationKey(o.reservationId));
  if (!res || res.value.status !== 'reserved') return null;
  try {
    const done = await cancelReservation(ctx, res, actor, atMs, token(), waiveFee);
    return done.value.cancelFeeFen ?? 0;
  } catch (err) {
    // a twin cancelled it meanwhile: released all the same
    if (err instanceof ConflictError) return null;
    throw err;
  }
}
