import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ClickHouse } from '../../infra/clickhouse/index.ts';
import { streams, type Nats } from '../../infra/nats/index.ts';
import { countDeadLetters } from '../../ingest/index.ts';
import { ValidationError } from '../errors.ts';
import { ErrorBody } from '../schemas.ts';
import { withTimeout } from '../timeout.ts';
import { MAX_POINTS, querySeries, SeriesBy, SeriesFields, SeriesMetric } from './noc-history-series.ts';

const nocRoles = ['noc', 'supervisor', 'admin'] as const;

const Row = Type.Object({
  minuteMs: Type.Integer(),
  region: Type.String(),
  type: Type.String(),
  cdrs: Type.Integer(),
  chargeFen: Type.Integer(),
  bytes: Type.Integer(),
  durationSec: Type.Integer(),
});
const EpochMs = Type.Integer({ minimum: 0, maximum: 4_102_444_800_000, description: 'epoch ms' });
const HistoryQuery = Type.Object(
  {
    minutes: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 7 * 1440, description: 'rows: minutes back from now' }),
    ),
    from: Type.Optional(EpochMs),
    to: Type.Optional(EpochMs),
    step: Type.Optional(
      Type.Integer({ minimum: 60, maximum: 86_400, description: 'bucket width in seconds' }),
    ),
    by: Type.Optional(SeriesBy),
    metric: Type.Optional(SeriesMetric),
  },
  { additionalProperties: false },
);
const History = Type.Object({
  fromMs: Type.Integer(),
  toMs: Type.Integer(),
  rows: Type.Optional(Type.Array(Row, { description: 'per minute, region and service; oldest first' })),
  ...SeriesFields,
});
const Pipeline = Type.Object({
  atMs: Type.Integer(),
  consumers: Type.Array(Type.Object({ stream: Type.String(), consumer: Type.String(), lag: Type.Integer() })),
  deadLetters: Type.Object({
    total: Type.Integer(),
    counts: Type.Array(Type.Object({ source: Type.String(), code: Type.String(), count: Type.Integer() })),
  }),
});

/**
 * Small read routes for the NOC dashboard: per-minute usage history (from `usage_minute`) and the
 * pipeline's health (consumer lag and dead-letter counts) as JSON rather than Prometheus text.
 */
export function nocHistoryRoutes(app: FastifyInstance, deps: { nats: Nats; ch: ClickHouse }): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/noc/history',
    {
      schema: {
        tags: ['noc'],
        summary:
          'Usage history for the NOC charts: columns per bucket, or rows per minute, region and service',
        description:
          'Roles noc, supervisor, admin. With `from` (epoch ms; `to` default now; `step` seconds, a whole ' +
          'number of minutes dividing a day, default the finest giving at most ' +
          `${MAX_POINTS} points; \`by\` type or region; \`metric\`): \`{ t, series: [{ name, values }] }\`, ` +
          'each value the sum over its bucket, summed in ClickHouse. Without `from`: the rows of the last ' +
          '`minutes` (default one day), per minute, region and service.',
        security: [{ cookieAuth: [] }],
        querystring: HistoryQuery,
        response: { 200: History, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
      config: { roles: nocRoles },
    },
    async (request) => {
      const q = request.query;
      if (q.from !== undefined) {
        if (q.minutes !== undefined)
          throw new ValidationError('/minutes', 'give either minutes or from, not both');
        return querySeries(
          deps.ch,
          { from: q.from, to: q.to, step: q.step, by: q.by ?? 'type', metric: q.metric ?? 'cdrs' },
          Date.now(),
        );
      }
      for (const f of ['to', 'step', 'by', 'metric'] as const)
        if (q[f] !== undefined) throw new ValidationError('/from', `required with ${f}`);
      const toMs = Date.now();
      const fromMs = toMs - (q.minutes ?? 1440) * 60_000;
      const rs = await deps.ch.client.query({
        query: `SELECT toUnixTimestamp(minute) * 1000 AS minuteMs, region, type,
                       sum(cdrs) AS cdrs, sum(charge_fen) AS chargeFen, sum(bytes) AS bytes,
                       sum(duration_sec) AS durationSec
                FROM ${deps.ch.db}.usage_minute
                WHERE minute >= toDateTime({from:UInt32}, 'UTC')
                GROUP BY minute, region, type ORDER BY minute, region, type LIMIT 200000`,
        query_params: { from: Math.floor(fromMs / 1000) },
        format: 'JSONEachRow',
      });
      const raw = await rs.json<Record<string, string | number>>();
      const rows = raw.map((x) => ({
        minuteMs: Number(x.minuteMs),
        region: String(x.region),
        type: String(x.type),
        cdrs: Number(x.cdrs),
        chargeFen: Number(x.chargeFen),
        bytes: Number(x.bytes),
        durationSec: Number(x.durationSec),
      }));
      return { fromMs, toMs, rows };
    },
  );
  r.get(
    '/api/v1/noc/pipeline',
    {
      schema: {
        tags: ['noc'],
        summary: 'Processor lag per durable consumer and dead-letter counts, as JSON',
        description: 'Roles noc, supervisor, admin.',
        security: [{ cookieAuth: [] }],
        response: { 200: Pipeline, 401: ErrorBody, 403: ErrorBody },
      },
      config: { roles: nocRoles },
    },
    async () => {
      const collect = async () => {
        const out: { stream: string; consumer: string; lag: number }[] = [];
        for (const s of streams)
          for await (const ci of deps.nats.jsm.consumers.list(s.name))
            out.push({ stream: s.name, consumer: ci.name, lag: ci.num_pending + ci.num_ack_pending });
        return out;
      };
      const [consumers, counts] = await Promise.all([
        withTimeout(collect(), 1500, []),
        withTimeout(countDeadLetters(deps.nats), 1500, []),
      ]);
      return {
        atMs: Date.now(),
        consumers,
        deadLetters: { total: counts.reduce((a, c) => a + c.count, 0), counts },
      };
    },
  );
}
