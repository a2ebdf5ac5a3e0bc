import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stableId, type ComplaintEvent } from '../../../domain/index.ts';
import {
  applyComplaintAction,
  ComplaintCategory,
  ComplaintStatus,
  registerComplaint,
  suggestCategory,
  toComplaintEvent,
  type ComplaintAction,
  type Complaint as ComplaintT,
} from '../../../domain/noc/index.ts';
import { checkComplaint, nocKeys } from '../../../processors/noc/index.ts';
import { rowExplanationText, STORED_RATED_COLUMNS } from '../../../processors/rating/index.ts';
import { ApiError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { E164, ErrorBody, RequestId } from '../../schemas.ts';
import { canSeeComplaint, iso, ruleError, session, tenureOf, toCsv, type NocApiContext } from './common.ts';
import { complaintView, ComplaintOut, numberPolicy } from './ticket-view.ts';
import { revealRateLimit } from '../../security/index.ts';
import { actorOf } from '../care/recorder.ts';

const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }),
});
const RegisterBody = Type.Object(
  {
    msisdn: Type.Optional(E164),
    channel: Type.Union((['phone', 'web', 'app', 'counter'] as const).map((c) => Type.Literal(c))),
    text: Type.String({ minLength: 1, maxLength: 2000 }),
    category: Type.Optional(ComplaintCategory),
    disputedCdrIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' }), {
        maxItems: 50,
      }),
    ),
    requestId: Type.Optional(
      RequestId('idempotency key: the same request sent again registers one complaint'),
    ),
  },
  { additionalProperties: false },
);
const ActionBody = Type.Object(
  {
    action: Type.Union(
      (['correct_category', 'propose_solution', 'close'] as const).map((a) => Type.Literal(a)),
    ),
    category: Type.Optional(ComplaintCategory),
    solution: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    customerConfirmed: Type.Optional(Type.Boolean()),
    satisfaction: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    status: Type.Optional(ComplaintStatus),
    category: Type.Optional(ComplaintCategory),
    msisdn: Type.Optional(E164),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
  },
  { additionalProperties: false },
);
const DisputedCharge = Type.Object({
  cdrId: Type.String(),
  type: Type.String(),
  startMs: Type.Integer(),
  chargeFen: Type.Integer({ description: 'integer fen (分)' }),
  explanation: Type.String({ description: "'<zh-CN sentence> | <en sentence>' of the charge" }),
});
const Suggestion = Type.Object({ category: ComplaintCategory, matched: Type.Array(Type.String()) });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const roles = ['agent', 'supervisor', 'admin', 'noc', 'customer'] as const;
const staff = ['agent', 'supervisor', 'admin', 'noc'] as const;

/** Complaints (投诉处理): register with a suggested category, correct it, propose a solution, close with the customer's confirmation. */
export function complaintRoutes(app: FastifyInstance, ctx: NocApiContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const store = ctx.svc.d.store;
  /** A complaint as the caller may see it: staff see the customer's number masked. */
  const out = (request: FastifyRequest, c: ComplaintT) => complaintView(numberPolicy(session(request)), c);
  const publish = async (c: ComplaintT, type: ComplaintEvent['type']) => {
    const ev = toComplaintEvent(c, type);
    await ctx.svc.d.publisher.publish({
      subject: `bss.complaint.${type.slice(10)}`,
      data: Buffer.from(JSON.stringify(ev)),
      msgId: ev.eventId,
    });
    await ctx.svc.d.publisher.flush();
  };
  const list = async (request: FastifyRequest, q: Static<typeof ListQuery>) => {
    const s = session(request);
    const needle = q.q?.toLowerCase();
    const since = await tenureOf(ctx, s);
    return (await store.list('complaint.', checkComplaint))
      .filter((c) => canSeeComplaint(s, c, since))
      .filter(
        (c) =>
          (!q.status || c.status === q.status) &&
          (!q.category || c.category === q.category) &&
          (!q.msisdn || c.customerMsisdn === q.msisdn) &&
          (!needle || c.id.toLowerCase().includes(needle) || c.text.toLowerCase().includes(needle)),
      )
      .sort((a, b) => b.createdMs - a.createdMs);
  };

  r.get(
    '/api/v1/noc/complaints/suggest',
    {
      schema: {
        tags: ['complaints'],
        summary: 'Category suggested for a complaint text (zh/en keywords)',
        querystring: Type.Object(
          { text: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Suggestion, ...errors },
      },
      config: { roles },
    },
    async (request) => suggestCategory(request.query.text),
  );

  r.post(
    '/api/v1/noc/complaints',
    {
      schema: {
        tags: ['complaints'],
        summary: 'Register a complaint (channel recorded, category suggested unless given)',
        body: RegisterBody,
        response: { 201: ComplaintOut, ...errors },
      },
      config: { roles },
    },
    async (request, reply) => {
      const s = session(request);
      const b = request.body;
      const msisdn = s.role === 'customer' ? s.customerMsisdn : b.msisdn;
      if (!msisdn) throw new ValidationError('/msisdn', 'the customer number is required');
      if (s.role === 'customer' && b.msisdn && b.msisdn !== msisdn)
        throw new ForbiddenError('customers complain for their own number');
      const id = b.requestId ? stableId('CP', msisdn, b.requestId) : ctx.ids.next('CP');
      const c = registerComplaint({
        id,
        customerMsisdn: msisdn,
        channel: b.channel,
        text: b.text,
        ...(b.category ? { category: b.category } : {}),
        ...(b.disputedCdrIds ? { disputedCdrIds: b.disputedCdrIds } : {}),
        by: s.username,
        atMs: ctx.clock.nowMs(),
      });
      if (!(await store.createOnce(nocKeys.complaint(c.id), c))) {
        // The same request again (a retry, a second tap): answer with the complaint it registered.
        const prior = (await store.get(nocKeys.complaint(c.id), checkComplaint))?.value;
        if (!b.requestId || !prior || prior.text !== b.text || prior.channel !== b.channel)
          throw new ApiError(
            'DUPLICATE',
            `requestId ${b.requestId ?? ''} already registered complaint ${c.id} with other details`,
            '/requestId',
          );
        return reply.code(201).send(out(request, prior));
      }
      await publish(c, 'complaint.opened');
      return reply.code(201).send(out(request, c));
    },
  );

  r.get(
    '/api/v1/noc/complaints',
    {
      schema: {
        tags: ['complaints'],
        summary: 'Complaints with filters (customers: their own)',
        querystring: ListQuery,
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(ComplaintOut) }), ...errors },
      },
      config: { roles },
    },
    async (request) => {
      const all = await list(request, request.query);
      return { total: all.length, items: all.slice(0, request.query.limit).map((c) => out(request, c)) };
    },
  );

  r.get(
    '/api/v1/noc/complaints.csv',
    {
      schema: {
        tags: ['complaints'],
        summary: 'Complaints as CSV',
        querystring: ListQuery,
        produces: ['text/csv'],
      },
      config: { roles },
    },
    async (request, reply) => {
      const items = (await list(request, request.query)).slice(0, request.query.limit);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="complaints.csv"')
        .send(
          toCsv(
            ['id', 'channel', 'category', 'suggested', 'status', 'satisfaction', 'created', 'closed', 'text'],
            items.map((c) => [
              c.id,
              c.channel,
              c.category,
              c.suggestedCategory,
              c.status,
              c.satisfaction,
              iso(c.createdMs),
              iso(c.closedMs),
              c.text,
            ]),
          ),
        );
    },
  );

  r.get(
    '/api/v1/noc/complaints/:id',
    {
      schema: {
        tags: ['complaints'],
        summary: 'One complaint with its history (staff: the number masked; see /reveal)',
        params: IdParams,
        response: { 200: ComplaintOut, ...errors },
      },
      config: { roles },
    },
    async (request) => {
      const c = (await store.get(nocKeys.complaint(request.params.id), checkComplaint))?.value;
      if (!c || !canSeeComplaint(session(request), c, await tenureOf(ctx, session(request))))
        throw new NotFoundError(`no complaint ${request.params.id}`);
      return out(request, c);
    },
  );

  r.post(
    '/api/v1/noc/complaints/:id/reveal',
    {
      schema: {
        tags: ['complaints'],
        summary:
          "The complainant's number, whole, to call them back; every reveal is audited with its reason",
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 5, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ id: Type.String(), msisdn: E164 }), ...errors },
      },
      config: {
        roles: staff,
        rateLimit: revealRateLimit,
      },
    },
    async (request) => {
      const c = (await store.get(nocKeys.complaint(request.params.id), checkComplaint))?.value;
      if (!c) throw new NotFoundError(`no complaint ${request.params.id}`);
      await ctx.recorder.audit(actorOf(session(request)), 'complaint.number_revealed', 'complaint', c.id, {
        reason: request.body.reason,
      });
      return { id: c.id, msisdn: c.customerMsisdn };
    },
  );

  r.get(
    '/api/v1/noc/complaints/:id/charges',
    {
      schema: {
        tags: ['complaints'],
        summary: 'The disputed charges of a (billing) complaint, with their rating explanations',
        params: IdParams,
        response: { 200: Type.Array(DisputedCharge), ...errors },
      },
      config: { roles },
    },
    async (request) => {
      const c = (await store.get(nocKeys.complaint(request.params.id), checkComplaint))?.value;
      if (!c || !canSeeComplaint(session(request), c, await tenureOf(ctx, session(request))))
        throw new NotFoundError(`no complaint ${request.params.id}`);
      if (c.disputedCdrIds.length === 0) return [];
      const rs = await ctx.ch.client.query({
        query: `SELECT ${STORED_RATED_COLUMNS}
                FROM ${ctx.ch.db}.cdr_rated FINAL
                WHERE msisdn = {msisdn:String} AND cdr_id IN {ids:Array(String)} ORDER BY start_time`,
        query_params: { msisdn: c.customerMsisdn, ids: c.disputedCdrIds },
        format: 'JSONEachRow',
      });
      return (await rs.json<Record<string, unknown>>()).map((x) => ({
        cdrId: String(x.cdr_id),
        type: String(x.type),
        startMs: Number(x.start_ms),
        chargeFen: Number(x.charge_fen),
        explanation: rowExplanationText(ctx.catalog, x),
      }));
    },
  );

  r.post(
    '/api/v1/noc/complaints/:id/actions',
    {
      schema: {
        tags: ['complaints'],
        summary: 'correct_category | propose_solution | close (customer confirmation and satisfaction 1–5)',
        description: 'Staff do every step; a customer may only close (confirm) their own complaint.',
        params: IdParams,
        body: ActionBody,
        response: { 200: ComplaintOut, ...errors },
      },
      config: { roles },
    },
    async (request) => {
      const s = session(request);
      const b = request.body;
      let action: ComplaintAction;
      if (b.action === 'correct_category') {
        if (!b.category) throw new ValidationError('/category', 'required for correct_category');
        action = { action: b.action, category: b.category };
      } else if (b.action === 'propose_solution') {
        if (!b.solution) throw new ValidationError('/solution', 'required for propose_solution');
        action = { action: b.action, solution: b.solution };
      } else {
        if (b.customerConfirmed === undefined)
          throw new ValidationError('/customerConfirmed', 'required for close');
        action = {
          action: 'close',
          customerConfirmed: b.customerConfirmed,
          satisfaction: b.satisfaction ?? 0,
          ...(b.note ? { note: b.note } : {}),
        };
      }
      if (s.role === 'customer' && b.action !== 'close')
        throw new ForbiddenError('customers may only confirm and close');
      const since = await tenureOf(ctx, s);
      let result: ComplaintT | null = null;
      try {
        result = await store.update(nocKeys.complaint(request.params.id), checkComplaint, (cur) => {
          if (!cur || !canSeeComplaint(s, cur, since))
            throw new NotFoundError(`no complaint ${request.params.id}`);
          return applyComplaintAction(cur, action, s.username, ctx.clock.nowMs());
        });
      } catch (err) {
        ruleError(err);
      }
      if (!result) throw new NotFoundError(`no complaint ${request.params.id}`);
      await publish(result, result.status === 'closed' ? 'complaint.closed' : 'complaint.updated');
      return out(request, result);
    },
  );
}
