import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stableId } from '../../../domain/index.ts';
import { applyAddOn, RatingError } from '../../../domain/rating/index.ts';
import { PipelinedPublisher } from '../../../infra/nats/index.ts';
import { sendAddOn } from '../../../processors/rating/index.ts';
import { ApiError, NotFoundError } from '../../errors.ts';
import { E164 } from '../../schemas.ts';
import { chargingStateOf } from './balance.ts';
import { staffAndCustomer, who, type CareContext } from './context.ts';
import { loadLine } from './customer-view.ts';
import { actorOf } from './recorder.ts';
import { Channel } from './records.ts';

/**
 * Add-on packs (叠加包 / 流量加油包): extra allowance for the current period, bought at the counter
 * or in the business hall. The pack is priced here from the catalog and sent, price and units
 * included, to the line's charging partition, which adds it once (key `addon:<purchaseId>`) and
 * tells the customer. The same `requestId` again is the same purchase: charged once.
 */
export function addOnRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const publisher = new PipelinedPublisher(ctx.deps.nats.js, 16);

  r.get(
    '/api/v1/add-ons',
    {
      schema: {
        tags: ['care'],
        summary: 'Add-on packs on sale: service, units, fee (valid for the current period)',
      },
      config: { roles: staffAndCustomer },
    },
    async () => ({ addOns: [...ctx.catalog.addOns.values()] }),
  );

  r.post(
    '/api/v1/lines/:msisdn/add-ons',
    {
      schema: {
        tags: ['care'],
        summary: 'Buy an add-on pack for the current period (fee from the balance, or on the bill)',
        params: Type.Object({ msisdn: E164 }, { additionalProperties: false }),
        body: Type.Object(
          {
            addOnId: Type.String({ minLength: 1, maxLength: 64 }),
            channel: Channel,
            requestId: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: staffAndCustomer },
    },
    async (request, reply) => {
      const session = who(request);
      const { msisdn } = request.params;
      const b = request.body;
      const line = await loadLine(ctx, session, msisdn);
      const pack = ctx.catalog.addOns.get(b.addOnId);
      if (!pack) throw new NotFoundError(`no add-on ${b.addOnId} is on sale`);
      if (line.value.status !== 'active')
        throw new ApiError('INVALID_STATE', `the line is ${line.value.status}`, '/msisdn');
      const state = await chargingStateOf(ctx, msisdn);
      if (!state)
        throw new ApiError('INVALID_STATE', 'charging does not know this line yet; try again shortly');
      const now = ctx.deps.clock.nowMs();
      const purchase = {
        purchaseId: stableId('ao', msisdn, b.requestId),
        msisdn,
        addOnId: pack.id,
        name: pack.name,
        service: pack.service,
        units: pack.units,
        feeFen: pack.feeFen,
        atMs: now,
      };
      // charging decides again when it applies it; asking first answers the customer now
      let periodEndMs: number;
      try {
        periodEndMs = applyAddOn(ctx.catalog, state, purchase).newState.periodEndMs;
      } catch (err) {
        if (!(err instanceof RatingError)) throw err;
        throw new ApiError('NOT_ELIGIBLE', `${err.message} (${err.code})`, err.field);
      }
      await sendAddOn(publisher, ctx.deps.config.CDR_PARTITIONS, purchase);
      const customerId = line.value.customerId;
      await ctx.recorder.order({
        orderId: purchase.purchaseId,
        customerId,
        kind: 'add_on',
        toState: 'completed',
        channel: b.channel,
        eventId: `${purchase.purchaseId}.order`,
      });
      await ctx.recorder.audit(actorOf(session), 'line.add_on_purchased', 'order', purchase.purchaseId, {
        customerId,
        changes: [{ field: `addOn.${pack.service}`, before: null, after: pack.id }],
        eventId: `${purchase.purchaseId}.audit`,
      });
      return reply.code(202).send({ purchaseId: purchase.purchaseId, addOn: pack, periodEndMs });
    },
  );
}
