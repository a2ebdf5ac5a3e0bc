import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  cancellationFeeFen,
  checkSlot,
  compatible,
  returnStock,
  takeStock,
} from '../../../domain/orders/index.ts';
import { formatYuan, stableId } from '../../../domain/index.ts';
import { ApiError, ValidationError } from '../../errors.ts';
import { RequestId } from '../../schemas.ts';
import { staffAndCustomer, who, type CareContext } from './context.ts';
import { loadCustomer } from './customer-view.ts';
import { planOf } from './plans.ts';
import { actorOf } from './recorder.ts';
import { Channel, StockRecord, type ReservationRecord } from './records.ts';

const Region = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9_-]+$' });
const Model = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const stockKey = (region: string, model: string) => `${region}.${model}`;
export const reservationKey = (id: string) => `res.${id}`;
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
      }));
      await ctx.recorder.audit(actorOf(who(request)), 'inventory.set', 'inventory', stockKey(region, model), {
        changes: [{ field: 'available', before: null, after: String(request.body.available) }],
      });
      return s.value;
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
      await ctx.stock.mutate(stockKey(b.region, b.model), (cur) => {
        const next = cur ? takeStock(cur, b.quantity) : null;
        if (!cur || !next)
          throw new ApiError(
            'OUT_OF_STOCK',
            `only ${cur?.available ?? 0} ${b.model} left in ${b.region}`,
            '/quantity',
          );
        return { ...cur, ...next };
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
      };
      const rev = await ctx.reservations.create(reservationKey(rec.reservationId), rec);
      if (rev === null) {
        // A twin of this request got there first: give back what this one took, answer with its.
        await ctx.stock.mutate(stockKey(b.region, b.model), (cur) => {
          if (!cur) throw new ApiError('INTERNAL', 'stock record vanished');
          return { ...cur, ...returnStock(cur, b.quantity) };
        });
        return replay(await ctx.reservations.must(reservationKey(rec.reservationId)));
      }
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
      const customer = await loadCustomer(ctx, session, res.value.customerId);
      if (res.value.status !== 'reserved')
        throw new ApiError('INVALID_STATE', `reservation is ${res.value.status}`);
      const fee = cancellationFeeFen(res.value.slotStartMs, clock.nowMs());
      const next: ReservationRecord = { ...res.value, status: 'cancelled', cancelFeeFen: fee };
      const rev = await ctx.reservations.update(key, next, res.revision);
      await ctx.stock.mutate(stockKey(res.value.region, res.value.model), (cur) => {
        if (!cur) throw new ApiError('INTERNAL', 'stock record vanished');
        return { ...cur, ...returnStock(cur, res.value.quantity) };
      });
      await ctx.recorder.audit(
        actorOf(session),
        'reservation.cancelled',
        'reservation',
        res.value.reservationId,
        {
          customerId: res.value.customerId,
          changes: [{ field: 'status', before: 'reserved', after: 'cancelled' }],
        },
      );
      await ctx.recorder.order({
        orderId: res.value.reservationId,
        customerId: res.value.customerId,
        kind: 'device',
        fromState: 'reserved',
        toState: 'cancelled',
        channel: res.value.channel,
      });
      await ctx.notice(customer.value, 'reservation_cancelled', {
        reservationId: res.value.reservationId,
        fee: formatYuan(fee),
      });
      return { ...next, revision: rev };
    },
  );
}
