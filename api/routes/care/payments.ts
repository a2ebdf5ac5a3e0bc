import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { formatYuan, stableId } from '../../../domain/index.ts';
import { ApiError, NotFoundError, ValidationError } from '../../errors.ts';
import { E164, RequestId } from '../../schemas.ts';
import { assertOwnMsisdn, staffAndCustomer, who, type CareContext } from './context.ts';
import { customerByMsisdn, loadCustomer } from './customer-view.ts';
import type { OnlineMethod } from './gateway.ts';
import { planOf } from './plans.ts';
import { actorOf, type Actor } from './recorder.ts';
import { Channel, type LineRecord } from './records.ts';
import { msisdnKey } from './store.ts';
import { claimNumber, indexLine, releaseNumber } from './line-index.ts';
import { balanceReader, chargingStateOf, isProvisioned, provisionForCharging } from './balance.ts';

const OnlineMethodSchema = Type.Union([
  Type.Literal('alipay'),
  Type.Literal('wechat_pay'),
  Type.Literal('bank_card'),
]);
const PayerAccount = Type.String({
  pattern: '^[A-Za-z0-9@._-]{4,64}$',
  description: 'Alipay/WeChat account or card token',
});
const Amount = Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'integer fen (分)' });

interface PayInput {
  paymentId: string;
  msisdn: string;
  amountFen: number;
  method: OnlineMethod | 'cash';
  payerAccount?: string;
  purpose: 'order' | 'renewal';
  orderId?: string;
  channel: 'counter' | 'web' | 'app' | 'phone';
  actor: Actor;
}

/** Charges through the gateway (or takes cash at the counter) and publishes the PaymentEvent. */
async function pay(ctx: CareContext, p: PayInput): Promise<'succeeded' | 'failed' | 'timeout'> {
  let outcome: 'succeeded' | 'failed' | 'timeout' = 'succeeded';
  let reason: string | undefined;
  if (p.method !== 'cash') {
    const r = await ctx.payments.charge({
      paymentId: p.paymentId,
      method: p.method,
      payerAccount: p.payerAccount ?? '',
      amountFen: p.amountFen,
    });
    outcome = r.status;
    if (r.status === 'failed') reason = r.reason;
  }
  await ctx.recorder.payment({
    type: `payment.${outcome}`,
    paymentId: p.paymentId,
    msisdn: p.msisdn,
    amountFen: p.amountFen,
    method: p.method,
    purpose: p.purpose,
    ...(p.orderId ? { orderId: p.orderId } : {}),
    channel: p.channel,
    actor: p.actor,
  });
  await ctx.recorder.audit(p.actor, `payment.${outcome}`, 'payment', p.paymentId, {
    changes: [{ field: 'amountFen', before: null, after: String(p.amountFen) }],
    ...(reason ? { reason } : {}),
  });
  return outcome;
}

function payError(outcome: 'failed' | 'timeout', paymentId: string): ApiError {
  return outcome === 'timeout'
    ? new ApiError(
        'PAYMENT_TIMEOUT',
        `the payment gateway did not answer for ${paymentId}; retry (the same payment is never charged twice)`,
      )
    : new ApiError(
        'PAYMENT_FAILED',
        `the payment ${paymentId} was declined; choose another method or account`,
        '/payerAccount',
      );
}

/** Internet pre-opening (上网预开户) and renewal (用户续费): both pay through the gateway. */
export function paymentRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { clock } = ctx.deps;
  const balance = balanceReader(ctx);
  /**
   * A closed line renews nothing: it takes only what it still owes (its final bill). Money beyond
   * that would be paid straight back by charging, so it is refused here, naming the amount.
   */
  const assertPayableIfClosed = async (msisdn: string, amountFen: number) => {
    if ((await ctx.lines.get(msisdnKey(msisdn)))?.value.status !== 'closed') return;
    // as charging holds it (or will start it, for a line never rated): a closed line rolls no further
    const owedFen = Math.max(0, -((await chargingStateOf(ctx, msisdn))?.balanceFen ?? 0));
    if (owedFen === 0)
      throw new ApiError(
        'INVALID_STATE',
        `${msisdn} is closed and owes nothing: there is nothing to pay`,
        '/msisdn',
      );
    if (amountFen > owedFen)
      throw new ValidationError(
        '/amountFen',
        `${msisdn} is closed: it takes only what it owes, ${formatYuan(owedFen)} yuan at most`,
      );
  };

  r.post(
    '/api/v1/preopen',
    {
      schema: {
        tags: ['care'],
        summary: 'Internet pre-opening: confirmed customer data, a package, and an online payment',
        body: Type.Object(
          {
            customerId: Type.String({ pattern: '^cus-[A-Za-z0-9_-]{1,40}$' }),
            msisdn: E164,
            planId: Type.String({ minLength: 1, maxLength: 64 }),
            method: OnlineMethodSchema,
            payerAccount: PayerAccount,
            amountFen: Amount,
            customerDataConfirmed: Type.Literal(true, { description: 'the customer confirmed their data' }),
            attempt: Type.Integer({
              minimum: 1,
              maximum: 20,
              default: 1,
              description: 'raise to retry after a failure',
            }),
            channel: Channel,
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: staffAndCustomer },
    },
    async (request, reply) => {
      const b = request.body;
      const session = who(request);
      const customer = await loadCustomer(ctx, session, b.customerId);
      const plan = planOf(ctx, b.planId);
      const orderId = stableId('pre', b.customerId, b.msisdn, b.planId);
      // held before the payment, so an order for the same number cannot slip in meanwhile
      await claimNumber(ctx, b.msisdn, orderId);
      const paymentId = stableId('pay', orderId, b.attempt);
      const outcome = await pay(ctx, {
        paymentId,
        msisdn: b.msisdn,
        amountFen: b.amountFen,
        method: b.method,
        payerAccount: b.payerAccount,
        purpose: 'order',
        orderId,
        channel: b.channel,
        actor: actorOf(session),
      });
      await ctx.recorder.order({
        orderId,
        customerId: b.customerId,
        kind: 'pre_open',
        toState: outcome === 'succeeded' ? 'pre_opened' : `payment_${outcome}`,
        channel: b.channel,
        eventId: `${paymentId}.order`,
      });
      if (outcome !== 'succeeded') {
        // declined: the number is free again; a timeout keeps it for the retry (stale after
        // CLAIM_GRACE_MS if none comes)
        if (outcome === 'failed') await releaseNumber(ctx, b.msisdn, orderId);
        throw payError(outcome, paymentId);
      }
      const line: LineRecord = {
        msisdn: b.msisdn,
        customerId: b.customerId,
        status: 'pre_opened',
        planId: b.planId,
        openedAtMs: clock.nowMs(),
        contractEndMs: null,
        devicesOutstanding: [],
      };
      await indexLine(ctx, b.customerId, b.msisdn);
      await ctx.lines.mutate(msisdnKey(b.msisdn), () => line);
      await provisionForCharging(ctx, b.msisdn, b.planId, line.openedAtMs);
      await ctx.notice(customer.value, 'preopen_done', {
        msisdn: b.msisdn,
        plan: plan.name[customer.value.locale],
        amount: formatYuan(b.amountFen),
      });
      return reply.code(201).send({ orderId, paymentId, status: 'pre_opened', line });
    },
  );

  r.get(
    '/api/v1/subscribers/:msisdn/renewal',
    {
      schema: {
        tags: ['care'],
        summary: 'Expiry and balance for renewal (from the charging engine when it knows the line)',
        params: Type.Object({ msisdn: E164 }, { additionalProperties: false }),
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      assertOwnMsisdn(who(request), request.params.msisdn);
      const b = await balance(request.params.msisdn);
      if (!b) return { msisdn: request.params.msisdn, known: false };
      return {
        msisdn: request.params.msisdn,
        known: true,
        expiresAtMs: b.periodEndMs,
        paidPeriodsAhead: b.paidPeriodsAhead,
        balanceFen: b.balanceFen,
        planId: b.planId,
        // a closed line renews nothing; it takes only what it owes
        ...(b.closedAtMs !== undefined ? { closedAtMs: b.closedAtMs } : {}),
      };
    },
  );

  r.post(
    '/api/v1/subscribers/:msisdn/renewals',
    {
      schema: {
        tags: ['care'],
        summary:
          'Pay a renewal online or at the counter; charging extends validity when it applies the payment',
        params: Type.Object({ msisdn: E164 }, { additionalProperties: false }),
        body: Type.Object(
          {
            requestId: RequestId('idempotency key: the same request never pays twice'),
            amountFen: Amount,
            method: Type.Union([OnlineMethodSchema, Type.Literal('cash')]),
            payerAccount: Type.Optional(PayerAccount),
            channel: Channel,
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
      assertOwnMsisdn(session, msisdn);
      if (b.method === 'cash' && session.role === 'customer')
        throw new ValidationError('/method', 'cash is taken at the counter only');
      if (b.method !== 'cash' && !b.payerAccount)
        throw new ValidationError('/payerAccount', 'required for online payment');
      // No money is taken for a number charging does not know: it could never be applied.
      if (!(await isProvisioned(ctx, msisdn)) && !(await balance(msisdn)))
        throw new NotFoundError(`no line ${msisdn} to renew`);
      await assertPayableIfClosed(msisdn, b.amountFen);
      const paymentId = stableId('pay', 'renewal', msisdn, b.requestId);
      const outcome = await pay(ctx, {
        paymentId,
        msisdn,
        amountFen: b.amountFen,
        method: b.method,
        ...(b.payerAccount ? { payerAccount: b.payerAccount } : {}),
        purpose: 'renewal',
        channel: b.channel,
        actor: actorOf(session),
      });
      if (outcome !== 'succeeded') throw payError(outcome, paymentId);
      const c = await customerByMsisdn(ctx, msisdn);
      if (c) await ctx.notice(c.value, 'renewal_paid', { msisdn, amount: formatYuan(b.amountFen) });
      const cur = await balance(msisdn);
      return reply
        .code(201)
        .send({ paymentId, status: 'succeeded', ...(cur ? { expiresAtMs: cur.periodEndMs } : {}) });
    },
  );
}
