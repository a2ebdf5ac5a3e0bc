import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { checkPassword, passwordRuleText } from '../../../domain/customer/index.ts';
import { AuthStore, hashPassword } from '../../auth/index.ts';
import { ApiError, NotFoundError, ValidationError } from '../../errors.ts';
import { E164, Username } from '../../schemas.ts';
import type { CareContext } from './context.ts';
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
}
