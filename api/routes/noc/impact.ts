import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stableId } from '../../../domain/index.ts';
import type { AdjustmentEvent, Ticket } from '../../../domain/noc/index.ts';
import { goodwillNotice, nocKeys, nocSubjects, resultNotice } from '../../../processors/noc/index.ts';
import { NotFoundError, UnavailableError } from '../../errors.ts';
import { ErrorBody } from '../../schemas.ts';
import { maskMsisdn } from '../../live/index.ts';
import { iso, NOC_STAFF, session, toCsv, type NocApiContext } from './common.ts';

const HOUR = 3_600_000;
const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }),
});
const ImpactQuery = Type.Object(
  {
    hours: Type.Integer({
      minimum: 1,
      maximum: 168,
      default: 24,
      description: 'usage window before the fault',
    }),
  },
  { additionalProperties: false },
);
const Impact = Type.Object({
  ticketId: Type.String(),
  cells: Type.Array(Type.String()),
  site: Type.Optional(Type.String()),
  fromMs: Type.Integer(),
  toMs: Type.Integer(),
  count: Type.Integer(),
  subscribers: Type.Array(
    Type.Object({ msisdnMasked: Type.String(), cdrs: Type.Integer(), lastSeenMs: Type.Integer() }),
  ),
});
const GoodwillBody = Type.Object(
  {
    amountFen: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      description: 'credit per affected subscriber, fen',
    }),
    hours: Type.Integer({ minimum: 1, maximum: 168, default: 24 }),
  },
  { additionalProperties: false },
);
const Goodwill = Type.Object({
  ticketId: Type.String(),
  amountFen: Type.Integer(),
  subscribers: Type.Integer(),
  totalFen: Type.Integer(),
  atMs: Type.Integer(),
  by: Type.String(),
  alreadyApplied: Type.Boolean(),
});
interface GoodwillRecord {
  ticketId: string;
  amountFen: number;
  subscribers: number;
  atMs: number;
  by: string;
}
const checkGoodwill = (v: unknown): { ok: true; value: GoodwillRecord } | { ok: false } => {
  const o = v as Partial<GoodwillRecord> | null;
  return o &&
    typeof o.ticketId === 'string' &&
    Number.isSafeInteger(o.amountFen) &&
    Number.isSafeInteger(o.subscribers)
    ? { ok: true, value: o as GoodwillRecord }
    : { ok: false };
};
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** The cells an outage ticket covers: its cell, every cell of its site, or its related cells. */
export function cellsOf(t: Ticket): { cells: string[]; site?: string } {
  const related = t.relatedEntity.filter((e) => e.role === 'cell').map((e) => e.id);
  if (t.cellId) return { cells: [...new Set([t.cellId, ...related])] };
  if (t.siteId) return { cells: related, site: t.siteId };
  return { cells: related };
}

/** Subscribers with usage on the ticket's cells from `hours` before the fault until its resolution. */
export async function affectedSubscribers(ctx: NocApiContext, t: Ticket, hours: number) {
  const { cells, site } = cellsOf(t);
  const fromMs = t.creationDateMs - hours * HOUR;
  const toMs = Math.max(t.creationDateMs + 1, t.resolutionDateMs ?? ctx.clock.nowMs());
  try {
    const rs = await ctx.ch.client.query({
      query: `SELECT msisdn, count() AS cdrs, toUnixTimestamp64Milli(max(start_time)) AS last_ms
              FROM ${ctx.ch.db}.cdr_rated
              WHERE (cell_id IN {cells:Array(String)} OR ({prefix:String} != '' AND startsWith(cell_id, {prefix:String})))
                AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
                AND start_time < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')
              GROUP BY msisdn ORDER BY msisdn LIMIT 100000`,
      query_params: { cells, prefix: site ? `${site}-` : '', fromMs, toMs },
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ msisdn: string; cdrs: string | number; last_ms: string | number }>();
    return {
      cells,
      ...(site ? { site } : {}),
      fromMs,
      toMs,
      rows: rows.map((x) => ({
        msisdn: String(x.msisdn),
        cdrs: Number(x.cdrs),
        lastSeenMs: Number(x.last_ms),
      })),
    };
  } catch (err) {
    throw new UnavailableError(`usage store unavailable: ${(err as Error).message.slice(0, 100)}`);
  }
}

/**
 * 故障处理结果反馈: when a network ticket is resolved, every subscriber who used its cells in the
 * day before the fault is told (one SMS each; the ids are stable, so the reporter who is told
 * by the service is not told twice).
 */
export async function notifyAffectedOfResult(ctx: NocApiContext, t: Ticket): Promise<number> {
  const a = await affectedSubscribers(ctx, t, 24);
  const atMs = t.resolutionDateMs ?? ctx.clock.nowMs();
  for (const x of a.rows) await ctx.svc.publishNotification(resultNotice(t, x.msisdn, atMs));
  return a.rows.length;
}

export function impactRoutes(app: FastifyInstance, ctx: NocApiContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  const affected = (t: Ticket, hours: number) => affectedSubscribers(ctx, t, hours);
  const load = async (id: string) => {
    const t = await ctx.svc.getTicket(id);
    if (!t || t.ticketType !== 'network') throw new NotFoundError(`no network ticket ${id}`);
    return t;
  };

  r.get(
    '/api/v1/noc/tickets/:id/impact',
    {
      schema: {
        tags: ['noc'],
        summary:
          'Outage impact: subscribers with usage on the affected cells before the fault (numbers masked)',
        params: IdParams,
        querystring: ImpactQuery,
        response: { 200: Impact, ...errors },
      },
      config: { roles: [...NOC_STAFF, 'agent'] },
    },
    async (request) => {
      const t = await load(request.params.id);
      const a = await affected(t, request.query.hours);
      return {
        ticketId: t.id,
        cells: a.cells,
        ...(a.site ? { site: a.site } : {}),
        fromMs: a.fromMs,
        toMs: a.toMs,
        count: a.rows.length,
        subscribers: a.rows
          .slice(0, 1000)
          .map((x) => ({ msisdnMasked: maskMsisdn(x.msisdn), cdrs: x.cdrs, lastSeenMs: x.lastSeenMs })),
      };
    },
  );

  r.get(
    '/api/v1/noc/tickets/:id/impact.csv',
    {
      schema: {
        tags: ['noc'],
        summary: 'Outage impact list as CSV',
        params: IdParams,
        querystring: ImpactQuery,
        produces: ['text/csv'],
      },
      config: { roles: [...NOC_STAFF, 'agent'] },
    },
    async (request, reply) => {
      const t = await load(request.params.id);
      const a = await affected(t, request.query.hours);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="impact-${t.id}.csv"`)
        .send(
          toCsv(
            ['msisdn', 'cdrs', 'last_seen'],
            a.rows.map((x) => [maskMsisdn(x.msisdn), x.cdrs, iso(x.lastSeenMs)]),
          ),
        );
    },
  );

  r.get(
    '/api/v1/noc/tickets/:id/goodwill',
    {
      schema: {
        tags: ['noc'],
        summary: "The ticket's goodwill credit, if one was granted (404 when none)",
        params: IdParams,
        response: { 200: Goodwill, ...errors },
      },
      config: { roles: [...NOC_STAFF, 'agent'] },
    },
    async (request) => {
      const t = await load(request.params.id);
      const done = await ctx.svc.d.store.get(nocKeys.goodwill(t.id), checkGoodwill);
      if (!done) throw new NotFoundError(`no goodwill was granted for ${t.id}`);
      const g = done.value;
      return { ...g, totalFen: g.amountFen * g.subscribers, alreadyApplied: true };
    },
  );

  r.post(
    '/api/v1/noc/tickets/:id/goodwill',
    {
      schema: {
        tags: ['noc'],
        summary:
          'Goodwill credit to every affected subscriber, once per ticket (idempotent), with an SMS notice',
        description:
          'Publishes one adjustment.goodwill event per subscriber on bss.adjustment.goodwill with a stable id (ticket + number); the charging engine applies it through the ledger. A second call returns the first result with alreadyApplied=true.',
        params: IdParams,
        body: GoodwillBody,
        response: { 200: Goodwill, 201: Goodwill, ...errors },
      },
      config: { roles: ['supervisor', 'admin'] },
    },
    async (request, reply) => {
      const s = session(request);
      const t = await load(request.params.id);
      const done = await ctx.svc.d.store.get(nocKeys.goodwill(t.id), checkGoodwill);
      if (done) {
        const g = done.value;
        return reply.code(200).send({ ...g, totalFen: g.amountFen * g.subscribers, alreadyApplied: true });
      }
      const a = await affected(t, request.body.hours);
      const atMs = ctx.clock.nowMs();
      const amountFen = request.body.amountFen;
      const pub = ctx.svc.d.publisher;
      for (const x of a.rows) {
        const adjustmentId = stableId('GW', t.id, x.msisdn);
        const ev: AdjustmentEvent = {
          eventId: adjustmentId,
          type: 'adjustment.goodwill',
          adjustmentId,
          msisdn: x.msisdn,
          amountFen,
          reason: `outage goodwill for ticket ${t.id} / 故障补偿`,
          ticketId: t.id,
          atMs,
          actor: { userId: s.username, role: s.role },
        };
        await pub.publish({
          subject: nocSubjects.adjustment,
          data: Buffer.from(JSON.stringify(ev)),
          msgId: adjustmentId,
        });
        await ctx.svc.publishNotification(goodwillNotice(t, x.msisdn, amountFen, atMs));
      }
      await pub.flush();
      const record: GoodwillRecord = {
        ticketId: t.id,
        amountFen,
        subscribers: a.rows.length,
        atMs,
        by: s.username,
      };
      const created = await ctx.svc.d.store.createOnce(nocKeys.goodwill(t.id), record);
      const stored = created
        ? record
        : ((await ctx.svc.d.store.get(nocKeys.goodwill(t.id), checkGoodwill))?.value ?? record);
      return reply
        .code(created ? 201 : 200)
        .send({ ...stored, totalFen: stored.amountFen * stored.subscribers, alreadyApplied: !created });
    },
  );
}
