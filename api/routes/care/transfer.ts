import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { shanghaiIso } from '../../../domain/catalog/index.ts';
import { stableId } from '../../../domain/index.ts';
import { transferRefusal } from '../../../domain/orders/index.ts';
import { AuthStore } from '../../auth/index.ts';
import { ApiError, NotFoundError, ValidationError } from '../../errors.ts';
import { maskPhone } from '../../../domain/customer/index.ts';
import { E164 } from '../../schemas.ts';
import { chargingStateOf } from './balance.ts';
import { refusalError, staff, who, type CareContext } from './context.ts';
import { CustomerId, customerKey, loadCustomer, loadLine, mobileKey } from './customer-view.ts';
import { indexLine } from './line-index.ts';
import { actorOf } from './recorder.ts';
import { Channel, type CustomerRecord, type LineRecord } from './records.ts';
import { msisdnKey } from './store.ts';

const Params = Type.Object({ msisdn: E164 }, { additionalProperties: false });
const Body = Type.Object(
  {
    toCustomerId: CustomerId,
    channel: Channel,
    requestId: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
    idsChecked: Type.Literal(true, {
      description: 'the agent checked the ID documents of both the owner and the new owner',
    }),
    reason: Type.Optional(Type.String({ maxLength: 200 })),
    /** The old owner's contact number from now on: required when it was this line. */
    ownerNewMobile: Type.Optional(E164),
  },
  { additionalProperties: false },
);

/**
 * 过户: at the counter, with both parties' IDs checked, a line moves to another customer. The
 * number, plan, balance and history stay with the line; a line inside its contract term, with
 * rented devices out, unsettled charges or reported lost is refused, naming why. The new owner's
 * index entry is written first, then the line record by compare-and-set (the old owner's entry
 * then drops out on read). Both are told by SMS and both timelines record it.
 */
export function transferRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const auth = AuthStore.open(ctx.deps.nats.nc, ctx.deps.clock);
  auth.catch(() => undefined); // reported by the first transfer that needs it
  app.addHook('onClose', async () => (await auth.catch(() => null))?.close());
  r.post(
    '/api/v1/lines/:msisdn/transfer',
    {
      schema: {
        tags: ['care'],
        summary: 'Transfer a line to another customer (过户), both IDs checked at the counter',
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
      const transferId = stableId('xfer', msisdn, b.requestId);
      if (line.value.transfer?.transferId === transferId) {
        // done before and the answer was lost: what followed the line's write may not have run
        await (await auth).revokeNumber(msisdn);
        if (b.ownerNewMobile)
          await moveContact(ctx, session, line.value.transfer.fromCustomerId, msisdn, b.ownerNewMobile);
        return reply.code(200).send({ transfer: line.value.transfer, customerId: line.value.customerId });
      }
      const to = await loadCustomer(ctx, session, b.toCustomerId).catch((err: unknown) => {
        if (err instanceof NotFoundError)
          throw new ApiError('NOT_FOUND', `no customer ${b.toCustomerId}`, '/toCustomerId');
        throw err;
      });
      const now = ctx.deps.clock.nowMs();
      const state = await chargingStateOf(ctx, msisdn);
      const refusal = transferRefusal({
        lineStatus: line.value.status,
        fromCustomerId: line.value.customerId,
        toCustomerId: to.value.customerId,
        contractEndMs: line.value.contractEndMs,
        devicesOutstanding: line.value.devicesOutstanding.length,
        balanceFen: state?.balanceFen ?? null,
        lost: line.value.loss !== undefined,
        nowMs: now,
      });
      if (refusal) throw refusalError(refusal);
      const transfer: NonNullable<LineRecord['transfer']> = {
        transferId,
        fromCustomerId: line.value.customerId,
        atMs: now,
        by: session.username,
        channel: b.channel,
      };
      const from = await ctx.customers.must(customerKey(line.value.customerId));
      if (from.value.mobile === msisdn)
        await claimContact(ctx, from.value.customerId, msisdn, b.ownerNewMobile);
      await indexLine(ctx, to.value.customerId, msisdn);
      // compare-and-set: a line that changed since it was checked answers 409, nothing moved
      await ctx.lines.update(
        msisdnKey(msisdn),
        { ...line.value, customerId: to.value.customerId, transfer },
        line.revision,
      );
      // the old owner is reached at their new number from now on (the line is someone else's)
      const fromNow =
        from.value.mobile === msisdn && b.ownerNewMobile
          ? await moveContact(ctx, session, from.value.customerId, msisdn, b.ownerNewMobile)
          : from.value;
      // hall logins on this number were the old owner's: they end, with their sessions
      const revoked = await (await auth).revokeNumber(msisdn);
      await record(ctx, session, msisdn, transfer, to.value, b.reason);
      for (const username of revoked)
        await ctx.recorder.audit(actorOf(session), 'account.revoked', 'account', username, {
          customerId: transfer.fromCustomerId,
          reason: `line ${msisdn} transferred (${transfer.transferId})`,
          eventId: `${transfer.transferId}.revoke.${username}`,
        });
      const time = shanghaiIso(now).slice(0, 16).replace('T', ' ');
      await ctx.notice(fromNow, 'line_transferred_out', { msisdn, time }, transferId);
      await ctx.notice(to.value, 'line_transferred_in', { msisdn, time }, transferId);
      return reply
        .code(201)
        .send({ transfer, customerId: to.value.customerId, accountsRevoked: revoked.length });
    },
  );
}

async function record(
  ctx: CareContext,
  session: ReturnType<typeof who>,
  msisdn: string,
  t: NonNullable<LineRecord['transfer']>,
  to: CustomerRecord,
  reason: string | undefined,
): Promise<void> {
  await ctx.recorder.order({
    orderId: t.transferId,
    customerId: to.customerId,
    kind: 'transfer',
    toState: 'completed',
    channel: t.channel,
    ...(reason ? { reason } : {}),
  });
  const why = `both IDs checked at the counter${reason ? `; ${reason}` : ''}`;
  const change = (before: string | null, after: string | null) => [{ field: 'line', before, after }];
  await ctx.recorder.audit(actorOf(session), 'line.transferred_out', 'customer', t.fromCustomerId, {
    customerId: t.fromCustomerId,
    changes: change(msisdn, null),
    reason: `to ${to.customerId}; ${why}`,
    eventId: `${t.transferId}.out`,
  });
  await ctx.recorder.audit(actorOf(session), 'line.transferred_in', 'customer', to.customerId, {
    customerId: to.customerId,
    changes: change(null, msisdn),
    reason: `from ${t.fromCustomerId}; ${why}`,
    eventId: `${t.transferId}.in`,
  });
}

/**
 * The old owner's contact number was the line: they need another before it changes hands, or
 * their notices would reach the new owner. Claims the new number for them (one number, one
 * customer), before anything moves.
 */
async function claimContact(
  ctx: CareContext,
  customerId: string,
  msisdn: string,
  next: string | undefined,
): Promise<void> {
  if (!next || next === msisdn)
    throw new ValidationError(
      '/ownerNewMobile',
      "the owner's contact number is this line: give the number they can be reached at from now on",
    );
  const taken = await ctx.index.create(mobileKey(next), { customerId });
  if (taken === null && (await ctx.index.get(mobileKey(next)))?.value.customerId !== customerId)
    throw new ApiError('DUPLICATE', 'that number is another customer’s contact number', '/ownerNewMobile');
}

/** Moves the old owner's contact number off the line (audited); answers their record as it now is. */
async function moveContact(
  ctx: CareContext,
  session: ReturnType<typeof who>,
  customerId: string,
  msisdn: string,
  next: string,
): Promise<CustomerRecord> {
  const now = ctx.deps.clock.nowMs();
  let moved = false;
  const c = await ctx.customers.mutate(customerKey(customerId), (cur) => {
    if (!cur) throw new NotFoundError(`no customer ${customerId}`);
    moved = cur.mobile === msisdn;
    return moved ? { ...cur, mobile: next, updatedAtMs: now } : cur;
  });
  if (!moved) return c.value;
  await ctx.index.kv.delete(mobileKey(msisdn));
  await ctx.recorder.audit(actorOf(session), 'customer.changed', 'customer', customerId, {
    customerId,
    changes: [{ field: 'mobile', before: maskPhone(msisdn), after: maskPhone(next) }],
    reason: `line ${maskPhone(msisdn)} transferred to another owner`,
  });
  return c.value;
}
