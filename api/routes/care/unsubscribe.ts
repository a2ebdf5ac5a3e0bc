import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { compile } from '../../../domain/index.ts';
import { reviewUnsubscribe } from '../../../domain/orders/index.ts';
import { PipelinedPublisher } from '../../../infra/nats/index.ts';
import { sendLineClosure } from '../../../processors/rating/index.ts';
import { ApiError } from '../../errors.ts';
import { E164 } from '../../schemas.ts';
import { staff, staffAndCustomer, who, type CareContext } from './context.ts';
import { customerKey, loadCustomer, loadLine } from './customer-view.ts';
import { actorOf } from './recorder.ts';
import { Channel } from './records.ts';
import { msisdnKey, Repo } from './store.ts';
import { balanceReader } from './balance.ts';
import { lineOut } from './line-index.ts';

const Reason = Type.Object({
  code: Type.String(),
  text: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
});
const UnsubscribeRecord = Type.Object({
  orderId: Type.String({ maxLength: 64 }),
  msisdn: Type.String({ maxLength: 16 }),
  customerId: Type.String({ maxLength: 64 }),
  channel: Channel,
  state: Type.Union(['applied', 'approved', 'rejected', 'completed'].map((v) => Type.Literal(v))),
  reason: Type.String({ maxLength: 500 }),
  review: Type.Optional(Type.Array(Reason, { maxItems: 10 })),
  finalBalanceFen: Type.Optional(Type.Integer()),
  appliedAtMs: Type.Integer(),
  updatedAtMs: Type.Integer(),
});
type UnsubscribeRecord = Static<typeof UnsubscribeRecord>;
const key = (id: string) => `uns.${id}`;
const Params = Type.Object(
  { orderId: Type.String({ pattern: '^uns-[A-Za-z0-9_-]{1,40}$' }) },
  { additionalProperties: false },
);

/** Unsubscribe (用户退订): application → eligibility review with reasons → execution → notice. */
export function unsubscribeRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const repo = new Repo(ctx.orders.kv, compile(UnsubscribeRecord), 'unsubscribe order');
  const balance = balanceReader(ctx);
  const { clock, ids } = ctx.deps;
  const publisher = new PipelinedPublisher(ctx.deps.nats.js, 4);

  const step = async (
    rec: UnsubscribeRecord,
    revision: number,
    next: UnsubscribeRecord,
    actor: ReturnType<typeof actorOf>,
  ) => {
    const rev = await repo.update(key(rec.orderId), next, revision);
    await ctx.recorder.order({
      orderId: rec.orderId,
      customerId: rec.customerId,
      kind: 'unsubscribe',
      fromState: rec.state,
      toState: next.state,
      channel: rec.channel,
      ...(next.review?.length ? { reason: next.review.map((x) => x.code).join(',') } : {}),
    });
    await ctx.recorder.audit(actor, `unsubscribe.${next.state}`, 'order', rec.orderId, {
      customerId: rec.customerId,
      changes: [{ field: 'state', before: rec.state, after: next.state }],
    });
    return { ...next, revision: rev };
  };

  r.post(
    '/api/v1/unsubscribe',
    {
      schema: {
        tags: ['care'],
        summary: 'Apply to close a line (online or at the counter)',
        body: Type.Object(
          { msisdn: E164, channel: Channel, reason: Type.String({ minLength: 1, maxLength: 500 }) },
          { additionalProperties: false },
        ),
      },
      config: { roles: staffAndCustomer },
    },
    async (request, reply) => {
      const session = who(request);
      const b = request.body;
      const line = await loadLine(ctx, session, b.msisdn);
      const now = clock.nowMs();
      const rec: UnsubscribeRecord = {
        orderId: ids.next('uns'),
        msisdn: b.msisdn,
        customerId: line.value.customerId,
        channel: b.channel,
        state: 'applied',
        reason: b.reason,
        appliedAtMs: now,
        updatedAtMs: now,
      };
      const rev = await repo.create(key(rec.orderId), rec);
      await ctx.recorder.order({
        orderId: rec.orderId,
        customerId: rec.customerId,
        kind: 'unsubscribe',
        toState: 'applied',
        channel: rec.channel,
        reason: b.reason,
      });
      await ctx.recorder.audit(actorOf(session), 'unsubscribe.applied', 'order', rec.orderId, {
        customerId: rec.customerId,
        reason: b.reason,
      });
      return reply.code(201).send({ ...rec, revision: rev });
    },
  );

  r.get(
    '/api/v1/unsubscribe/:orderId',
    { schema: { tags: ['care'], params: Params }, config: { roles: staffAndCustomer } },
    async (request) => {
      const u = await repo.must(key(request.params.orderId));
      await loadCustomer(ctx, who(request), u.value.customerId);
      return { ...u.value, revision: u.revision };
    },
  );

  r.post(
    '/api/v1/unsubscribe/:orderId/review',
    {
      schema: {
        tags: ['care'],
        summary: 'Eligibility review: outstanding balance, contract term, devices to return',
        params: Params,
      },
      config: { roles: staff },
    },
    async (request) => {
      const u = await repo.must(key(request.params.orderId));
      if (u.value.state !== 'applied' && u.value.state !== 'rejected')
        throw new ApiError('INVALID_STATE', `the application is ${u.value.state}`);
      const line = await ctx.lines.must(msisdnKey(u.value.msisdn));
      const b = await balance(u.value.msisdn);
      const now = clock.nowMs();
      const review = reviewUnsubscribe({
        lineStatus: line.value.status,
        balanceFen: b?.balanceFen ?? 0,
        contractEndMs: line.value.contractEndMs,
        devicesOutstanding: line.value.devicesOutstanding,
        nowMs: now,
      });
      const next: UnsubscribeRecord = {
        ...u.value,
        state: review.eligible ? 'approved' : 'rejected',
        review: review.reasons,
        updatedAtMs: now,
      };
      return step(u.value, u.revision, next, actorOf(who(request)));
    },
  );

  r.post(
    '/api/v1/unsubscribe/:orderId/execute',
    {
      schema: {
        tags: ['care'],
        summary: 'Close the line, take the final bill, notify the customer',
        params: Params,
      },
      config: { roles: staff },
    },
    async (request) => {
      const u = await repo.must(key(request.params.orderId));
      if (u.value.state !== 'approved')
        throw new ApiError('NOT_ELIGIBLE', `the application is ${u.value.state}; review it first`);
      const now = clock.nowMs();
      const finalBalanceFen = (await balance(u.value.msisdn))?.balanceFen ?? 0;
      // charging first (no fee, no usage from now): a retry after a failed write below sends the
      // same closure id, which changes nothing there
      await sendLineClosure(publisher, ctx.deps.config.CDR_PARTITIONS, {
        closureId: u.value.orderId,
        msisdn: u.value.msisdn,
        reason: 'unsubscribe',
        atMs: now,
      });
      await ctx.lines.mutate(msisdnKey(u.value.msisdn), (cur) => {
        if (!cur) throw new ApiError('NOT_FOUND', 'no such line');
        return { ...cur, status: 'closed', closedAtMs: now };
      });
      const out = await step(
        u.value,
        u.revision,
        { ...u.value, state: 'completed', finalBalanceFen, updatedAtMs: now },
        actorOf(who(request)),
      );
      const c = await ctx.customers.get(customerKey(u.value.customerId));
      if (c)
        // the money is told by charging once it has settled the account (processors/notify)
        await ctx.notice(c.value, 'unsubscribe_done', { msisdn: u.value.msisdn });
      return out;
    },
  );

  r.post(
    '/api/v1/lines/:msisdn/devices/return',
    {
      schema: {
        tags: ['care'],
        summary: 'Record a returned (rented) device',
        params: Type.Object({ msisdn: E164 }, { additionalProperties: false }),
        body: Type.Object(
          { model: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) },
          { additionalProperties: false },
        ),
      },
      config: { roles: staff },
    },
    async (request) => {
      const line = await ctx.lines.mutate(msisdnKey(request.params.msisdn), (cur) => {
        if (!cur) throw new ApiError('NOT_FOUND', 'no such line');
        const i = cur.devicesOutstanding.indexOf(request.body.model);
        if (i < 0)
          throw new ApiError(
            'INVALID_STATE',
            `${request.body.model} is not outstanding on this line`,
            '/model',
          );
        return { ...cur, devicesOutstanding: cur.devicesOutstanding.filter((_, j) => j !== i) };
      });
      await ctx.recorder.audit(
        actorOf(who(request)),
        'line.device_returned',
        'order',
        msisdnKey(request.params.msisdn),
        {
          customerId: line.value.customerId,
          changes: [{ field: 'devicesOutstanding', before: request.body.model, after: null }],
        },
      );
      return lineOut(line.value);
    },
  );
}
