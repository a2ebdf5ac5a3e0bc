import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Kvm } from '@nats-io/kv';
import { loadCatalog, type CompiledCatalog } from '../../domain/catalog/index.ts';
import { PipelinedPublisher } from '../../infra/nats/index.ts';
import { applyRerate, planRerate, type RerateResult } from '../../processors/rating/index.ts';
import type { ApiDeps } from '../app.ts';
import { ValidationError } from '../errors.ts';
import { E164, ErrorBody } from '../schemas.ts';

const MAX_RANGE_MS = 366 * 86_400_000;

const Body = Type.Object(
  {
    fromMs: Type.Integer({
      minimum: 946_684_800_000,
      maximum: 4_102_444_800_000,
      description: 'inclusive, epoch ms',
    }),
    toMs: Type.Integer({
      minimum: 946_684_800_000,
      maximum: 4_102_444_800_000,
      description: 'exclusive, epoch ms',
    }),
    msisdn: Type.Optional(E164),
    catalog: Type.Object(
      {},
      { additionalProperties: true, description: 'the candidate catalog (same schema as the catalog file)' },
    ),
  },
  { additionalProperties: false },
);
const Line = Type.Object({
  msisdn: Type.String(),
  cdrs: Type.Integer(),
  oldFen: Type.Integer(),
  newFen: Type.Integer(),
  diffFen: Type.Integer(),
});
const Result = Type.Object({
  rerateId: Type.String(),
  catalogVersion: Type.String(),
  fromMs: Type.Integer(),
  toMs: Type.Integer(),
  cdrs: Type.Integer(),
  lines: Type.Array(Line),
  totals: Type.Object({ oldFen: Type.Integer(), newFen: Type.Integer(), diffFen: Type.Integer() }),
  appliedAtMs: Type.Optional(Type.Integer()),
  alreadyApplied: Type.Optional(Type.Boolean()),
});

function candidate(body: { fromMs: number; toMs: number; catalog: unknown }): CompiledCatalog {
  if (body.toMs <= body.fromMs) throw new ValidationError('/toMs', 'must be after fromMs');
  if (body.toMs - body.fromMs > MAX_RANGE_MS)
    throw new ValidationError('/toMs', 'a rerate covers at most one year');
  const r = loadCatalog(body.catalog);
  if (!r.ok) {
    const e = r.errors[0]!;
    throw new ValidationError(`/catalog${e.path === '/' ? '' : e.path}`, `${e.message} (${e.code})`);
  }
  return r.catalog;
}

/** Rerating (重新批价): a dry run lists old / new / difference per line; applying it compensates through the ledger, once. */
export function rerateRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const roles = ['supervisor', 'admin'] as const;
  const publisher = new PipelinedPublisher(deps.nats.js, 128);
  r.post(
    '/api/v1/charging/rerates/dry-run',
    {
      schema: {
        tags: ['charging'],
        summary: 'Rerate dry run: per line, old charge / new charge / difference under a candidate catalog',
        security: [{ cookieAuth: [] }],
        body: Body,
        response: { 200: Result, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
      config: { roles },
    },
    async (request): Promise<RerateResult> => {
      const catalog = candidate(request.body);
      return planRerate(deps.ch, catalog, request.body);
    },
  );
  r.post(
    '/api/v1/charging/rerates',
    {
      schema: {
        tags: ['charging'],
        summary:
          'Apply a rerate: one compensating ledger adjustment per line; applying the same rerate again changes nothing',
        security: [{ cookieAuth: [] }],
        body: Body,
        response: { 200: Result, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
      config: { roles },
    },
    async (request) => {
      const catalog = candidate(request.body);
      const plan = await planRerate(deps.ch, catalog, request.body);
      const checkpoints = await new Kvm(deps.nats.nc).open('checkpoints');
      const applied = await applyRerate(plan, {
        checkpoints,
        publisher,
        partitions: deps.config.CDR_PARTITIONS,
        nowMs: deps.clock.nowMs(),
      });
      request.log.info(
        { rerateId: applied.rerateId, lines: applied.lines.length, alreadyApplied: applied.alreadyApplied },
        'rerate applied',
      );
      return applied;
    },
  );
}
