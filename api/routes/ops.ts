import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { pingClickHouse, type ClickHouse } from '../../infra/clickhouse/index.ts';
import { streams, type Nats } from '../../infra/nats/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import { withTimeout } from '../timeout.ts';

const PROBE_MS = 1500;

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  nats: Type.Object({ ok: Type.Boolean() }),
  clickhouse: Type.Object({ ok: Type.Boolean(), mode: Type.String() }),
});

async function natsOk(nats: Nats): Promise<boolean> {
  if (nats.nc.isClosed()) return false;
  return withTimeout(
    nats.jsm.getAccountInfo().then(() => true),
    PROBE_MS,
    false,
  );
}

/** Sets the lag gauge from every durable consumer of every stream, within a time bound. */
async function refreshLag(nats: Nats, metrics: Metrics): Promise<void> {
  if (nats.nc.isClosed()) return;
  const collect = async () => {
    const values: { stream: string; consumer: string; lag: number }[] = [];
    for (const s of streams) {
      for await (const ci of nats.jsm.consumers.list(s.name))
        values.push({ stream: s.name, consumer: ci.name, lag: ci.num_pending + ci.num_ack_pending });
    }
    return values;
  };
  const values = await withTimeout(collect(), PROBE_MS, null);
  if (!values) return; // keep the last known values rather than publish a partial picture
  metrics.consumerLag.reset();
  for (const v of values) metrics.consumerLag.set({ stream: v.stream, consumer: v.consumer }, v.lag);
}

export function opsRoutes(
  app: FastifyInstance,
  deps: { nats: Nats; ch: ClickHouse; metrics: Metrics },
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/healthz',
    {
      schema: {
        tags: ['ops'],
        summary: 'Liveness of NATS and ClickHouse; 503 when either is down',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const [n, c] = await Promise.all([natsOk(deps.nats), pingClickHouse(deps.ch, PROBE_MS)]);
      const ok = n && c;
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'degraded',
        nats: { ok: n },
        clickhouse: { ok: c, mode: deps.ch.mode },
      });
    },
  );

  r.get(
    '/metrics',
    {
      schema: {
        tags: ['ops'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      await refreshLag(deps.nats, deps.metrics);
      const { contentType, text } = await deps.metrics.exposition();
      return reply.type(contentType).send(text);
    },
  );

  r.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
