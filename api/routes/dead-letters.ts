import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Gauge } from 'prom-client';
import type { Metrics } from '../../infra/metrics/index.ts';
import type { Nats } from '../../infra/nats/index.ts';
import { countDeadLetters, listDeadLetters, reprocessDeadLetters } from '../../ingest/index.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { ErrorBody } from '../schemas.ts';
import { withTimeout } from '../timeout.ts';

export const deadLetterReadRoles = ['noc', 'supervisor', 'admin'] as const;
export const deadLetterWriteRoles = ['noc', 'admin'] as const;

const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Source = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_:-]+$' });
const Count = Type.Object({ source: Type.String(), code: Type.String(), count: Type.Integer() });
const Entry = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  source: Type.String(),
  code: Type.String(),
  reason: Type.String(),
  field: Type.Optional(Type.String()),
  itemIndex: Type.Optional(Type.Integer()),
  originalSubject: Type.String(),
  atMs: Type.Integer(),
  bytes: Type.Integer(),
  preview: Type.String({ description: 'start of the original bytes as text' }),
});
const ListAnswer = Type.Object({
  total: Type.Integer({ description: 'entries matching the filter' }),
  counts: Type.Array(Count, { description: 'by source and reason code, largest first' }),
  entries: Type.Array(Entry, { description: 'oldest first, up to limit' }),
  unreadable: Type.Integer(),
});
const ReprocessBody = Type.Union([
  Type.Object({ seq: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  Type.Object({ code: Code, source: Type.Optional(Source) }, { additionalProperties: false }),
]);
const ReprocessAnswer = Type.Object({
  republished: Type.Integer(),
  failed: Type.Array(Type.Object({ seq: Type.Integer(), code: Type.String(), reason: Type.String() })),
});

const PENDING = 'streambss_dead_letters_pending';

/** `/metrics` shows what the DLQ holds now, by source and reason (read from the stream at scrape). */
function pendingGauge(nats: Nats, metrics: Metrics): void {
  if (metrics.registry.getSingleMetric(PENDING)) return;
  new Gauge({
    name: PENDING,
    help: 'Dead letters currently kept on the DLQ stream, by source and reason code',
    labelNames: ['source', 'code'] as const,
    registers: [metrics.registry],
    async collect() {
      const counts = await withTimeout(countDeadLetters(nats), 1500, null);
      if (!counts) return;
      this.reset();
      for (const c of counts) this.set({ source: c.source, code: c.code }, c.count);
    },
  });
}

export function deadLetterRoutes(app: FastifyInstance, deps: { nats: Nats; metrics: Metrics }): void {
  pendingGauge(deps.nats, deps.metrics);
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/v1/dead-letters',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Dead letters with their reason, source and original bytes; counts by reason',
        description: 'Roles noc, supervisor, admin.',
        security: [{ cookieAuth: [] }],
        querystring: Type.Object(
          {
            code: Type.Optional(Code),
            source: Type.Optional(Source),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: ListAnswer, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
      config: { roles: deadLetterReadRoles },
    },
    async (request) => {
      const { code, source, limit } = request.query;
      return listDeadLetters(deps.nats, { code, source }, limit);
    },
  );
  r.post(
    '/api/v1/dead-letters/reprocess',
    {
      schema: {
        tags: ['ingest'],
        summary:
          'Send dead letters back after a fix: one (by seq) or all of a reason (code, optional source)',
        description:
          'Roles noc, admin. Each entry is republished to its original subject with a new message id and ' +
          'removed from the DLQ once the stream acknowledged it; one that fails again becomes a new dead letter.',
        security: [{ cookieAuth: [] }],
        body: ReprocessBody,
        response: { 200: ReprocessAnswer, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      config: { roles: deadLetterWriteRoles },
    },
    async (request) => {
      const b = request.body;
      const target = 'seq' in b ? { seq: b.seq } : { code: b.code, source: b.source };
      const result = await reprocessDeadLetters(deps.nats, target);
      if ('seq' in b && result.failed[0]?.code === 'DLQ_NOT_FOUND')
        throw new NotFoundError(result.failed[0].reason);
      if ('seq' in b && result.failed[0]?.code === 'DLQ_NOT_REPROCESSABLE')
        throw new ValidationError('/seq', result.failed[0].reason);
      return result;
    },
  );
}
