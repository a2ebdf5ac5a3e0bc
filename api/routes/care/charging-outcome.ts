import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { planChangeKey } from '../../../domain/rating/index.ts';
import { noticeId } from '../../../processors/notify/index.ts';
import { E164 } from '../../schemas.ts';
import { staffAndCustomer, who, type CareContext } from './context.ts';
import { loadLine } from './customer-view.ts';

const Kind = Type.Union([Type.Literal('add-on'), Type.Literal('plan-change')]);
const Outcome = Type.Object({
  state: Type.Union([Type.Literal('pending'), Type.Literal('applied'), Type.Literal('refused')]),
  /** What the customer was told (SMS), in their language. */
  text: Type.Optional(Type.String()),
  atMs: Type.Optional(Type.Integer()),
});

/** The notice key charging gives the outcome of each kind of request (domain/rating). */
const keyOf = { 'add-on': (id: string) => `addon:${id}`, 'plan-change': planChangeKey };

/**
 * What charging made of a request care accepted (202): the API checks against charging's state
 * as saved a few seconds earlier, so charging can still refuse (a renewal bought periods ahead a
 * moment before, a balance spent meanwhile). Charging answers every request with one notice to
 * the customer, keyed by the request; this reads it back for the screen that sent the request:
 * `pending` until charging has decided, then `applied` or `refused` with the SMS text.
 */
export function chargingOutcomeRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/lines/:msisdn/outcomes/:kind/:id',
    {
      schema: {
        tags: ['care'],
        summary:
          'What charging made of an accepted add-on purchase or plan change: pending, applied or refused',
        params: Type.Object(
          { msisdn: E164, kind: Kind, id: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }) },
          { additionalProperties: false },
        ),
        response: { 200: Outcome },
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const { msisdn, kind, id } = request.params;
      const line = await loadLine(ctx, who(request), msisdn);
      const n = await ctx.outbox.find(line.value.customerId, noticeId({ key: keyOf[kind](id) }));
      if (!n) return { state: 'pending' as const };
      return {
        state: n.template.endsWith('_refused') ? ('refused' as const) : ('applied' as const),
        text: n.text,
        atMs: n.createdAtMs,
      };
    },
  );
}
