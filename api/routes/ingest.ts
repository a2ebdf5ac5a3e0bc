import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock } from '../../domain/index.ts';
import type { Config } from '../../infra/config/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import { PipelinedPublisher, publishDeadLetter, type Nats } from '../../infra/nats/index.ts';
import { decideLines, parseNdjson } from '../../ingest/index.ts';
import { UnavailableError, ValidationError } from '../errors.ts';
import { ErrorBody } from '../schemas.ts';

/** Who may push CDRs over HTTP: the system operators (mediation jobs log in as one of them). */
export const ingestRoles = ['admin', 'noc'] as const;
export const MAX_INGEST_BODY_BYTES = 8 * 1024 * 1024;
export const MAX_INGEST_LINES = 20_000;
const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/ndjson'];

const Outcome = Type.Object({
  line: Type.Integer({ minimum: 1 }),
  status: Type.Union([Type.Literal('accepted'), Type.Literal('rejected')]),
  cdrId: Type.Optional(Type.String()),
  code: Type.Optional(
    Type.String({ description: 'stable reason code, e.g. schema, bad_json, unknown_cell' }),
  ),
  reason: Type.Optional(Type.String()),
  field: Type.Optional(Type.String({ description: 'JSON pointer of the field at fault' })),
});
const IngestAnswer = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  lines: Type.Array(Outcome),
});

export function ingestRoutes(
  app: FastifyInstance,
  deps: { nats: Nats; config: Config; clock: Clock; metrics: Metrics },
): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      NDJSON_TYPES,
      { parseAs: 'buffer', bodyLimit: MAX_INGEST_BODY_BYTES },
      (_req, body, done) => done(null, body),
    );
    const r = scope.withTypeProvider<TypeBoxTypeProvider>();
    r.post(
      '/api/v1/ingest/cdrs',
      {
        bodyLimit: MAX_INGEST_BODY_BYTES,
        schema: {
          tags: ['ingest'],
          summary: 'Push raw CDRs as NDJSON; answers which lines were accepted and which rejected and why',
          description:
            `Roles admin, noc. Body: one raw CDR JSON object per line (Content-Type application/x-ndjson), ` +
            `at most ${MAX_INGEST_LINES} lines and ${MAX_INGEST_BODY_BYTES} bytes. Accepted lines are durable ` +
            `on the CDR stream when the answer comes; rejected ones are also kept as dead letters. ` +
            `Posting the same body again changes nothing (ids derive from the content).`,
          consumes: NDJSON_TYPES,
          security: [{ cookieAuth: [] }],
          response: { 200: IngestAnswer, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 413: ErrorBody },
        },
        config: { roles: ingestRoles },
      },
      async (request) => {
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0)
          throw new ValidationError('/', 'send one CDR per line as application/x-ndjson');
        const records = parseNdjson(body);
        if (records.length === 0) throw new ValidationError('/', 'the body holds no lines');
        if (records.length > MAX_INGEST_LINES)
          throw new ValidationError('/', `at most ${MAX_INGEST_LINES} lines per request`);
        const d = decideLines(records, {
          source: 'http',
          scope: createHash('sha256').update(body).digest('base64url'),
          partitions: deps.config.CDR_PARTITIONS,
          nowMs: deps.clock.nowMs(),
        });
        const pub = new PipelinedPublisher(deps.nats.js, 256);
        try {
          await pub.publishAll(d.publishes, 3);
          for (const x of d.rejected) await publishDeadLetter(pub, x.info, x.original);
          await pub.flush();
        } catch {
          throw new UnavailableError('the event stream did not confirm; nothing is lost, send again');
        }
        deps.metrics.eventsIn.inc({ source: 'http', kind: 'cdr' }, d.accepted);
        for (const x of d.rejected) deps.metrics.deadLettered.inc({ source: 'http', code: x.info.code });
        return { accepted: d.accepted, rejected: d.rejected.length, lines: d.outcomes };
      },
    );
  });
}
