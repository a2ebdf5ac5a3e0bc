import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stableId } from '../../../domain/index.ts';
import { planChangeChoices, planSummaries } from '../../../domain/orders/index.ts';
import { PipelinedPublisher } from '../../../infra/nats/index.ts';
import { sendPlanChange } from '../../../processors/rating/index.ts';
import type { Session } from '../../auth/index.ts';
import { ApiError } from '../../errors.ts';
import { E164 } from '../../schemas.ts';
import { chargingStateOf } from './balance.ts';
import { staffAndCustomer, who, type CareContext } from './context.ts';
import { loadLine } from './customer-view.ts';
import { chargingTermsOf, planView } from './line-plan.ts';
import { actorOf } from './recorder.ts';
import { Channel, type PlanChangeRecord } from './records.ts';
import { msisdnKey } from './store.ts';

const Params = Type.Object({ msisdn: E164 }, { additionalProperties: false });

/**
 * Plan change (套餐变更), at the counter or in the business hall. The new plan starts with the next
 * period (次月生效): `GET` says which plans the line may move to and why not the others, `POST`
 * asks for one (or for the current plan, which withdraws a change still waiting). The request is
 * recorded on the line, then sent to the line's charging partition, which applies it in order with
 * the line's usage and payments and tells the customer. A retried request with the same
 * `requestId` is answered again and changes nothing.
 */
export function planChangeRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { clock, ids } = ctx.deps;
  const publisher = new PipelinedPublisher(ctx.deps.nats.js, 16);
  const send = (c: PlanChangeRecord, msisdn: string) =>
    sendPlanChange(publisher, ctx.deps.config.CDR_PARTITIONS, {
      changeId: c.changeId,
      msisdn,
      planId: c.planId,
      atMs: c.requestedAtMs,
    });

  const review = async (session: Session, msisdn: string) => {
    const line = await loadLine(ctx, session, msisdn);
    const now = clock.nowMs();
    const state = await chargingStateOf(ctx, msisdn);
    const terms = state ? chargingTermsOf(ctx.catalog, state, now) : null;
    const { planId, pending } = planView(line.value, now, terms);
    const choices = planChangeChoices({
      lineStatus: line.value.status,
      currentPlanId: planId,
      pendingPlanId: pending?.planId ?? null,
      paidPeriodsAhead: state?.paidPeriodsAhead ?? 0,
      contractEndMs: line.value.contractEndMs,
      nowMs: now,
      plans: planSummaries(ctx.catalog, now),
      balanceFen: state?.balanceFen ?? null,
      suspended: line.value.suspension !== undefined,
    });
    return { line, now, state, planId, pending, choices, effectiveFromMs: terms?.effectiveFromMs ?? null };
  };

  r.get(
    '/api/v1/lines/:msisdn/plan-change',
    {
      schema: {
        tags: ['care'],
        summary:
          "The line's plan, a change waiting for the next period, and every plan it may move to (or why not)",
        params: Params,
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const v = await review(who(request), request.params.msisdn);
      return {
        msisdn: request.params.msisdn,
        planId: v.planId,
        pending: v.pending,
        /** When a change asked for now would start; null: with the next renewal. */
        effectiveFromMs: v.effectiveFromMs,
        chargingKnowsLine: v.state !== null,
        paidPeriodsAhead: v.state?.paidPeriodsAhead ?? 0,
        contractEndMs: v.line.value.contractEndMs,
        choices: v.choices,
      };
    },
  );

  r.post(
    '/api/v1/lines/:msisdn/plan-change',
    {
      schema: {
        tags: ['care'],
        summary:
          'Change the plan from the next period (or withdraw a waiting change by asking for the current plan)',
        params: Params,
        body: Type.Object(
          {
            planId: Type.String({ minLength: 1, maxLength: 64 }),
            channel: Channel,
            reason: Type.Optional(Type.String({ maxLength: 200 })),
            requestId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' })),
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
      const v = await review(session, msisdn);
      const changeId = b.requestId ? stableId('pc', msisdn, b.requestId) : ids.next('pc');
      const last = v.line.value.planChange;
      if (last?.changeId === changeId) {
        // the same request again (its answer was lost): make sure charging has it, answer the same
        await send(last, msisdn);
        return reply.code(200).send({ planChange: last, planId: v.planId });
      }
      const choice = v.choices.find((c) => c.planId === b.planId);
      if (!choice) throw new ApiError('NOT_FOUND', `no plan ${b.planId} is on sale`, '/planId');
      if (!choice.action)
        throw new ApiError(
          'NOT_ELIGIBLE',
          `${choice.refusal?.text.en ?? 'not possible'} (${choice.refusal?.code ?? 'REFUSED'})`,
          '/planId',
        );
      if (!v.state)
        throw new ApiError('INVALID_STATE', 'charging does not know this line yet; try again shortly');
      const rec: PlanChangeRecord = {
        changeId,
        action: choice.action,
        planId: b.planId,
        fromPlanId: v.planId,
        // an expired prepaid line converting to postpaid (预转后) has no renewal to wait for
        effectiveFromMs:
          choice.action === 'change' ? (v.effectiveFromMs ?? (choice.conversion ? v.now : null)) : null,
        requestedAtMs: v.now,
        requestedBy: session.username,
        channel: b.channel,
        ...(b.reason ? { reason: b.reason } : {}),
      };
      // recorded first (compare-and-set: two agents cannot both change it), then sent; a failed
      // send is finished by retrying with the same requestId
      await ctx.lines.update(
        msisdnKey(msisdn),
        { ...v.line.value, planId: v.planId, planChange: rec },
        v.line.revision,
      );
      await send(rec, msisdn);
      const customerId = v.line.value.customerId;
      await ctx.recorder.order({
        orderId: changeId,
        customerId,
        kind: 'plan_change',
        toState: rec.action === 'change' ? 'scheduled' : 'withdrawn',
        channel: b.channel,
        ...(b.reason ? { reason: b.reason } : {}),
      });
      await ctx.recorder.audit(
        actorOf(session),
        `line.plan_change_${rec.action === 'change' ? 'requested' : 'withdrawn'}`,
        'order',
        changeId,
        {
          customerId,
          changes: [
            {
              field: 'nextPlanId',
              before: v.pending?.planId ?? null,
              after: rec.action === 'change' ? rec.planId : null,
            },
          ],
          ...(b.reason ? { reason: b.reason } : {}),
        },
      );
      return reply.code(202).send({ planChange: rec, planId: v.planId });
    },
  );
}
