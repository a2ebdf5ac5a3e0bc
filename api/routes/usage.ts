import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { OwnerSince } from './owner-since.ts';
import type { ClickHouse } from '../../infra/clickhouse/index.ts';
import type { Clock } from '../../domain/index.ts';
import type { CompiledCatalog } from '../../domain/catalog/index.ts';
import { rowExplanationText } from '../../processors/rating/index.ts';
import { ForbiddenError, UnavailableError, ValidationError } from '../errors.ts';
import { E164, ErrorBody } from '../schemas.ts';
import { sessionOf } from '../auth/index.ts';

const DAY_MS = 86_400_000;

const Params = Type.Object({ msisdn: E164 }, { additionalProperties: false });
const Query = Type.Object(
  {
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'inclusive; default: 30 days before `to`' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'exclusive; default: now' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);

const UsageRow = Type.Object({
  cdrId: Type.String(),
  type: Type.String({ description: 'voice | sms | data' }),
  startMs: Type.Integer(),
  durationSec: Type.Integer(),
  bytesUp: Type.Integer(),
  bytesDown: Type.Integer(),
  calledNumber: Type.String(),
  region: Type.String(),
  cellId: Type.String(),
  roaming: Type.Boolean(),
  planId: Type.String(),
  planVersion: Type.Integer(),
  chargeFen: Type.Integer({ description: 'integer fen (分)' }),
  explanation: Type.String({
    description:
      "why it cost that: '<zh-CN sentence> | <en sentence>', rendered from the record's reason code",
  }),
  ratedAtMs: Type.Integer(),
});
const Usage = Type.Object({
  msisdn: E164,
  fromMs: Type.Integer(),
  toMs: Type.Integer(),
  totals: Type.Object({
    count: Type.Integer(),
    chargeFen: Type.Integer(),
    bytes: Type.Integer(),
    durationSec: Type.Integer(),
  }),
  rows: Type.Array(UsageRow),
});
type UsageRow = Static<typeof UsageRow>;

/** ClickHouse JSON returns 64-bit integers as strings: convert, refusing anything not a safe integer. */
function int(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(String(v));
  if (!Number.isSafeInteger(n)) throw new UnavailableError('usage store returned a non-integer value');
  return n;
}
const str = (v: unknown) => (typeof v === 'string' ? v : String(v ?? ''));

function parseTime(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new ValidationError(field, 'must be an ISO 8601 date-time');
  return ms;
}

function toRow(r: Record<string, unknown>, catalog: CompiledCatalog): UsageRow {
  return {
    cdrId: str(r.cdr_id),
    type: str(r.type),
    startMs: int(r.start_ms),
    durationSec: int(r.duration_sec),
    bytesUp: int(r.bytes_up),
    bytesDown: int(r.bytes_down),
    calledNumber: str(r.called),
    region: str(r.region),
    cellId: str(r.cell_id),
    roaming: int(r.roaming) === 1,
    planId: str(r.plan_id),
    planVersion: int(r.plan_version),
    chargeFen: int(r.charge_fen),
    explanation: rowExplanationText(catalog, r),
    ratedAtMs: int(r.rated_ms),
  };
}

export const usageRoles = ['agent', 'noc', 'supervisor', 'admin', 'customer'] as const;

export function usageRoutes(
  app: FastifyInstance,
  deps: { ch: ClickHouse; clock: Clock; catalog: CompiledCatalog; ownerSince?: OwnerSince },
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const table = `${deps.ch.db}.cdr_rated`;
  r.get(
    '/api/v1/subscribers/:msisdn/usage',
    {
      schema: {
        tags: ['subscribers'],
        summary: "A subscriber's rated usage, newest first, with totals over the period",
        description: 'Staff roles agent, noc, supervisor, admin; a customer only for their own number.',
        security: [{ cookieAuth: [] }],
        params: Params,
        querystring: Query,
        response: { 200: Usage, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
      config: { roles: usageRoles },
    },
    async (request) => {
      const { msisdn } = request.params;
      const session = sessionOf(request);
      if (session.role === 'customer' && session.customerMsisdn !== msisdn)
        throw new ForbiddenError('customers may only read their own usage');
      const toMs = parseTime(request.query.to, '/to', deps.clock.nowMs());
      const asked = parseTime(request.query.from, '/from', toMs - 30 * DAY_MS);
      if (asked >= toMs) throw new ValidationError('/from', 'must be before `to`');
      // a customer reads from when the line became theirs (过户), not the previous owner's usage
      const since = session.role === 'customer' && deps.ownerSince ? await deps.ownerSince(msisdn) : 0;
      const fromMs = Math.min(Math.max(asked, since), toMs);
      const query_params = { msisdn, fromMs, toMs, limit: request.query.limit };
      const where = `msisdn = {msisdn:String}
        AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
        AND start_time < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')`;
      const [rowsRs, totalsRs] = await Promise.all([
        deps.ch.client.query({
          query: `SELECT cdr_id, type, toUnixTimestamp64Milli(start_time) AS start_ms, duration_sec, bytes_up, bytes_down,
                    called, region, cell_id, roaming, plan_id, plan_version, charge_fen, explanation,
                    direction, allowance_used,
                    toUnixTimestamp64Milli(rated_at) AS rated_ms
                  FROM ${table} FINAL WHERE ${where}
                  ORDER BY start_time DESC, cdr_id DESC LIMIT {limit:UInt32}`,
          query_params,
          format: 'JSONEachRow',
        }),
        deps.ch.client.query({
          query: `SELECT count() AS count, sum(charge_fen) AS charge_fen, sum(bytes_up + bytes_down) AS bytes,
                    sum(duration_sec) AS duration_sec
                  FROM ${table} FINAL WHERE ${where}`,
          query_params,
          format: 'JSONEachRow',
        }),
      ]);
      const rows = (await rowsRs.json<Record<string, unknown>>()).map((row) => toRow(row, deps.catalog));
      const t = (await totalsRs.json<Record<string, unknown>>())[0] ?? {};
      return {
        msisdn,
        fromMs,
        toMs,
        totals: {
          count: int(t.count ?? 0),
          chargeFen: int(t.charge_fen ?? 0),
          bytes: int(t.bytes ?? 0),
          durationSec: int(t.duration_sec ?? 0),
        },
        rows,
      };
    },
  );
}
