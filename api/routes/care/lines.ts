import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../errors.ts';
import { E164 } from '../../schemas.ts';
import { staff, staffAndCustomer, who, type CareContext } from './context.ts';
import { CustomerId, loadCustomer, loadLine } from './customer-view.ts';
import { customerLines, formerLineView, indexLine, lineOut, lineView } from './line-index.ts';
import { actorOf } from './recorder.ts';
import { Channel, type LineRecord } from './records.ts';
import { msisdnKey } from './store.ts';
import { provisionedLine } from './balance.ts';

/**
 * A line's care record (status, plan, contract end, devices to return), read by the counter's
 * unsubscribe panel and the customer's own hall.
 *
 * Line owner registration (在网号码实名登记): a line that is live in the network (provisioned for
 * charging, e.g. migrated from an older system) but has no owner on record is put on a
 * customer, so care can serve it: unsubscribe, device returns, the customer's 360. The plan and
 * opening time are the network's; nothing is charged or provisioned. Registering the same line
 * to the same customer again answers the record (200); a line another customer holds is refused.
 */
export function lineRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/lines/:msisdn',
    {
      schema: {
        tags: ['care'],
        summary: "A line's care record: owner, status, plan, contract end, devices still to return",
        params: Type.Object({ msisdn: E164 }, { additionalProperties: false }),
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const line = await loadLine(ctx, who(request), request.params.msisdn);
      return { ...lineOut(line.value), revision: line.revision };
    },
  );
  r.get(
    '/api/v1/customers/:customerId/lines',
    {
      schema: {
        tags: ['care'],
        summary:
          "The customer's lines (open and closed), oldest first; numbers masked for staff until revealed",
        params: Type.Object({ customerId: CustomerId }, { additionalProperties: false }),
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const session = who(request);
      const customer = await loadCustomer(ctx, session, request.params.customerId);
      // the customer sees their own numbers; staff see them masked, as the profile's mobile,
      // and get them whole from the audited reveal (POST /customers/:id/reveal)
      const reveal = session.role === 'customer';
      const { lines, former } = await customerLines(ctx, customer.value.customerId);
      return {
        lines: lines.map((l) => lineView(ctx, l, reveal)),
        former: former.map((l) => formerLineView(l, reveal)),
        masked: !reveal,
      };
    },
  );
  r.post(
    '/api/v1/lines/:msisdn/owner',
    {
      schema: {
        tags: ['care'],
        summary: 'Register the owner of a line that is live in the network but has no owner on record',
        params: Type.Object({ msisdn: E164 }, { additionalProperties: false }),
        body: Type.Object({ customerId: CustomerId, channel: Channel }, { additionalProperties: false }),
      },
      config: { roles: staff },
    },
    async (request, reply) => {
      const { msisdn } = request.params;
      const session = who(request);
      const customer = await loadCustomer(ctx, session, request.body.customerId);
      const network = await provisionedLine(ctx, msisdn);
      if (!network)
        throw new ApiError(
          'NOT_FOUND',
          `${msisdn} is not live in the network; open it with a new order`,
          '/msisdn',
        );
      await indexLine(ctx, customer.value.customerId, msisdn);
      let created = false;
      const line = await ctx.lines.mutate(msisdnKey(msisdn), (cur) => {
        created = false;
        if (cur && cur.status !== 'closed') {
          if (cur.customerId === customer.value.customerId) return cur;
          throw new ApiError('DUPLICATE', `${msisdn} is already on record for another customer`, '/msisdn');
        }
        created = true;
        const next: LineRecord = {
          msisdn,
          customerId: customer.value.customerId,
          status: 'active',
          planId: network.planId,
          openedAtMs: network.activatedAtMs,
          contractEndMs: null,
          devicesOutstanding: [],
        };
        return next;
      });
      if (created)
        await ctx.recorder.audit(
          actorOf(session),
          'line.owner_registered',
          'customer',
          customer.value.customerId,
          {
            customerId: customer.value.customerId,
            changes: [{ field: 'line', before: null, after: msisdn }],
          },
        );
      return reply.code(created ? 201 : 200).send(lineOut(line.value));
    },
  );
}
