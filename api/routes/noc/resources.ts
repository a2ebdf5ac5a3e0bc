import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { FaultType, onShift } from '../../../domain/noc/index.ts';
import { checkSite } from '../../../processors/noc/index.ts';
import { NotFoundError } from '../../errors.ts';
import { ErrorBody } from '../../schemas.ts';
import { iso, NOC_STAFF, session, technicianOf, toCsv, type NocApiContext } from './common.ts';

const TechnicianView = Type.Object({
  id: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  region: Type.String(),
  city: Type.String(),
  skills: Type.Array(FaultType),
  shift: Type.Object({ startHour: Type.Integer(), endHour: Type.Integer() }),
  onShift: Type.Boolean(),
  offDuty: Type.Boolean(),
  workload: Type.Integer(),
});
const AlarmView = Type.Object({
  key: Type.String(),
  neId: Type.String(),
  siteId: Type.String(),
  cellId: Type.Optional(Type.String()),
  region: Type.String(),
  probableCause: Type.String(),
  severity: Type.String(),
  active: Type.Boolean(),
  flapping: Type.Boolean(),
  count: Type.Integer(),
  firstSeenMs: Type.Integer(),
  lastSeenMs: Type.Integer(),
  rootKey: Type.Optional(Type.String()),
  children: Type.Integer({ description: 'alarms this root explains' }),
  ticketId: Type.Optional(Type.String()),
});
const AlarmQuery = Type.Object(
  {
    region: Type.Optional(Type.String({ maxLength: 32 })),
    siteId: Type.Optional(Type.String({ maxLength: 32 })),
    active: Type.Optional(Type.Boolean()),
    rootsOnly: Type.Optional(Type.Boolean({ description: 'roots with their child count, not the children' })),
    limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
  },
  { additionalProperties: false },
);
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

export function resourceRoutes(app: FastifyInstance, ctx: NocApiContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  const technicians = async (region?: string) => {
    const now = ctx.clock.nowMs();
    return (await ctx.svc.techLoads())
      .filter((l) => !region || l.technician.region === region)
      .map(({ technician: t, workload, offDuty }) => ({
        id: t.id,
        nameZh: t.nameZh,
        nameEn: t.nameEn,
        region: t.region,
        city: t.city,
        skills: t.skills,
        shift: t.shift,
        onShift: onShift(t.shift, now),
        offDuty,
        workload,
      }));
  };

  r.get(
    '/api/v1/noc/technicians',
    {
      schema: {
        tags: ['noc'],
        summary: 'Technician roster with skills, shift, duty and current workload',
        querystring: Type.Object(
          { region: Type.Optional(Type.String({ maxLength: 32 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(TechnicianView), ...errors },
      },
      config: { roles: [...NOC_STAFF, 'agent'] },
    },
    async (request) => technicians(request.query.region),
  );

  r.get(
    '/api/v1/noc/technicians.csv',
    {
      schema: { tags: ['noc'], summary: 'Roster as CSV', produces: ['text/csv'] },
      config: { roles: [...NOC_STAFF, 'agent'] },
    },
    async (_request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="technicians.csv"')
        .send(
          toCsv(
            ['id', 'name', 'region', 'city', 'skills', 'on_shift', 'off_duty', 'workload'],
            (await technicians()).map((t) => [
              t.id,
              t.nameZh,
              t.region,
              t.city,
              t.skills.join(' '),
              t.onShift,
              t.offDuty,
              t.workload,
            ]),
          ),
        ),
  );

  r.get(
    '/api/v1/noc/technicians/me',
    {
      schema: {
        tags: ['noc'],
        summary: "The logged-in technician's roster entry and workload",
        response: { 200: TechnicianView, ...errors },
      },
      config: { roles: ['technician'] },
    },
    async (request) => {
      const me = technicianOf(ctx, session(request));
      const t = (await technicians(me.region)).find((x) => x.id === me.id);
      if (!t) throw new NotFoundError('not on the roster');
      return t;
    },
  );

  r.put(
    '/api/v1/noc/technicians/:id/duty',
    {
      schema: {
        tags: ['noc'],
        summary: 'Mark a technician off duty (leave) or back on duty',
        params: Type.Object({ id: Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }) }),
        body: Type.Object({ offDuty: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: TechnicianView, ...errors },
      },
      config: { roles: ['supervisor', 'admin'] },
    },
    async (request) => {
      const tech = ctx.roster.find((t) => t.id === request.params.id);
      if (!tech) throw new NotFoundError(`no technician ${request.params.id}`);
      await ctx.svc.setOffDuty(tech.id, request.body.offDuty);
      const t = (await technicians(tech.region)).find((x) => x.id === tech.id);
      if (!t) throw new NotFoundError(`no technician ${tech.id}`);
      return t;
    },
  );

  const alarms = async (q: {
    region?: string;
    siteId?: string;
    active?: boolean;
    rootsOnly?: boolean;
    limit: number;
  }) => {
    const sites = (await ctx.svc.d.store.list('site.', checkSite)).filter(
      (s) => (!q.region || s.region === q.region) && (!q.siteId || s.siteId === q.siteId),
    );
    const out = sites.flatMap((s) => {
      const list = Object.values(s.alarms);
      return list
        .filter((a) => (q.active === undefined || a.active === q.active) && (!q.rootsOnly || !a.rootKey))
        .map((a) => ({
          key: a.key,
          neId: a.neId,
          siteId: a.siteId,
          ...(a.cellId ? { cellId: a.cellId } : {}),
          region: a.region,
          probableCause: a.probableCause,
          severity: a.severity,
          active: a.active,
          flapping: a.flapping,
          count: a.count,
          firstSeenMs: a.firstSeenMs,
          lastSeenMs: a.lastSeenMs,
          ...(a.rootKey ? { rootKey: a.rootKey } : {}),
          children: list.filter((c) => c.rootKey === a.key).length,
          ...(s.tickets[a.key] ? { ticketId: s.tickets[a.key]?.ticketId } : {}),
        }));
    });
    return out.sort((a, b) => b.lastSeenMs - a.lastSeenMs).slice(0, q.limit);
  };

  r.get(
    '/api/v1/noc/alarms',
    {
      schema: {
        tags: ['noc'],
        summary: 'Current reduced alarms (root with children count, flapping, counts)',
        querystring: AlarmQuery,
        response: { 200: Type.Array(AlarmView), ...errors },
      },
      config: { roles: [...NOC_STAFF, 'technician', 'agent'] },
    },
    async (request) => alarms(request.query),
  );

  r.get(
    '/api/v1/noc/alarms.csv',
    {
      schema: {
        tags: ['noc'],
        summary: 'Current alarms as CSV',
        querystring: AlarmQuery,
        produces: ['text/csv'],
      },
      config: { roles: [...NOC_STAFF, 'technician', 'agent'] },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="alarms.csv"')
        .send(
          toCsv(
            [
              'key',
              'site',
              'cell',
              'cause',
              'severity',
              'active',
              'flapping',
              'count',
              'children',
              'first_seen',
              'last_seen',
              'ticket',
            ],
            (await alarms(request.query)).map((a) => [
              a.key,
              a.siteId,
              a.cellId,
              a.probableCause,
              a.severity,
              a.active,
              a.flapping,
              a.count,
              a.children,
              iso(a.firstSeenMs),
              iso(a.lastSeenMs),
              a.ticketId,
            ]),
          ),
        ),
  );
}
