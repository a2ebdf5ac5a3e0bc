import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { shanghaiIso } from '../../../domain/catalog/index.ts';
import { stableId } from '../../../domain/index.ts';
import { applySimSwap, issueStock, simSwapRefusal, type SimCard } from '../../../domain/orders/index.ts';
import { PipelinedPublisher } from '../../../infra/nats/index.ts';
import { sendLineLoss } from '../../../processors/rating/index.ts';
import { ApiError } from '../../errors.ts';
import { E164 } from '../../schemas.ts';
import { refusalError, staff, who, type CareContext } from './context.ts';
import { customerKey, loadLine } from './customer-view.ts';
import { actorOf } from './recorder.ts';
import { Channel, SimSwapCause } from './records.ts';
import { stockKey } from './reservation-stock.ts';
import { Model, Region } from './reservations.ts';
import { msisdnKey } from './store.ts';

const Params = Type.Object({ msisdn: E164 }, { additionalProperties: false });
const Body = Type.Object(
  {
    iccid: Type.String({ pattern: '^[0-9]{19,20}$', description: 'the new card’s ICCID, as scanned' }),
    region: Region,
    model: Model,
    cause: SimSwapCause,
    channel: Channel,
    requestId: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
    idChecked: Type.Literal(true, { description: "the agent checked the owner's ID document" }),
    reason: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const simKey = (iccid: string) => `sim.${iccid}`;

/**
 * 补换卡: at the counter, with the owner's ID checked, the line moves to a new SIM card from the
 * shop's stock. Written in an order where every step is idempotent by the request id, so the
 * agent's retry after a failure finishes the job without a second card: the card is registered
 * to the number (one card, one number), one unit leaves the stock (marked with the request in the
 * same write), then the line record names the new card. A line reported lost works again: the
 * restore goes to charging. The customer gets an SMS; the audit trail keeps both ICCIDs.
 */
export function simSwapRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const publisher = new PipelinedPublisher(ctx.deps.nats.js, 16);
  const restore = (msisdn: string, requestId: string) =>
    sendLineLoss(publisher, ctx.deps.config.CDR_PARTITIONS, {
      lossId: stableId('unloss', msisdn, requestId),
      msisdn,
      lost: false,
      atMs: ctx.deps.clock.nowMs(),
    });

  r.post(
    '/api/v1/lines/:msisdn/sim-swap',
    {
      schema: {
        tags: ['care'],
        summary: 'Replace the SIM card (补换卡) at the counter, after checking the owner’s ID',
        params: Params,
        body: Body,
      },
      config: { roles: staff },
    },
    async (request, reply) => {
      const session = who(request);
      const { msisdn } = request.params;
      const b = request.body;
      const line = await loadLine(ctx, session, msisdn);
      const swapId = stableId('simswap', msisdn, b.requestId);
      if (line.value.sim?.swapId === swapId) {
        // done before and the answer was lost: a lost line's restore may not have reached charging
        await restore(msisdn, b.requestId);
        return reply.code(200).send({ swapId, sim: line.value.sim, restored: false });
      }
      const claim = await ctx.sims.get(simKey(b.iccid));
      const stock = await ctx.stock.get(stockKey(b.region, b.model));
      if (!stock) throw new ApiError('OUT_OF_STOCK', `${b.model} is not stocked in ${b.region}`, '/model');
      const refusal = simSwapRefusal({
        msisdn,
        lineStatus: line.value.status,
        currentIccid: line.value.sim?.iccid ?? null,
        previousIccids: (line.value.previousSims ?? []).map((p) => p.iccid),
        newIccid: b.iccid,
        iccidHolder: claim?.value.msisdn ?? null,
        stockKind: stock.value.kind,
      });
      if (refusal) throw refusalError(refusal);
      const now = ctx.deps.clock.nowMs();
      if (
        !claim &&
        (await ctx.sims.create(simKey(b.iccid), { iccid: b.iccid, msisdn, atMs: now })) === null
      ) {
        // registered a moment ago: by this request's twin (fine) or for another number
        const holder = (await ctx.sims.get(simKey(b.iccid)))?.value.msisdn;
        if (holder !== msisdn)
          throw new ApiError(
            'NOT_ELIGIBLE',
            'this card is registered to another number (ICCID_IN_USE)',
            '/iccid',
          );
      }
      await ctx.stock.mutate(stockKey(b.region, b.model), (cur) => {
        const next = cur && issueStock(cur, swapId, now);
        if (!next) throw new ApiError('OUT_OF_STOCK', `no ${b.model} left in ${b.region}`, '/model');
        return next;
      });
      const card: Required<SimCard> = { iccid: b.iccid, sinceMs: now, swapId, cause: b.cause };
      // the card has left the stock: the line is written whatever else changed on it meanwhile
      // (a 409 here would make the agent's retry a new request, and a second card)
      let before = line.value;
      await ctx.lines.mutate(msisdnKey(msisdn), (cur) => {
        if (!cur || cur.status !== 'active')
          throw new ApiError('INVALID_STATE', `the line is ${cur?.status ?? 'gone'}`, '/msisdn');
        before = cur;
        return applySimSwap(cur, card);
      });
      const wasLost = before.loss !== undefined;
      if (wasLost) await restore(msisdn, b.requestId);
      const customerId = line.value.customerId;
      await ctx.recorder.order({
        orderId: swapId,
        customerId,
        kind: 'sim_swap',
        toState: 'completed',
        channel: b.channel,
        reason: b.reason ?? b.cause,
      });
      await ctx.recorder.audit(actorOf(session), 'line.sim_swapped', 'order', swapId, {
        customerId,
        changes: [
          { field: 'iccid', before: before.sim?.iccid ?? null, after: b.iccid },
          ...(wasLost ? [{ field: 'loss', before: 'reported', after: null }] : []),
        ],
        reason: `${b.cause}; owner ID checked at the counter${b.reason ? `; ${b.reason}` : ''}`,
      });
      const customer = await ctx.customers.get(customerKey(customerId));
      if (customer)
        await ctx.notice(
          customer.value,
          'sim_swapped',
          {
            msisdn,
            last4: b.iccid.slice(-4),
            time: shanghaiIso(now).slice(0, 16).replace('T', ' '),
          },
          swapId,
        );
      return reply.code(201).send({ swapId, sim: card, restored: wasLost });
    },
  );
}
