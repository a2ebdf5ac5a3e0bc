import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { checkSlot, compatible } from '../../../domain/orders/index.ts';
import { stableId } from '../../../domain/index.ts';
import { ApiError, ValidationError } from '../../errors.ts';
import { RequestId } from '../../schemas.ts';
import { staffAndCustomer, who, type CareContext } from './context.ts';
import { loadCustomer } from './customer-view.ts';
import { planOf } from './plans.ts';
import { actorOf } from './recorder.ts';
import { Channel, StockRecord, type ReservationRecord } from './records.ts';
import {
  cancelReservation,
  endHold,
  endLostHold,
  moveStock,
  reservationKey,
  stockKey,
} from './reservation-stock.ts';

export const Region = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9_-]+$' });
export const Model = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export { reservationKey, stockKey };
const ResId = Type.String({ pattern: '^res-[A-Za-z0-9_-]{1,40}$' });

const slotText = (ms: number) =>
  `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} (UTC+8)`;

/** Device reservation (设备预约) with per-region stock kept in KV and taken with compare-and-set. */
export function reservationRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { clock, ids } = ctx.deps;

  r.put(
    '/api/v1/inventory/:region/:model',
    {
      schema: {
        tags: ['care'],
        summary: 'Set the stock of a device model in a region (warehouse intake)',
        params: Type.Object({ region: Region, model: Model }, { additionalProperties: false }),
        body: Type.Object(
          { kind: StockRecord.properties.kind, available: Type.Integer({ minimum: 0, maximum: 1_000_000 }) },
          { additionalProperties: false },
        ),
      },
      config: { roles: ['supervisor', 'admin'] },
    },
    async (request) => {
      const { region, model } = request.params;
      const s = await ctx.stock.mutate(stockKey(region, model), (cur) => ({
        region,
        model,
        kind: request.body.kind,
        available: request.body.available,
        reserved: cur?.reserved ?? 0,
        ...(cur?.holds ? { holds: cur.holds } : {}),
        ...(cur?.issued ? { issued: cur.issued } : {}),
      }));
      await ctx.recorder.audit(actorOf(who(request)), 'inventory.set', 'inventory', stockKey(region, model), {
        changes: [{ field: 'available', before: null, after: String(request.body.available) }],
      });
      return s.value;
    },
  );

  r.get(
    '/api/v1/inventory',
    {
      schema: {
        tags: ['care'],
        summary: "A region's device stock (all regions without one), by model: what an agent can reserve",
        querystring: Type.Object({ region: Type.Optional(Region) }, { additionalProperties: false }),
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const keys = await ctx.stock.keys(request.query.region ? `${request.query.region}.*` : '>');
      const items = [];
      for (const k of keys.sort()) {
        const v = await ctx.stock.get(k);
        if (v)
          items.push({
            region: v.value.region,
            model: v.value.model,
            kind: v.value.kind,
            available: v.value.available,
          });
      }
      return { items };
    },
  );

  r.get(
    '/api/v1/inventory/:region/:model',
    {
      schema: {
        tags: ['care'],
        params: Type.Object({ region: Region, model: Model }, { additionalProperties: false }),
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => (await ctx.stock.must(stockKey(request.params.region, request.params.model))).value,
  );

  r.post(
    '/api/v1/reservations',
    {
      schema: {
        tags: ['care'],
        summary: 'Reserve a device for a time slot; stock never goes below zero',
        body: Type.Object(
          {
            customerId: Type.String({ pattern: '^cus-[A-Za-z0-9_-]{1,40}$' }),
            region: Region,
            model: Model,
            quantity: Type.Integer({ minimum: 1, maximum: 10 }),
            planId: Type.String({ minLength: 1, maxLength: 64 }),
            slotStartMs: Type.Integer({ minimum: 0 }),
            channel: Channel,
            requestId: Type.Optional(
              RequestId(
                'idempotency key: the same request sent again reserves once and answers with that reservation',
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
      const customer = await loadCustomer(ctx, session, b.customerId);
      const reservationId = b.requestId ? stableId('res', b.customerId, b.requestId) : ids.next('res');
      // The same request again answers with what it reserved (or is refused if its details differ).
      const replay = (prior: { value: ReservationRecord; revision: number }) => {
        const p = prior.value;
        if (p.status === 'abandoned')
          throw new ApiError(
            'DUPLICATE',
            `requestId ${b.requestId ?? ''} was abandoned: the request stopped before it finished and its stock went back; send the reservation again with a new requestId`,
            '/requestId',
          );
        const same =
          p.region === b.region &&
          p.model === b.model &&
          p.quantity === b.quantity &&
          p.planId === b.planId &&
          p.slotStartMs === b.slotStartMs &&
          p.channel === b.channel;
        if (!same)
          throw new ApiError(
            'DUPLICATE',
            `requestId ${b.requestId ?? ''} already made reservation ${reservationId} with other details`,
            '/requestId',
          );
        return reply.code(201).send({ ...p, revision: prior.revision });
      };
      if (b.requestId) {
        const prior = await ctx.reservations.get(reservationKey(reservationId));
        if (prior) return replay(prior);
      }
      const now = clock.nowMs();
      const slotError = checkSlot(b.slotStartMs, now);
      if (slotError)
        throw new ValidationError(
          '/slotStartMs',
          `${slotError}: slots start on even hours 08:00–18:00 (UTC+8), 1 hour to 30 days ahead`,
        );
      const plan = planOf(ctx, b.planId);
      const stock = await ctx.stock.get(stockKey(b.region, b.model));
      if (!stock) throw new ApiError('OUT_OF_STOCK', `${b.model} is not stocked in ${b.region}`, '/model');
      if (!compatible(plan.type, stock.value.kind))
        throw new ValidationError(
          '/model',
          `a ${stock.value.kind} does not work with the ${plan.type} plan ${plan.planId}`,
        );
      // Stock first, with a hold naming this reservation: a retry cannot take twice, and if this
      // process dies before the record below is written the hold says so (reservation-stock.ts).
      const move = await moveStock(ctx, b.region, b.model, {
        id: reservationId,
        op: 'take',
        qty: b.quantity,
        atMs: now,
        token: ids.next('hold'),
        reservation: {
          customerId: b.customerId,
          planId: b.planId,
          channel: b.channel,
          slotStartMs: b.slotStartMs,
        },
      });
      const rec: ReservationRecord = {
        reservationId,
        customerId: b.customerId,
        region: b.region,
        model: b.model,
        kind: stock.value.kind,
        quantity: b.quantity,
        planId: b.planId,
        channel: b.channel,
        slotStartMs: b.slotStartMs,
        status: 'reserved',
        createdAtMs: now,
        ...(move.token ? { holdToken: move.token } : {}),
      };
      const rev = await ctx.reservations.create(reservationKey(rec.reservationId), rec);
      if (rev === null) {
        // A twin of this request wrote it first. If it stands on our take, the take stays; a take
        // of our own that it does not use goes back (an abandoned record uses none).
        const prior = await ctx.reservations.must(reservationKey(rec.reservationId));
        await endLostHold(ctx, rec, move, prior.value);
        return replay(prior);
      }
      await endHold(ctx, rec, 'drop');
      await ctx.recorder.audit(actorOf(session), 'reservation.created', 'reservation', rec.reservationId, {
        customerId: b.customerId,
        changes: [{ field: 'stock', before: null, after: `-${b.quantity} ${b.model}@${b.region}` }],
      });
      await ctx.recorder.order({
        orderId: rec.reservationId,
        customerId: b.customerId,
        kind: 'device',
        toState: 'reserved',
        channel: b.channel,
      });
      await ctx.notice(customer.value, 'reservation_confirmed', {
        model: b.model,
        quantity: String(b.quantity),
        slot: slotText(b.slotStartMs),
      });
      return reply.code(201).send({ ...rec, revision: rev });
    },
  );

  r.get(
    '/api/v1/reservations/:reservationId',
    {
      schema: { tags: ['care'], params: Type.Object({ reservationId: ResId }) },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const res = await ctx.reservations.must(reservationKey(request.params.reservationId));
      await loadCustomer(ctx, who(request), res.value.customerId);
      return { ...res.value, revision: res.revision };
    },
  );

  r.post(
    '/api/v1/reservations/:reservationId/cancel',
    {
      schema: {
        tags: ['care'],
        summary: 'Cancel a reservation: free until the slot starts',
        params: Type.Object({ reservationId: ResId }),
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const session = who(request);
      const key = reservationKey(request.params.reservationId);
      const res = await ctx.reservations.must(key);
      await loadCustomer(ctx, session, res.value.customerId);
      if (res.value.status !== 'reserved')
        throw new ApiError('INVALID_STATE', `reservation is ${res.value.status}`);
      const done = await cancelReservation(ctx, res, actorOf(session), clock.nowMs(), ids.next('hold'));
      return { ...done.value, revision: done.revision };
    },
  );
}
