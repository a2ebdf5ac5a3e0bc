import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stableId } from '../../../domain/index.ts';
import { plannedResumeMs, suspensionRefusal } from '../../../domain/orders/index.ts';
import { ApiError } from '../../errors.ts';
import { E164 } from '../../schemas.ts';
import { chargingStateOf } from './balance.ts';
import { refusalError, staffAndCustomer, who, type CareContext } from './context.ts';
import { loadLine } from './customer-view.ts';
import { chargingTermsOf, planView } from './line-plan.ts';
import { actorOf } from './recorder.ts';
import { Channel, type LineRecord } from './records.ts';
import { msisdnKey } from './store.ts';
import { indexSuspension, maxSuspensionDays, resumeLine, sendSuspension } from './suspension-store.ts';

const Params = Type.Object({ msisdn: E164 }, { additionalProperties: false });
const Body = Type.Object(
  { channel: Channel, requestId: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }) },
  { additionalProperties: false },
);
const SuspendBody = Type.Object(
  {
    channel: Channel,
    requestId: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
    resumeAtMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          '预约复机: when the line resumes by itself (an hour ahead at least, SUSPENSION_MAX_DAYS at most; default: the maximum)',
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * 停机保号 / 复机: the owner (in the hall, or through an agent) stops a postpaid line and keeps
 * the number, then resumes it whenever they like. Charging bars the line at once; every month
 * that starts while it is suspended costs the keep-number fee instead of the plan's; resuming
 * in such a month takes the rest of that month's fee and gives the plan's allowances back (see
 * domain/rating/suspension.ts). Charging tells the customer both ways by SMS.
 */
export function lineSuspensionRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const send = (suspensionId: string, msisdn: string, suspended: boolean, atMs: number) =>
    sendSuspension(ctx, suspensionId, msisdn, suspended, atMs);

  r.post(
    '/api/v1/lines/:msisdn/suspension',
    {
      schema: {
        tags: ['care'],
        summary:
          'Suspend a postpaid line and keep the number (停机保号): the catalog’s keep-number fee a month until resumed',
        params: Params,
        body: SuspendBody,
      },
      config: { roles: staffAndCustomer },
    },
    async (request, reply) => {
      const session = who(request);
      const { msisdn } = request.params;
      const b = request.body;
      const line = await loadLine(ctx, session, msisdn);
      const existing = line.value.suspension;
      if (existing) {
        // already suspended (or this very request again): make sure charging has it
        await send(existing.suspensionId, msisdn, true, existing.sinceMs);
        return reply.code(200).send({ suspension: existing, keepNumberFeeFen: ctx.catalog.keepNumberFeeFen });
      }
      const plan = ctx.catalog.plans.get(line.value.planId);
      if (!plan)
        throw new ApiError('INVALID_STATE', `plan ${line.value.planId} is not in the catalog`, '/msisdn');
      const state = await chargingStateOf(ctx, msisdn);
      const now = ctx.deps.clock.nowMs();
      const { pending } = planView(line.value, now, state ? chargingTermsOf(ctx.catalog, state, now) : null);
      const refusal = suspensionRefusal({
        lineStatus: line.value.status,
        lost: line.value.loss !== undefined,
        payment: plan.payment,
        balanceFen: state?.balanceFen ?? null,
        toPrepaidPending:
          plan.payment === 'postpaid' &&
          pending !== null &&
          ctx.catalog.plans.get(pending.planId)?.payment === 'prepaid',
      });
      if (refusal) throw refusalError(refusal);
      const sinceMs = now;
      const planned = plannedResumeMs(sinceMs, b.resumeAtMs, maxSuspensionDays(ctx));
      if ('code' in planned) throw refusalError(planned);
      const suspension: NonNullable<LineRecord['suspension']> = {
        suspensionId: stableId('suspend', msisdn, b.requestId),
        sinceMs,
        by: session.username,
        channel: b.channel,
        untilMs: planned.untilMs,
      };
      // due first, so no suspension is missing from it (an entry without one is dropped by the sweep)
      await indexSuspension(ctx, msisdn, { suspensionId: suspension.suspensionId, untilMs: planned.untilMs });
      // compare-and-set: a line that changed since it was checked answers 409, nothing sent
      await ctx.lines.update(msisdnKey(msisdn), { ...line.value, suspension }, line.revision);
      await send(suspension.suspensionId, msisdn, true, suspension.sinceMs);
      await ctx.recorder.audit(actorOf(session), 'line.suspended', 'order', suspension.suspensionId, {
        customerId: line.value.customerId,
        changes: [{ field: 'suspension', before: null, after: 'suspended' }],
      });
      return reply.code(202).send({ suspension, keepNumberFeeFen: ctx.catalog.keepNumberFeeFen });
    },
  );

  r.post(
    '/api/v1/lines/:msisdn/suspension/resume',
    {
      schema: {
        tags: ['care'],
        summary: 'Resume a suspended line (复机): the plan again, from now',
        params: Params,
        body: Body,
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const session = who(request);
      const { msisdn } = request.params;
      const line = await loadLine(ctx, session, msisdn);
      const was = line.value.suspension;
      if (!was) throw new ApiError('INVALID_STATE', 'the line is not suspended', '/msisdn');
      const resumeId = stableId('resume', msisdn, request.body.requestId);
      await resumeLine(ctx, line, resumeId, actorOf(session));
      return { resumed: true, suspensionId: was.suspensionId, suspendedSinceMs: was.sinceMs };
    },
  );
}
