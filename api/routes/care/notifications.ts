import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { maskEmail, maskPhone } from '../../../domain/customer/index.ts';
import { staff, staffAndCustomer, who, type CareContext } from './context.ts';
import { loadCustomer } from './customer-view.ts';
import { actorOf } from './recorder.ts';
import type { NotificationRecord } from './records.ts';

const Params = Type.Object(
  { customerId: Type.String({ pattern: '^cus-[A-Za-z0-9_-]{1,40}$', maxLength: 44 }) },
  { additionalProperties: false },
);

const masked = (n: NotificationRecord, reveal: boolean) => ({
  ...n,
  to: reveal ? n.to : n.channel === 'sms' ? maskPhone(n.to) : maskEmail(n.to),
});

/** Notifications outbox: per-customer history with states, and retry of a failed notice. */
export function notificationRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/customers/:customerId/notifications',
    {
      schema: {
        tags: ['care'],
        summary: "A customer's notifications (SMS and e-mail), newest first",
        params: Params,
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const session = who(request);
      await loadCustomer(ctx, session, request.params.customerId);
      const list = await ctx.outbox.history(request.params.customerId);
      return { notifications: list.map((n) => masked(n, session.role === 'customer')) };
    },
  );
  r.post(
    '/api/v1/customers/:customerId/notifications/:notificationId/retry',
    {
      schema: {
        tags: ['care'],
        summary: 'Retry a failed notification',
        params: Type.Object(
          { ...Params.properties, notificationId: Type.String({ pattern: '^ntf-[A-Za-z0-9_-]{1,40}$' }) },
          { additionalProperties: false },
        ),
      },
      config: { roles: staff },
    },
    async (request) => {
      const session = who(request);
      const n = await ctx.outbox.retry(request.params.customerId, request.params.notificationId);
      await ctx.recorder.audit(
        actorOf(session),
        `notification.${n.state}`,
        'notification',
        n.notificationId,
        {
          customerId: n.customerId,
          ...(n.reason ? { reason: n.reason } : {}),
        },
      );
      return masked(n, false);
    },
  );
}
