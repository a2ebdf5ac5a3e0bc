import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { placeOfCell, stableId } from '../../../domain/index.ts';
import { bilingual } from '../../../domain/noc/index.ts';
import {
  isOpen,
  Priority,
  Ticket,
  TicketStatus,
  TECH_ACTIONS,
  type Ticket as TicketT,
} from '../../../domain/noc/index.ts';
import { checkSite, checkTicket, nocKeys, telId } from '../../../processors/noc/index.ts';
import { NotFoundError, ValidationError, ForbiddenError } from '../../errors.ts';
import { E164, ErrorBody } from '../../schemas.ts';
import { notifyAffectedOfResult } from './impact.ts';
import { numberPolicy, ticketView, TicketOut } from './ticket-view.ts';
import {
  canSeeTicket,
  tenureOf,
  iso,
  NOC_STAFF,
  ruleError,
  session,
  technicianOf,
  toCsv,
  type NocApiContext,
} from './common.ts';

const ListQuery = Type.Object(
  {
    status: Type.Optional(TicketStatus),
    open: Type.Optional(Type.Boolean({ description: 'only tickets not resolved or closed' })),
    priority: Type.Optional(Priority),
    region: Type.Optional(Type.String({ maxLength: 32 })),
    ticketType: Type.Optional(Type.Union([Type.Literal('network'), Type.Literal('customer_fault')])),
    technicianId: Type.Optional(Type.String({ maxLength: 64 })),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'search id, title, site, cell' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }),
});
const TicketList = Type.Object({ total: Type.Integer(), items: Type.Array(TicketOut) });
const ReportBody = Type.Object(
  {
    msisdn: Type.Optional(E164),
    cellId: Type.Optional(Type.String({ pattern: '^[A-Z]{2}-[A-Z]{2}-\\d{4}-\\d$', maxLength: 16 })),
    channel: Type.Union((['phone', 'web', 'app', 'counter'] as const).map((c) => Type.Literal(c))),
    description: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);
const ActionBody = Type.Object(
  {
    action: Type.Union(TECH_ACTIONS.map((a) => Type.Literal(a))),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    parts: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function ticketRoutes(app: FastifyInstance, ctx: NocApiContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const load = async (id: string): Promise<TicketT> => {
    const t = await ctx.svc.getTicket(id);
    if (!t) throw new NotFoundError(`no ticket ${id}`);
    return t;
  };

  const filtered = async (request: FastifyRequest, q: Static<typeof ListQuery>) => {
    const s = session(request);
    const needle = q.q?.toLowerCase();
    const since = await tenureOf(ctx, s);
    return (await ctx.svc.d.store.list('ticket.', checkTicket))
      .filter((t) => canSeeTicket(ctx, s, t, since))
      .filter(
        (t) =>
          (!q.status || t.status === q.status) &&
          (q.open === undefined || isOpen(t) === q.open) &&
          (!q.priority || t.priority === q.priority) &&
          (!q.region || t.region === q.region) &&
          (!q.ticketType || t.ticketType === q.ticketType) &&
          (!q.technicianId || t.technicianId === q.technicianId) &&
          (!needle || [t.id, t.name, t.siteId, t.cellId].some((x) => x?.toLowerCase().includes(needle))),
      )
      .sort((a, b) => a.priority.localeCompare(b.priority) || b.creationDateMs - a.creationDateMs);
  };
  const seeAll = [...NOC_STAFF, 'agent', 'technician', 'customer'] as const;

  r.get(
    '/api/v1/noc/tickets',
    {
      schema: {
        tags: ['noc'],
        summary: 'Trouble tickets with filters and search, highest priority first',
        description:
          'NOC staff and agents see all, technicians their assignments, customers their own reports.',
        querystring: ListQuery,
        response: { 200: TicketList, ...errors },
      },
      config: { roles: seeAll },
    },
    async (request) => {
      const all = await filtered(request, request.query);
      const p = numberPolicy(session(request));
      return { total: all.length, items: all.slice(0, request.query.limit).map((t) => ticketView(p, t)) };
    },
  );

  r.get(
    '/api/v1/noc/tickets.csv',
    {
      schema: {
        tags: ['noc'],
        summary: 'The same list as CSV (UTF-8 with BOM)',
        querystring: ListQuery,
        produces: ['text/csv'],
      },
      config: { roles: seeAll },
    },
    async (request, reply) => {
      const items = (await filtered(request, request.query)).slice(0, request.query.limit);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="tickets.csv"')
        .send(
          toCsv(
            [
              'id',
              'type',
              'priority',
              'status',
              'title',
              'region',
              'site',
              'cell',
              'technician',
              'sla',
              'opened',
              'due',
              'resolved',
            ],
            items.map((t) => [
              t.id,
              t.ticketType,
              t.priority,
              t.status,
              t.name,
              t.region,
              t.siteId,
              t.cellId,
              t.technicianId,
              t.sla.state,
              iso(t.creationDateMs),
              iso(t.expectedResolutionDateMs),
              iso(t.resolutionDateMs),
            ]),
          ),
        );
    },
  );

  r.get(
    '/api/v1/noc/tickets/:id',
    {
      schema: {
        tags: ['noc'],
        summary: 'One ticket with its history, dispatch reason and SLA',
        params: IdParams,
        response: { 200: TicketOut, ...errors },
      },
      config: { roles: [...NOC_STAFF, 'agent', 'technician', 'customer'] },
    },
    async (request) => {
      const t = await load(request.params.id);
      const s = session(request);
      if (!canSeeTicket(ctx, s, t, await tenureOf(ctx, s)))
        throw new NotFoundError(`no ticket ${request.params.id}`);
      return ticketView(numberPolicy(s), t);
    },
  );

  r.post(
    '/api/v1/noc/tickets',
    {
      schema: {
        tags: ['noc'],
        summary:
          'Report a fault (故障报修): linked to an open network ticket on that cell, else a new ticket, dispatched',
        body: ReportBody,
        response: {
          200: Type.Object({ linked: Type.Boolean(), ticket: TicketOut }),
          201: Type.Object({ linked: Type.Boolean(), ticket: TicketOut }),
          ...errors,
        },
      },
      config: { roles: ['agent', 'noc', 'supervisor', 'admin', 'customer'] },
    },
    async (request, reply) => {
      const s = session(request);
      const b = request.body;
      const msisdn = s.role === 'customer' ? s.customerMsisdn : b.msisdn;
      if (!msisdn) throw new ValidationError('/msisdn', 'the customer number is required');
      if (s.role === 'customer' && b.msisdn && b.msisdn !== s.customerMsisdn)
        throw new ForbiddenError('customers report faults for their own number');
      const place = b.cellId ? placeOfCell(b.cellId) : null;
      if (b.cellId && !place) throw new ValidationError('/cellId', 'unknown cell');
      const atMs = ctx.clock.nowMs();
      if (place) {
        const site = await ctx.svc.d.store.get(nocKeys.site(place.siteId), checkSite);
        const ref = Object.values(site?.value.tickets ?? {}).find((x) => x.open);
        const open = ref ? await ctx.svc.getTicket(ref.ticketId) : null;
        if (open && isOpen(open)) {
          const linked = await ctx.svc.relate(open.id, [{ role: 'customerReport', id: telId(msisdn) }], atMs);
          await ctx.svc.d.publisher.flush();
          return reply.code(200).send({ linked: true, ticket: ticketView(numberPolicy(s), linked ?? open) });
        }
      }
      const cell = b.cellId ? ` ${b.cellId}` : '';
      const t = await ctx.svc.open({
        id: stableId('TC', msisdn, b.cellId ?? '', b.description, Math.floor(atMs / 60_000)),
        ticketType: 'customer_fault',
        faultType: 'customer',
        severity: 'minor',
        priority: 'P3',
        channel: b.channel,
        name: bilingual(`用户报障${cell}`, `Customer fault report${cell}`),
        description: b.description,
        region: place?.region ?? 'GD',
        ...(place ? { siteId: place.siteId, cellId: b.cellId } : {}),
        customerMsisdn: msisdn,
        related: [{ role: 'customerReport', id: telId(msisdn) }],
        by: s.username,
        atMs,
      });
      await ctx.svc.d.publisher.flush();
      return reply.code(201).send({ linked: false, ticket: ticketView(numberPolicy(s), t) });
    },
  );

  r.post(
    '/api/v1/noc/tickets/:id/close',
    {
      schema: {
        tags: ['noc'],
        summary: 'Close a ticket (NOC confirms the resolution, or closes a duplicate) with a reason',
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: { 200: TicketOut, ...errors },
      },
      config: { roles: NOC_STAFF },
    },
    async (request) => {
      const t = await load(request.params.id);
      const p = numberPolicy(session(request));
      if (t.status === 'closed') return ticketView(p, t);
      const closed = await ctx.svc.close(
        t.id,
        session(request).username,
        ctx.clock.nowMs(),
        request.body.reason,
      );
      await ctx.svc.d.publisher.flush();
      return ticketView(p, closed ?? t);
    },
  );

  r.post(
    '/api/v1/noc/tickets/:id/actions',
    {
      schema: {
        tags: ['noc'],
        summary: 'Technician flow: accept, on_the_way, on_site, resolve (notes, parts), hand_back',
        params: IdParams,
        body: ActionBody,
        response: { 200: Ticket, ...errors },
      },
      config: { roles: ['technician'] },
    },
    async (request) => {
      const s = session(request);
      const tech = technicianOf(ctx, s);
      const t = await load(request.params.id);
      if (t.technicianId !== tech.id && !t.handedBackBy.includes(tech.id))
        throw new NotFoundError(`no ticket ${t.id}`);
      const b = request.body;
      try {
        const next = await ctx.svc.techAction(t.id, b.action, {
          technicianId: tech.id,
          by: s.username,
          atMs: ctx.clock.nowMs(),
          ...(b.note ? { note: b.note } : {}),
          ...(b.parts ? { parts: b.parts } : {}),
        });
        if (b.action === 'resolve' && next.ticketType === 'network')
          await notifyAffectedOfResult(ctx, next).catch((err: unknown) =>
            request.log.warn({ err, ticketId: next.id }, 'result notices to affected subscribers not sent'),
          );
        await ctx.svc.d.publisher.flush();
        return next;
      } catch (err) {
        return ruleError(err);
      }
    },
  );
}
