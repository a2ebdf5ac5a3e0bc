import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stableId } from '../../../domain/index.ts';
import { PipelinedPublisher } from '../../../infra/nats/index.ts';
import { sendLineLoss } from '../../../processors/rating/index.ts';
import { ApiError } from '../../errors.ts';
import { E164 } from '../../schemas.ts';
import { staff, staffAndCustomer, who, type CareContext } from './context.ts';
import { loadLine } from './customer-view.ts';
import { actorOf } from './recorder.ts';
import { Channel, type LineRecord } from './records.ts';
import { msisdnKey } from './store.ts';

const Params = Type.Object({ msisdn: E164 }, { additionalProperties: false });
const RequestId = Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' });

/**
 * 挂失 / 解挂: a customer (online or by phone through an agent) reports the SIM lost and the line
 * is barred at once, through its charging partition, so the network stops it whatever the
 * balance; only the owner restores it, at the counter, with their ID checked (staff only). The
 * line record keeps who reported it and when; charging tells the customer both ways by SMS.
 */
export function lineLossRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const publisher = new PipelinedPublisher(ctx.deps.nats.js, 16);
  const send = (lossId: string, msisdn: string, lost: boolean, atMs: number) =>
    sendLineLoss(publisher, ctx.deps.config.CDR_PARTITIONS, { lossId, msisdn, lost, atMs });

  r.post(
    '/api/v1/lines/:msisdn/loss',
    {
      schema: {
        tags: ['care'],
        summary: 'Report the SIM lost (挂失): the line is barred until its owner restores it',
        params: Params,
        body: Type.Object(
          { channel: Channel, requestId: RequestId, reason: Type.Optional(Type.String({ maxLength: 200 })) },
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
      if (line.value.status !== 'active')
        throw new ApiError('INVALID_STATE', `the line is ${line.value.status}`, '/msisdn');
      if (line.value.suspension)
        throw new ApiError('INVALID_STATE', 'the line is suspended (停机保号): resume it first', '/msisdn');
      const existing = line.value.loss;
      if (existing) {
        // already reported (or this very request again): make sure charging has it
        await send(existing.lossId, msisdn, true, existing.reportedAtMs);
        return reply.code(200).send({ loss: existing });
      }
      const loss: NonNullable<LineRecord['loss']> = {
        lossId: stableId('loss', msisdn, b.requestId),
        reportedAtMs: ctx.deps.clock.nowMs(),
        reportedBy: session.username,
        channel: b.channel,
        ...(b.reason ? { reason: b.reason } : {}),
      };
      await ctx.lines.update(msisdnKey(msisdn), { ...line.value, loss }, line.revision);
      await send(loss.lossId, msisdn, true, loss.reportedAtMs);
      await ctx.recorder.audit(actorOf(session), 'line.loss_reported', 'order', loss.lossId, {
        customerId: line.value.customerId,
        changes: [{ field: 'loss', before: null, after: 'reported' }],
        ...(b.reason ? { reason: b.reason } : {}),
      });
      return reply.code(202).send({ loss });
    },
  );

  r.post(
    '/api/v1/lines/:msisdn/loss/restore',
    {
      schema: {
        tags: ['care'],
        summary: 'Restore a line reported lost (解挂), at the counter, after checking the owner’s ID',
        params: Params,
        body: Type.Object(
          {
            channel: Channel,
            requestId: RequestId,
            idChecked: Type.Literal(true, { description: "the agent checked the owner's ID document" }),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: staff },
    },
    async (request) => {
      const session = who(request);
      const { msisdn } = request.params;
      const line = await loadLine(ctx, session, msisdn);
      const lost = line.value.loss;
      if (!lost) throw new ApiError('INVALID_STATE', 'the line is not reported lost', '/msisdn');
      const restoreId = stableId('unloss', msisdn, request.body.requestId);
      const { loss: _restored, ...rest } = line.value;
      await ctx.lines.update(msisdnKey(msisdn), rest, line.revision);
      await send(restoreId, msisdn, false, ctx.deps.clock.nowMs());
      await ctx.recorder.audit(actorOf(session), 'line.loss_restored', 'order', restoreId, {
        customerId: line.value.customerId,
        changes: [{ field: 'loss', before: 'reported', after: null }],
        reason: 'owner ID checked at the counter',
      });
      return { restored: true, lossId: lost.lossId };
    },
  );
}
