import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { formatYuan } from '../../../domain/index.ts';
import { shanghaiIso } from '../../../domain/catalog/index.ts';
import { levelOf, maskPhone } from '../../../domain/customer/index.ts';
import { UnavailableError, ValidationError } from '../../errors.ts';
import { E164 } from '../../schemas.ts';
import { assertOwnMsisdn, staff, who, type CareContext } from './context.ts';
import { customerByMsisdn, customerKey } from './customer-view.ts';
import type { CustomerRecord } from './records.ts';
import { msisdnKey } from './store.ts';
import type { Session } from '../../auth/index.ts';

const TZ_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'China date YYYY-MM-DD' });
const Query = Type.Object(
  {
    period: Type.Union([Type.Literal('this_month'), Type.Literal('last_month'), Type.Literal('custom')], {
      default: 'this_month',
    }),
    from: Type.Optional(Day),
    to: Type.Optional(Day),
  },
  { additionalProperties: false },
);

const int = (v: unknown) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new UnavailableError('usage store returned a non-integer');
  return n;
};
const dayStart = (s: string, field: string) => {
  const ms = Date.parse(`${s}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new ValidationError(field, 'not a real date');
  return ms - TZ_MS;
};

/** [fromMs, toMs) of the period in China time; custom ranges reach at most one year back. */
export function periodRange(
  q: { period: string; from?: string; to?: string },
  nowMs: number,
): { fromMs: number; toMs: number } {
  const local = new Date(nowMs + TZ_MS);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  if (q.period === 'this_month')
    return { fromMs: Date.UTC(y, m, 1) - TZ_MS, toMs: Date.UTC(y, m + 1, 1) - TZ_MS };
  if (q.period === 'last_month')
    return { fromMs: Date.UTC(y, m - 1, 1) - TZ_MS, toMs: Date.UTC(y, m, 1) - TZ_MS };
  if (!q.from || !q.to)
    throw new ValidationError(q.from ? '/to' : '/from', 'a custom period needs from and to');
  const fromMs = dayStart(q.from, '/from');
  const toMs = dayStart(q.to, '/to') + DAY_MS;
  if (fromMs >= toMs) throw new ValidationError('/from', 'must not be after `to`');
  if (fromMs < nowMs - 366 * DAY_MS) throw new ValidationError('/from', 'at most one year back');
  return { fromMs, toMs };
}

/** Usage query (用户消费查询) with totals, per-day chart data and CSV; level and points (用户等级). */
export function usageReportRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { ch, clock } = ctx.deps;
  const table = `${ch.db}.cdr_rated`;
  const where = `msisdn = {msisdn:String} AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC') AND start_time < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')`;
  const roles = ['agent', 'supervisor', 'admin', 'noc', 'customer'] as const;
  const Params = Type.Object({ msisdn: E164 }, { additionalProperties: false });
  /** A customer reads from when the line became theirs (过户): not the previous owner's usage. */
  const tenureRange = async (session: Session, msisdn: string, r: { fromMs: number; toMs: number }) => {
    if (session.role !== 'customer') return r;
    const since = (await ctx.lines.get(msisdnKey(msisdn)))?.value.transfer?.atMs ?? 0;
    return { fromMs: Math.min(Math.max(r.fromMs, since), r.toMs), toMs: r.toMs };
  };

  r.get(
    '/api/v1/subscribers/:msisdn/usage/summary',
    {
      schema: {
        tags: ['care'],
        summary: 'Usage for a period by service, with per-day chart data',
        params: Params,
        querystring: Query,
      },
      config: { roles },
    },
    async (request) => {
      const { msisdn } = request.params;
      const session = who(request);
      assertOwnMsisdn(session, msisdn);
      const { fromMs, toMs } = await tenureRange(session, msisdn, periodRange(request.query, clock.nowMs()));
      const query_params = { msisdn, fromMs, toMs };
      const rs = await ch.client.query({
        query: `SELECT toString(toDate(start_time, 'Asia/Shanghai')) AS day, type, count() AS n, sum(duration_sec) AS sec,
                  sum(bytes_up + bytes_down) AS bytes, sum(charge_fen) AS fen
                FROM ${table} FINAL WHERE ${where} GROUP BY day, type ORDER BY day, type`,
        query_params,
        format: 'JSONEachRow',
      });
      const days = (await rs.json<Record<string, unknown>>()).map((x) => ({
        day: String(x.day),
        type: String(x.type),
        count: int(x.n),
        durationSec: int(x.sec),
        bytes: int(x.bytes),
        chargeFen: int(x.fen),
      }));
      const totals: Record<string, { count: number; durationSec: number; bytes: number; chargeFen: number }> =
        {};
      for (const d of days) {
        const t = (totals[d.type] ??= { count: 0, durationSec: 0, bytes: 0, chargeFen: 0 });
        t.count += d.count;
        t.durationSec += d.durationSec;
        t.bytes += d.bytes;
        t.chargeFen += d.chargeFen;
      }
      const chargeFen = days.reduce((a, d) => a + d.chargeFen, 0);
      return { msisdn, fromMs, toMs, totals, chargeFen, days };
    },
  );

  r.get(
    '/api/v1/subscribers/:msisdn/usage.csv',
    {
      schema: {
        tags: ['care'],
        summary: 'Usage records of the period as CSV (UTF-8 with BOM for spreadsheets)',
        params: Params,
        querystring: Query,
      },
      config: { roles },
    },
    async (request, reply) => {
      const { msisdn } = request.params;
      const session = who(request);
      assertOwnMsisdn(session, msisdn);
      const { fromMs, toMs } = await tenureRange(session, msisdn, periodRange(request.query, clock.nowMs()));
      const rs = await ch.client.query({
        query: `SELECT cdr_id, toUnixTimestamp64Milli(start_time) AS ms, type, duration_sec, bytes_up, bytes_down, called, charge_fen
                FROM ${table} FINAL WHERE ${where} ORDER BY start_time, cdr_id LIMIT 100000`,
        query_params: { msisdn, fromMs, toMs },
        format: 'JSONEachRow',
      });
      const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
      const lines = ['cdr_id,start_time,type,duration_sec,bytes_up,bytes_down,called,charge_yuan'];
      for (const x of await rs.json<Record<string, unknown>>()) {
        const called = String(x.called ?? '');
        lines.push(
          [
            String(x.cdr_id),
            shanghaiIso(int(x.ms)),
            String(x.type),
            String(int(x.duration_sec)),
            String(int(x.bytes_up)),
            String(int(x.bytes_down)),
            session.role === 'customer' || !called ? called : maskPhone(called),
            formatYuan(int(x.charge_fen)),
          ]
            .map(esc)
            .join(','),
        );
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="usage-${msisdn.slice(1)}.csv"`)
        .send(`\ufeff${lines.join('\n')}\n`);
    },
  );

  r.get(
    '/api/v1/levels',
    {
      schema: {
        tags: ['care'],
        summary: 'Level and points by phone, customer id or name (rule in domain/customer/level.ts)',
        querystring: Type.Object(
          {
            phone: Type.Optional(E164),
            customerId: Type.Optional(Type.String({ pattern: '^cus-[A-Za-z0-9_-]{1,40}$' })),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: [...staff, 'customer'] },
    },
    async (request) => {
      const session = who(request);
      const q = request.query;
      let found: CustomerRecord[] = [];
      if (session.role === 'customer') {
        const c = session.customerMsisdn ? await customerByMsisdn(ctx, session.customerMsisdn) : null;
        found = c ? [c.value] : [];
      } else if (q.phone) {
        const c = await customerByMsisdn(ctx, q.phone);
        found = c ? [c.value] : [];
      } else if (q.customerId) {
        const c = await ctx.customers.get(customerKey(q.customerId));
        found = c ? [c.value] : [];
      } else if (q.name) {
        const rs = await ch.client.query({
          query: `SELECT customer_id FROM ${ch.db}.care_customers FINAL WHERE positionCaseInsensitiveUTF8(name, {name:String}) > 0 ORDER BY customer_id LIMIT 20`,
          query_params: { name: q.name },
          format: 'JSONEachRow',
        });
        for (const row of await rs.json<{ customer_id: string }>()) {
          const c = await ctx.customers.get(customerKey(String(row.customer_id)));
          if (c) found.push(c.value);
        }
      } else throw new ValidationError('/phone', 'give phone, customerId or name');
      const now = clock.nowMs();
      const out = [];
      for (const c of found) {
        const rs = await ch.client.query({
          query: `SELECT sum(charge_fen) AS fen FROM ${table} WHERE msisdn = {msisdn:String} AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')`,
          query_params: { msisdn: c.mobile, fromMs: now - 365 * DAY_MS },
          format: 'JSONEachRow',
        });
        const spend = int((await rs.json<{ fen: unknown }>())[0]?.fen ?? 0);
        out.push({
          customerId: c.customerId,
          name: c.name,
          mobile: session.role === 'customer' ? c.mobile : maskPhone(c.mobile),
          spendFen12m: spend,
          ...levelOf(spend, c.registeredAtMs, now),
        });
      }
      return { results: out };
    },
  );
}
