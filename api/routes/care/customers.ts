import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  diffProfile,
  maskIdNumber,
  needsApproval,
  normaliseIdNumber,
} from '../../../domain/customer/index.ts';
import { ApiError, NotFoundError, ValidationError } from '../../errors.ts';
import { E164 } from '../../schemas.ts';
import { revealRateLimit } from '../../security/index.ts';
import { staff, staffAndCustomer, who, type CareContext } from './context.ts';
import {
  CustomerId,
  customerResponses,
  Email,
  IdNumber,
  Landline,
  Name,
  customerByMsisdn,
  customerKey,
  idKey,
  loadCustomer,
  viewCustomer,
  mobileKey,
  validateIdentity,
  view,
} from './customer-view.ts';
import { actorOf } from './recorder.ts';
import { customerLines, formerLineView, lineView } from './line-index.ts';
import { AddressSchema, Channel, IdType, Locale, ServiceType, type CustomerRecord } from './records.ts';

const NewCustomer = Type.Object(
  {
    name: Name,
    idType: IdType,
    idNumber: IdNumber,
    mobile: E164,
    landline: Type.Optional(Landline),
    email: Type.Optional(Email),
    address: AddressSchema,
    serviceType: ServiceType,
    locale: Type.Optional(Locale),
    channel: Channel,
  },
  { additionalProperties: false },
);

const Change = Type.Object(
  {
    revision: Type.Integer({ minimum: 1, description: 'the revision you read; 409 if it changed since' }),
    changes: Type.Object(
      {
        name: Type.Optional(Name),
        mobile: Type.Optional(E164),
        landline: Type.Optional(Landline),
        email: Type.Optional(Email),
        address: Type.Optional(AddressSchema),
        locale: Type.Optional(Locale),
        idType: Type.Optional(IdType),
        idNumber: Type.Optional(IdNumber),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

const Params = Type.Object({ customerId: CustomerId }, { additionalProperties: false });

export function customerRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { clock, ids } = ctx.deps;

  r.post(
    '/api/v1/customers',
    {
      schema: {
        tags: ['care'],
        summary:
          'Customer info entry (客户信息录入); an existing customer with the same ID is returned, not duplicated',
        body: NewCustomer,
      },
      config: { roles: staff },
    },
    async (request, reply) => {
      const b = request.body;
      const now = clock.nowMs();
      const birthDate = validateIdentity(b.idType, b.idNumber, now);
      const idNumber = normaliseIdNumber(b.idType, b.idNumber);
      const customerId = ids.next('cus');
      const rec: CustomerRecord = {
        customerId,
        name: b.name,
        idType: b.idType,
        idNumber,
        ...(birthDate ? { birthDate } : {}),
        mobile: b.mobile,
        ...(b.landline ? { landline: b.landline } : {}),
        ...(b.email ? { email: b.email } : {}),
        address: b.address,
        serviceType: b.serviceType,
        locale: b.locale ?? 'zh-CN',
        registeredAtMs: now,
        updatedAtMs: now,
      };
      // The record is written before the identity is claimed, so whoever wins the claim has a
      // record a concurrent loser can read; the loser withdraws its own and answers with it.
      const rev = await ctx.customers.create(customerKey(customerId), rec);
      if (rev === null) throw new ApiError('INTERNAL', 'customer id collision');
      if ((await ctx.index.create(idKey(b.idType, idNumber), { customerId })) === null) {
        await ctx.customers.kv.purge(customerKey(customerId));
        const existing = await ctx.index.must(idKey(b.idType, idNumber));
        const c = await ctx.customers.must(customerKey(existing.value.customerId));
        return reply.code(200).send({ created: false, customer: view(c.value, c.revision, false) });
      }
      if ((await ctx.index.create(mobileKey(b.mobile), { customerId })) === null)
        request.log.warn({ customerId }, 'mobile already indexed to another customer; keeping the first');
      const session = who(request);
      await ctx.recorder.customer({
        type: 'customer.registered',
        customerId,
        name: rec.name,
        idType: rec.idType,
        idNumberMasked: maskIdNumber(idNumber),
        mobile: rec.mobile,
        ...(rec.email ? { email: rec.email } : {}),
        channel: b.channel,
        actor: actorOf(session),
      });
      await ctx.recorder.audit(actorOf(session), 'customer.registered', 'customer', customerId, {
        customerId,
      });
      await ctx.notice(rec, 'customer_registered', { name: rec.name, customerId });
      return reply.code(201).send({ created: true, customer: view(rec, rev, false) });
    },
  );

  r.get(
    '/api/v1/customers/:customerId',
    {
      schema: {
        tags: ['care'],
        summary: 'Customer 360: masked unless it is your own record',
        params: Params,
        response: customerResponses,
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const session = who(request);
      const c = await viewCustomer(ctx, session, request.params.customerId);
      return view(c.value, c.revision, session.role === 'customer');
    },
  );

  r.get(
    '/api/v1/customers/me',
    {
      schema: {
        tags: ['care'],
        summary: "The signed-in customer's own record (the business hall's 我的资料), unmasked",
        response: customerResponses,
      },
      config: { roles: ['customer'] },
    },
    async (request) => {
      const session = who(request);
      const c = session.customerMsisdn ? await customerByMsisdn(ctx, session.customerMsisdn) : null;
      if (!c) throw new NotFoundError('no customer record is registered for this number yet');
      return view(c.value, c.revision, true);
    },
  );

  r.get(
    '/api/v1/customers',
    {
      schema: {
        tags: ['care'],
        summary: 'Find customers by phone, identity number or name',
        querystring: Type.Object(
          {
            phone: Type.Optional(E164),
            idType: Type.Optional(IdType),
            idNumber: Type.Optional(IdNumber),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: staff },
    },
    async (request) => {
      const q = request.query;
      if (q.phone) {
        const c = await customerByMsisdn(ctx, q.phone);
        return { customers: c ? [view(c.value, c.revision, false)] : [] };
      }
      if (q.idNumber) {
        const idx = await ctx.index.get(idKey(q.idType ?? 'resident_id', q.idNumber));
        const c = idx ? await ctx.customers.get(customerKey(idx.value.customerId)) : null;
        return { customers: c ? [view(c.value, c.revision, false)] : [] };
      }
      if (q.name) {
        const rs = await ctx.deps.ch.client.query({
          query: `SELECT customer_id FROM ${ctx.deps.ch.db}.care_customers FINAL
                  WHERE positionCaseInsensitiveUTF8(name, {name:String}) > 0 ORDER BY customer_id LIMIT 50`,
          query_params: { name: q.name },
          format: 'JSONEachRow',
        });
        const out = [];
        for (const row of await rs.json<{ customer_id: string }>()) {
          const c = await ctx.customers.get(customerKey(String(row.customer_id)));
          if (c) out.push(view(c.value, c.revision, false));
        }
        return { customers: out };
      }
      throw new ValidationError('/phone', 'give phone, idNumber or name');
    },
  );

  r.post(
    '/api/v1/customers/:customerId/reveal',
    {
      schema: {
        tags: ['care'],
        summary: 'Reveal unmasked personal data; every reveal is audited with its reason',
        params: Params,
        body: Type.Object(
          { reason: Type.String({ minLength: 5, maxLength: 500 }) },
          { additionalProperties: false },
        ),
      },
      config: {
        roles: staff,
        rateLimit: revealRateLimit,
      },
    },
    async (request) => {
      const session = who(request);
      const c = await ctx.customers.must(customerKey(request.params.customerId));
      await ctx.recorder.audit(actorOf(session), 'customer.revealed', 'customer', c.value.customerId, {
        customerId: c.value.customerId,
        reason: request.body.reason,
      });
      // the customer's numbers come with the reveal that the audit entry records
      const { lines, former } = await customerLines(ctx, c.value.customerId);
      return {
        ...view(c.value, c.revision, true),
        lines: lines.map((l) => lineView(ctx, l, true)),
        former: former.map((l) => formerLineView(l, true)),
      };
    },
  );

  r.patch(
    '/api/v1/customers/:customerId',
    {
      schema: {
        tags: ['care'],
        summary: 'Profile change (用户信息变更) with revision check; identity changes wait for a supervisor',
        params: Params,
        body: Change,
      },
      config: { roles: staffAndCustomer },
    },
    async (request, reply) => {
      const session = who(request);
      const { revision, changes, reason } = request.body;
      const cur = await loadCustomer(ctx, session, request.params.customerId);
      if (cur.revision !== revision)
        throw new ApiError(
          'REVISION_CONFLICT',
          'changed by someone else since you read it; reload and retry',
          '/revision',
        );
      const now = clock.nowMs();
      const { idType, idNumber, ...direct } = changes;
      let next: CustomerRecord = { ...cur.value, ...direct, updatedAtMs: now };
      const identityWanted = idType !== undefined || idNumber !== undefined;
      if (identityWanted) {
        const t = idType ?? cur.value.idType;
        const n = normaliseIdNumber(t, idNumber ?? cur.value.idNumber);
        validateIdentity(t, n, now);
        if (!reason)
          throw new ValidationError('/reason', 'an identity change needs a reason for the supervisor');
        next = {
          ...next,
          pendingIdentityChange: { idType: t, idNumber: n, requestedBy: session.username, atMs: now, reason },
        };
      }
      const diff = diffProfile(cur.value, { ...next, pendingIdentityChange: undefined }, ['updatedAtMs']);
      const pendingDiff = identityWanted
        ? diffProfile(
            { idType: cur.value.idType, idNumber: cur.value.idNumber },
            { idType: next.pendingIdentityChange?.idType, idNumber: next.pendingIdentityChange?.idNumber },
          )
        : [];
      if (diff.length === 0 && pendingDiff.length === 0)
        throw new ValidationError('/changes', 'nothing would change');
      if (direct.mobile && direct.mobile !== cur.value.mobile) {
        const taken = await ctx.index.create(mobileKey(direct.mobile), { customerId: cur.value.customerId });
        if (taken === null)
          throw new ApiError(
            'DUPLICATE',
            'that mobile number belongs to another customer',
            '/changes/mobile',
          );
      }
      const rev = await ctx.customers.update(customerKey(cur.value.customerId), next, revision);
      if (direct.mobile && direct.mobile !== cur.value.mobile)
        await ctx.index.kv.delete(mobileKey(cur.value.mobile));
      const actor = actorOf(session);
      if (diff.length)
        await ctx.recorder.audit(actor, 'customer.changed', 'customer', cur.value.customerId, {
          customerId: cur.value.customerId,
          changes: diff,
          ...(reason ? { reason } : {}),
        });
      if (pendingDiff.length && needsApproval(pendingDiff))
        await ctx.recorder.audit(
          actor,
          'customer.identity_change_requested',
          'customer',
          cur.value.customerId,
          {
            customerId: cur.value.customerId,
            changes: pendingDiff,
            reason: reason ?? '',
          },
        );
      if (diff.length) {
        await ctx.recorder.customer({
          type: 'customer.updated',
          customerId: next.customerId,
          name: next.name,
          idType: next.idType,
          idNumberMasked: maskIdNumber(next.idNumber),
          mobile: next.mobile,
          ...(next.email ? { email: next.email } : {}),
          channel: session.role === 'customer' ? 'web' : 'counter',
          actor,
        });
        await ctx.notice(next, 'profile_changed', { fields: diff.map((d) => d.field).join(', ') });
      }
      return reply.code(identityWanted ? 202 : 200).send({
        customer: view(next, rev, session.role === 'customer'),
        changes: diff,
        identityChangePending: identityWanted,
      });
    },
  );
}
