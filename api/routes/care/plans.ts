import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { comparePlans, planSummaries, suggestPlan } from '../../../domain/orders/index.ts';
import { NotFoundError } from '../../errors.ts';
import { staffAndCustomer, type CareContext } from './context.ts';

export function planOf(ctx: CareContext, planId: string) {
  const p = planSummaries(ctx.catalog, ctx.deps.clock.nowMs()).find((x) => x.planId === planId);
  if (!p) throw new NotFoundError(`no plan ${planId} in the catalog`);
  return p;
}

/** Plan selection (资费方案选择): the catalog, and a comparison against expected usage. */
import { maxSuspensionDays } from './suspension-store.ts';

export function planRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/plans',
    {
      schema: {
        tags: ['care'],
        summary: 'Plans on sale now, cheapest first, and the monthly fee of a suspended line (停机保号)',
      },
      config: { roles: staffAndCustomer },
    },
    async () => ({
      plans: comparePlans(planSummaries(ctx.catalog, ctx.deps.clock.nowMs()), {
        voiceMin: 0,
        dataMb: 0,
        sms: 0,
      }).map(({ fits: _f, shortfall: _s, ...p }) => p),
      keepNumberFeeFen: ctx.catalog.keepNumberFeeFen,
      /** The longest a 停机保号 may last (预约复机 at the latest). */
      suspensionMaxDays: maxSuspensionDays(ctx),
    }),
  );
  r.post(
    '/api/v1/plans/compare',
    {
      schema: {
        tags: ['care'],
        summary: 'Compare plans with expected monthly usage and suggest the cheapest that fits',
        body: Type.Object(
          {
            voiceMin: Type.Integer({ minimum: 0, maximum: 100_000 }),
            dataMb: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
            sms: Type.Integer({ minimum: 0, maximum: 100_000 }),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const plans = planSummaries(ctx.catalog, ctx.deps.clock.nowMs());
      return { suggestion: suggestPlan(plans, request.body), plans: comparePlans(plans, request.body) };
    },
  );
}
