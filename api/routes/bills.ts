import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { KV } from '@nats-io/kv';
import type { OwnerSince } from './owner-since.ts';
import { MONTH_PATTERN } from '../../domain/billing/index.ts';
import type { CompiledCatalog } from '../../domain/catalog/index.ts';
import type { Bill } from '../../domain/rating/index.ts';
import { BillingError, closePeriod, openBillsBucket, readBills } from '../../processors/billing/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import type { ApiDeps } from '../app.ts';
import { sessionOf } from '../auth/index.ts';
import { ApiError, ForbiddenError, NotFoundError, UnavailableError } from '../errors.ts';
import { maskMsisdn } from '../live/mask.ts';
import { E164, ErrorBody } from '../schemas.ts';

const Month = Type.String({
  pattern: MONTH_PATTERN,
  maxLength: 7,
  description: 'billing month YYYY-MM (Asia/Shanghai)',
});
const Name = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });
const BillView = Type.Object({
  billId: Type.String({ description: 'bill:<msisdn>:<periodStartMs> (number masked for staff)' }),
  msisdn: Type.String({ description: 'masked for staff' }),
  period: Type.String({ description: 'YYYY-MM of the period start' }),
  planId: Type.String(),
  planVersion: Type.Integer(),
  periodStartMs: Type.Integer(),
  periodEndMs: Type.Integer(),
  issuedAtMs: Type.Integer(),
  dueAtMs: Type.Integer(),
  lines: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Name,
      amountFen: Type.Integer({ description: 'fen; discounts negative' }),
    }),
  ),
  totalFen: Type.Integer(),
  amountDueFen: Type.Integer(),
  supplements: Type.Optional(
    Type.String({
      description:
        '补收账单: the billId of the same period this bill adds late charges to (masked for staff)',
    }),
  ),
});
const LineParams = Type.Object({ msisdn: E164 }, { additionalProperties: false });

const readers = ['agent', 'supervisor', 'admin', 'customer'] as const;

/** Postpaid bills (账单): close a month, and read a line's bills (customers: their own line only). */
export function billRoutes(
  app: FastifyInstance,
  deps: ApiDeps & { catalog?: CompiledCatalog; ownerSince?: OwnerSince },
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const catalog = deps.catalog ?? loadCatalogFile(deps.config.CATALOG_FILE);
  let bucket: Promise<KV> | null = null;
  const bills = async () => {
    try {
      return await (bucket ??= openBillsBucket(deps.nats.nc));
    } catch (err) {
      bucket = null;
      throw new UnavailableError(`bill store unavailable: ${(err as Error).message.slice(0, 100)}`);
    }
  };
  const visible = (request: Parameters<typeof sessionOf>[0], msisdn: string) => {
    const s = sessionOf(request);
    if (s.role === 'customer' && s.customerMsisdn !== msisdn)
      throw new ForbiddenError('customers may only see their own bills');
    const full = s.role === 'customer';
    const id = (billId: string, msisdn: string) =>
      full ? billId : billId.replace(msisdn, maskMsisdn(msisdn));
    return (b: Bill) => ({
      ...b,
      billId: id(b.billId, b.msisdn),
      ...(b.supplements ? { supplements: id(b.supplements, b.msisdn) } : {}),
      msisdn: full ? b.msisdn : maskMsisdn(b.msisdn),
      period: new Date(b.periodStartMs + 8 * 3_600_000).toISOString().slice(0, 7),
    });
  };

  /** A customer's bills start with the first period of their own (the line may have changed hands). */
  const tenure = async (request: FastifyRequest, msisdn: string) => {
    const since =
      sessionOf(request).role === 'customer' && deps.ownerSince ? await deps.ownerSince(msisdn) : 0;
    return (b: Bill) => b.periodStartMs >= since;
  };

  r.get(
    '/api/v1/subscribers/:msisdn/bills',
    {
      schema: {
        tags: ['billing'],
        summary: "A postpaid line's bills, newest first",
        security: [{ cookieAuth: [] }],
        params: LineParams,
        response: {
          200: Type.Object({ bills: Type.Array(BillView) }),
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
        },
      },
      config: { roles: readers },
    },
    async (request) => {
      const { msisdn } = request.params;
      const show = visible(request, msisdn);
      const mine = await tenure(request, msisdn);
      return { bills: (await readBills(await bills(), msisdn)).filter(mine).map(show) };
    },
  );

  r.get(
    '/api/v1/subscribers/:msisdn/bills/:period',
    {
      schema: {
        tags: ['billing'],
        summary: 'The bill of one month: lines (monthly fee, discount, overage by service), total, due date',
        security: [{ cookieAuth: [] }],
        params: Type.Object({ msisdn: E164, period: Month }, { additionalProperties: false }),
        response: {
          200: Type.Object({ period: Type.String(), bills: Type.Array(BillView) }),
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
        },
      },
      config: { roles: readers },
    },
    async (request) => {
      const { msisdn, period } = request.params;
      const show = visible(request, msisdn);
      const found = (await readBills(await bills(), msisdn, period)).filter(await tenure(request, msisdn));
      if (found.length === 0) throw new NotFoundError(`no bill for ${maskMsisdn(msisdn)} in ${period}`);
      return { period, bills: found.map(show) };
    },
  );

  r.post(
    '/api/v1/bills/close',
    {
      schema: {
        tags: ['billing'],
        summary:
          'Close a month for postpaid lines: one bill per period started in it (idempotent: closing again returns the same bills, moves no money); charges that reached a billed period later (迟到话单) get a 补收账单',
        security: [{ cookieAuth: [] }],
        body: Type.Object({ period: Month }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            period: Type.String(),
            lines: Type.Integer(),
            issued: Type.Integer(),
            existing: Type.Integer(),
            supplementary: Type.Integer({
              description: '补收账单 issued by this run (counted in issued too)',
            }),
            totalFen: Type.Integer(),
            notBilled: Type.Integer(),
          }),
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          409: ErrorBody,
        },
      },
      config: { roles: ['supervisor', 'admin'] },
    },
    async (request) => {
      try {
        const rep = await closePeriod(
          { nats: deps.nats, catalog, nowMs: deps.clock.nowMs(), bills: await bills() },
          request.body.period,
        );
        request.log.info(
          {
            period: rep.period,
            issued: rep.issued,
            existing: rep.existing,
            actor: sessionOf(request).username,
          },
          'billing period closed',
        );
        const { bills: _b, notBilled, ...counts } = rep;
        return { ...counts, notBilled: notBilled.length };
      } catch (err) {
        if (err instanceof BillingError)
          throw new ApiError(
            err.code === 'BAD_PERIOD' ? 'VALIDATION_FAILED' : 'INVALID_STATE',
            err.message,
            '/period',
          );
        throw err;
      }
    },
  );
}
