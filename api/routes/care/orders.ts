import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stableId } from '../../../domain/index.ts';
import { compatible, newAcceptanceOrder } from '../../../domain/orders/index.ts';
import { ApiError, ValidationError } from '../../errors.ts';
import { E164, RequestId } from '../../schemas.ts';
import { staff, staffAndCustomer, who, type CareContext } from './context.ts';
import { loadCustomer } from './customer-view.ts';
import {
  orderKey,
  orderRepo,
  orderView,
  saveStep,
  transition,
  workOrderKey,
  type OrderRecord,
} from './order-store.ts';
import { planOf } from './plans.ts';
import { actorOf } from './recorder.ts';
import { Channel, type ReservationRecord } from './records.ts';
import { reservationKey } from './reservations.ts';
import { claimNumber } from './line-index.ts';

const OrderId = Type.String({ pattern: '^ord-[A-Za-z0-9_-]{1,40}$' });
const Params = Type.Object({ orderId: OrderId }, { additionalProperties: false });
const Revision = Type.Integer({ minimum: 1, description: 'the order revision you read; 409 if it changed' });

/**
 * Business acceptance (业务受理): one order through customer info → plan → contract → reservation →
 * installation → activation, each step's status visible, resumable from its first unfinished step.
 */
export function orderRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const repo = orderRepo(ctx);
  const { clock, ids } = ctx.deps;
  const load = async (orderId: string, request: Parameters<typeof who>[0], revision?: number) => {
    const o = await repo.must(orderKey(orderId));
    await loadCustomer(ctx, who(request), o.value.customerId);
    if (revision !== undefined && revision !== o.revision)
      throw new ApiError(
        'REVISION_CONFLICT',
        'the order changed since you read it; reload and retry',
        '/revision',
      );
    // a withdrawn (撤单) or completed order takes no more steps
    if (o.value.status !== 'open')
      throw new ApiError('INVALID_STATE', `the order is ${o.value.status}`, '/status');
    return o;
  };

  r.post(
    '/api/v1/orders',
    {
      schema: {
        tags: ['care'],
        summary: 'Open a business-acceptance order for a registered customer (step 1 done)',
        body: Type.Object(
          {
            customerId: Type.String({ pattern: '^cus-[A-Za-z0-9_-]{1,40}$' }),
            msisdn: E164,
            channel: Channel,
            requestId: Type.Optional(
              RequestId(
                'idempotency key: sent again (a double click, a retry after a timeout) it answers with the order it opened, never a second one',
              ),
            ),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: staffAndCustomer },
    },
    async (request, reply) => {
      const b = request.body;
      const session = who(request);
      await loadCustomer(ctx, session, b.customerId);
      const now = clock.nowMs();
      const orderId = b.requestId ? stableId('ord', b.customerId, b.requestId) : ids.next('ord');
      const prior = b.requestId ? await repo.get(orderKey(orderId)) : null;
      if (prior) {
        const o = prior.value;
        if (o.msisdn !== b.msisdn || o.channel !== b.channel)
          throw new ApiError(
            'DUPLICATE',
            `requestId ${b.requestId} already opened order ${orderId} with other details`,
            '/requestId',
          );
        if (o.steps.customer_info.status === 'done')
          return reply.code(201).send(orderView(ctx, o, prior.revision));
        // The first attempt stopped between creating the order and its first step: finish it.
        const next = transition(o, 'customer_info', { ok: true, ref: b.customerId }, now);
        const rev = await saveStep(ctx, repo, prior, next, 'customer_info', actorOf(session));
        return reply.code(201).send(orderView(ctx, next, rev));
      }
      await claimNumber(ctx, b.msisdn, orderId);
      const pure = newAcceptanceOrder(orderId, b.customerId, now);
      const draft: OrderRecord = {
        ...pure,
        msisdn: b.msisdn,
        channel: b.channel,
        activation: {
          sim_activation: { status: 'pending' },
          network_attach: { status: 'pending' },
          device_verification: { status: 'pending' },
        },
      };
      const rev0 = await repo.create(orderKey(draft.orderId), draft);
      // Two identical requests at the same moment: the second finds the first's order.
      if (rev0 === null && b.requestId)
        throw new ApiError('REVISION_CONFLICT', 'the same request is being handled; retry it', '/requestId');
      if (rev0 === null) throw new ApiError('INTERNAL', 'order id collision');
      const next = transition(draft, 'customer_info', { ok: true, ref: b.customerId }, now);
      const rev = await saveStep(
        ctx,
        repo,
        { value: draft, revision: rev0 },
        next,
        'customer_info',
        actorOf(session),
      );
      return reply.code(201).send(orderView(ctx, next, rev));
    },
  );

  r.get(
    '/api/v1/orders/:orderId',
    {
      schema: {
        tags: ['care'],
        summary: "An order with every step's status and the next step",
        params: Params,
      },
      config: { roles: [...staffAndCustomer, 'technician'] },
    },
    async (request) => {
      const o = await repo.must(orderKey(request.params.orderId));
      const session = who(request);
      if (session.role !== 'technician') await loadCustomer(ctx, session, o.value.customerId);
      return orderView(ctx, o.value, o.revision);
    },
  );

  r.post(
    '/api/v1/orders/:orderId/plan',
    {
      schema: {
        tags: ['care'],
        summary: 'Step 3: choose the plan (and the device that goes with it)',
        params: Params,
        body: Type.Object(
          {
            revision: Revision,
            planId: Type.String({ minLength: 1, maxLength: 64 }),
            device: Type.Optional(
              Type.Object(
                {
                  model: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
                  quantity: Type.Integer({ minimum: 1, maximum: 10 }),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const o = await load(request.params.orderId, request, request.body.revision);
      planOf(ctx, request.body.planId);
      const chosen: OrderRecord = {
        ...o.value,
        planId: request.body.planId,
        ...(request.body.device ? { device: request.body.device } : {}),
      };
      const next = transition(
        chosen,
        'plan_selection',
        { ok: true, ref: request.body.planId },
        clock.nowMs(),
      );
      return orderView(
        ctx,
        next,
        await saveStep(ctx, repo, o, next, 'plan_selection', actorOf(who(request))),
      );
    },
  );

  r.post(
    '/api/v1/orders/:orderId/reservation',
    {
      schema: {
        tags: ['care'],
        summary: 'Step 5: attach the device reservation (model, quantity and plan must match the order)',
        params: Params,
        body: Type.Object(
          { revision: Revision, reservationId: Type.String({ pattern: '^res-[A-Za-z0-9_-]{1,40}$' }) },
          { additionalProperties: false },
        ),
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const o = await load(request.params.orderId, request, request.body.revision);
      const res = await ctx.reservations.must(reservationKey(request.body.reservationId));
      checkReservation(o.value, res.value, ctx);
      const next = transition(
        { ...o.value, reservationId: res.value.reservationId },
        'reservation',
        { ok: true, ref: res.value.reservationId },
        clock.nowMs(),
      );
      return orderView(ctx, next, await saveStep(ctx, repo, o, next, 'reservation', actorOf(who(request))));
    },
  );

  r.post(
    '/api/v1/orders/:orderId/installation',
    {
      schema: {
        tags: ['care'],
        summary: 'Step 6: open the installation work order for a technician at a location',
        params: Params,
        body: Type.Object(
          {
            revision: Revision,
            technicianId: Type.String({ pattern: '^[a-z0-9._-]{1,64}$' }),
            location: Type.String({ minLength: 2, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: staff },
    },
    async (request) => {
      const o = await load(request.params.orderId, request, request.body.revision);
      if (o.value.steps.reservation.status !== 'done')
        throw new ApiError('INVALID_STATE', 'reserve the device first', '/steps/reservation');
      if (o.value.workOrder?.status === 'assigned')
        throw new ApiError('INVALID_STATE', 'a work order is already open', '/workOrder');
      const workOrderId = ids.next('wo');
      const next: OrderRecord = {
        ...o.value,
        workOrder: {
          workOrderId,
          technicianId: request.body.technicianId,
          location: request.body.location,
          status: 'assigned',
        },
      };
      const rev = await repo.update(orderKey(o.value.orderId), next, o.revision);
      await ctx.orders.kv.put(
        `tech.${request.body.technicianId}.${workOrderId}`,
        new TextEncoder().encode(JSON.stringify({ orderId: o.value.orderId })),
      );
      await ctx.orders.kv.put(
        workOrderKey(workOrderId),
        new TextEncoder().encode(JSON.stringify({ orderId: o.value.orderId })),
      );
      await ctx.recorder.audit(
        actorOf(who(request)),
        'order.installation.assigned',
        'order',
        o.value.orderId,
        {
          customerId: o.value.customerId,
          changes: [{ field: 'workOrder.technicianId', before: null, after: request.body.technicianId }],
        },
      );
      return orderView(ctx, next, rev);
    },
  );

  r.post(
    '/api/v1/orders/:orderId/activation/retry',
    {
      schema: {
        tags: ['care'],
        summary: 'Step 7: retry a failed activation (failed sub-steps go back to pending)',
        params: Params,
        body: Type.Object({ revision: Revision }, { additionalProperties: false }),
      },
      config: { roles: staff },
    },
    async (request) => {
      const o = await load(request.params.orderId, request, request.body.revision);
      if (o.value.steps.activation.status !== 'failed')
        throw new ApiError('INVALID_STATE', 'activation has not failed', '/steps/activation');
      const activation = Object.fromEntries(
        Object.entries(o.value.activation).map(([k, v]) => [
          k,
          v.status === 'failed' ? { status: 'pending' } : v,
        ]),
      ) as OrderRecord['activation'];
      const next: OrderRecord = {
        ...o.value,
        activation,
        steps: { ...o.value.steps, activation: { ...o.value.steps.activation, status: 'pending' } },
      };
      const rev = await repo.update(orderKey(o.value.orderId), next, o.revision);
      await ctx.recorder.audit(actorOf(who(request)), 'order.activation.retry', 'order', o.value.orderId, {
        customerId: o.value.customerId,
      });
      return orderView(ctx, next, rev);
    },
  );
}

function checkReservation(o: OrderRecord, res: ReservationRecord, ctx: CareContext): void {
  if (res.customerId !== o.customerId)
    throw new ValidationError('/reservationId', 'reservation belongs to another customer');
  if (res.status !== 'reserved')
    throw new ApiError('INVALID_STATE', `reservation is ${res.status}`, '/reservationId');
  if (o.planId && res.planId !== o.planId)
    throw new ValidationError(
      '/reservationId',
      `reservation is for plan ${res.planId}, the order has ${o.planId}`,
    );
  if (o.device && (o.device.model !== res.model || o.device.quantity !== res.quantity))
    throw new ValidationError(
      '/reservationId',
      `reservation is ${res.model} × ${res.quantity}, the order needs ${o.device.model} × ${o.device.quantity}`,
    );
  if (o.planId && !compatible(planOf(ctx, o.planId).type, res.kind))
    throw new ValidationError('/reservationId', 'device does not fit the plan');
}
