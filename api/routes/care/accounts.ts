import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { checkPassword, passwordRuleText } from '../../../domain/customer/index.ts';
import { Kvm } from '@nats-io/kv';
import { AuthStore, hashPassword, verifyPassword } from '../../auth/index.ts';
import { ApiError, NotFoundError, UnauthenticatedError, ValidationError } from '../../errors.ts';
import { E164, Username } from '../../schemas.ts';
import { who, type CareContext } from './context.ts';
import { actorOf } from './recorder.ts';
import { customerByMsisdn } from './customer-view.ts';

const Registration = Type.Object(
  {
    username: Username,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    phone: E164,
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    passwordConfirm: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

/**
 * Account registration (账户注册) for the online business hall. Public (a customer registers
 * themselves) but rate-limited; the phone and name must match a registered customer.
 */
export function accountRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const storeP = AuthStore.open(ctx.deps.nats.nc, ctx.deps.clock);
  r.post(
    '/api/v1/accounts',
    {
      schema: {
        tags: ['care'],
        summary: 'Business-hall account registration (账户注册)',
        body: Registration,
      },
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      const b = request.body;
      const broken = checkPassword(b.password, { phone: b.phone, username: b.username });
      const first = broken[0];
      if (first)
        throw new ValidationError(
          '/password',
          `${first}: ${passwordRuleText[first].en} / ${passwordRuleText[first]['zh-CN']}`,
        );
      if (b.password !== b.passwordConfirm)
        throw new ValidationError('/passwordConfirm', 'does not match the password / 两次输入的密码不一致');
      const c = await customerByMsisdn(ctx, b.phone);
      if (!c || c.value.name !== b.name)
        throw new NotFoundError('no customer with that phone and name; register at a business hall first');
      const store = await storeP;
      const created = await store.createUser({
        username: b.username,
        role: 'customer',
        passwordHash: await hashPassword(b.password),
        customerMsisdn: b.phone,
      });
      if (!created) throw new ApiError('DUPLICATE', 'that username is taken', '/username');
      await ctx.recorder.audit(
        { userId: b.username, role: 'customer' },
        'account.registered',
        'account',
        b.username,
        {
          customerId: c.value.customerId,
        },
      );
      return reply.code(201).send({ username: b.username, customerId: c.value.customerId });
    },
  );

  r.post(
    '/api/v1/accounts/password',
    {
      schema: {
        tags: ['care'],
        summary: 'Change my business-hall password (audited; the strength rule applies)',
        body: Type.Object(
          {
            currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
            newPassword: Type.String({ minLength: 1, maxLength: 256 }),
            newPasswordConfirm: Type.String({ minLength: 1, maxLength: 256 }),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: ['customer'], rateLimit: { max: 5, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      const session = who(request);
      const b = request.body;
      const store = await storeP;
      const user = await store.getUser(session.username);
      if (!user || !(await verifyPassword(b.currentPassword, user.passwordHash)))
        throw new UnauthenticatedError('the current password is wrong');
      const broken = checkPassword(b.newPassword, {
        phone: user.customerMsisdn ?? '',
        username: user.username,
      })[0];
      if (broken)
        throw new ValidationError(
          '/newPassword',
          `${broken}: ${passwordRuleText[broken].en} / ${passwordRuleText[broken]['zh-CN']}`,
        );
      if (b.newPassword !== b.newPasswordConfirm)
        throw new ValidationError('/newPasswordConfirm', 'does not match / 两次输入的密码不一致');
      const kv = await new Kvm(ctx.deps.nats.nc).open('users');
      const e = await kv.get(user.username);
      if (!e) throw new NotFoundError('no such account');
      const next = { ...user, passwordHash: await hashPassword(b.newPassword) };
      try {
        await kv.update(user.username, new TextEncoder().encode(JSON.stringify(next)), e.revision);
      } catch {
        throw new ApiError('REVISION_CONFLICT', 'the account changed meanwhile; retry', '/currentPassword');
      }
      const c = user.customerMsisdn ? await customerByMsisdn(ctx, user.customerMsisdn) : null;
      await ctx.recorder.audit(actorOf(session), 'account.password_changed', 'account', user.username, {
        ...(c ? { customerId: c.value.customerId } : {}),
        changes: [{ field: 'password', before: '***', after: '***' }],
      });
      if (c) await ctx.notice(c.value, 'profile_changed', { fields: 'password' });
      return reply.code(204).send();
    },
  );
}
