import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Kvm, type KV } from '@nats-io/kv';
import type { CompiledCatalog } from '../../domain/catalog/index.ts';
import { openingStateAt } from '../../domain/rating/index.ts';
import {
  allStates,
  explainCharge,
  readBalance,
  readProvisioning,
  reconcile,
  sinkWatermark,
  shownBreakdown,
  ShownBreakdown,
  storedFromRow,
  STORED_RATED_COLUMNS,
} from '../../processors/rating/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import type { ApiDeps } from '../app.ts';
import { sessionOf } from '../auth/index.ts';
import { ForbiddenError, NotFoundError, UnavailableError } from '../errors.ts';
import { maskMsisdn } from '../live/mask.ts';
import { E164, ErrorBody } from '../schemas.ts';

const Name = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });
const ExplanationBody = Type.Object({
  cdrId: Type.String(),
  msisdn: Type.String({ description: 'masked for staff' }),
  chargeFen: Type.Integer({ description: 'integer fen (分)' }),
  planId: Type.String(),
  planVersion: Type.Integer(),
  sentence: Name,
  breakdown: ShownBreakdown,
  windowNames: Type.Record(Type.String(), Name, {
    description: "the catalog's names of the time windows the breakdown's segments name (peak, night, …)",
  }),
  consistent: Type.Boolean({ description: 'the re-derived charge equals the charge taken' }),
  storedExplanation: Type.String({
    description:
      'what the record stores: its reason code (dest=…;win=…;inc=…), or the sentences versions before it stored',
  }),
});
const Bucket = Type.Object({
  totalUnits: Type.Integer(),
  usedUnits: Type.Integer(),
  leftUnits: Type.Integer(),
});
const BalanceBody = Type.Object({
  msisdn: E164,
  planId: Type.String(),
  planName: Type.Optional(Name),
  /** A plan change (套餐变更) waiting for the next period start, as charging holds it. */
  nextPlanId: Type.Optional(Type.String()),
  nextPlanName: Type.Optional(Name),
  payment: Type.String(),
  balanceFen: Type.Integer(),
  creditLimitFen: Type.Integer(),
  periodStartMs: Type.Integer(),
  periodEndMs: Type.Integer(),
  barred: Type.Boolean(),
  barReason: Type.Union([Type.String(), Type.Null()]),
  closedAtMs: Type.Optional(Type.Integer({ description: 'set once the line was closed (销户, 携出)' })),
  usageCharged: Type.Boolean({
    description:
      'false while charging has rated nothing on the line: the state it will start from (opening balance less the first fee, full allowances)',
  }),
  allowances: Type.Object({ voiceSec: Bucket, sms: Bucket, dataBytes: Bucket }),
});
const Drift = Type.Object({
  msisdn: Type.String(),
  lastBalanceFen: Type.Integer(),
  ledgerSumFen: Type.Integer(),
});
const Behind = Type.Object({
  msisdn: Type.String(),
  balanceFen: Type.Integer(),
  ledgerSumFen: Type.Integer(),
});
const ReconciliationBody = Type.Object({
  atMs: Type.Integer(),
  sumDebitsFen: Type.Integer(),
  sumChargesFen: Type.Integer(),
  debitsMatchCharges: Type.Boolean(),
  subscribersChecked: Type.Integer(),
  ledgerDrift: Type.Array(Drift, {
    description:
      'lines whose ledger does not add up to the balance its last entry reports (first 100): a fault',
  }),
  stateBehindLedger: Type.Array(Behind, {
    description:
      'lines whose saved balance differs from their ledger sum (first 100). Saved states trail by up to one checkpoint, so under live traffic this lists lines with very recent usage and is not a fault; with traffic idle it must be empty',
  }),
  ok: Type.Boolean({ description: 'Σ usage debits = Σ rated charges and no ledger drift' }),
  uptoStreamSeq: Type.Optional(
    Type.Integer({
      minimum: 0,
      description:
        'only rows of RATED messages up to this sequence were compared: all of them are in ClickHouse (the sink acked them); rows still being written are left for the next run',
    }),
  ),
});

const staffAndCustomer = ['agent', 'noc', 'supervisor', 'admin', 'customer'] as const;

const num = (v: unknown) => Number(v ?? 0);
const str = (v: unknown) => String(v ?? '');

/** The customer may only look at their own line; staff roles at any. */
function assertMayRead(request: Parameters<typeof sessionOf>[0], msisdn: string): void {
  const s = sessionOf(request);
  if (s.role === 'customer' && s.customerMsisdn !== msisdn)
    throw new ForbiddenError('customers may only see their own line');
}

/** Charging reads: explain a charge, a line's balance and allowances, reconciliation. */
export function chargingRoutes(app: FastifyInstance, deps: ApiDeps & { catalog?: CompiledCatalog }): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const catalog = deps.catalog ?? loadCatalogFile('catalog/default.json');
  let balances: Promise<KV> | null = null;
  const balancesKv = () => (balances ??= new Kvm(deps.nats.nc).open('balances'));
  let lines: Promise<KV> | null = null;
  const linesKv = () => (lines ??= new Kvm(deps.nats.nc).open('subscribers'));
  /**
   * A line charging has not rated anything on yet has no saved state: answer the state charging
   * will start from (a customer who logs in before their first call sees their balance and full
   * allowances, not "no data").
   */
  const openingState = async (msisdn: string) => {
    const p = await linesKv()
      .then((kv) => readProvisioning(kv, msisdn))
      .catch(() => null);
    if (!p || !catalog.plans.has(p.planId)) return null;
    return openingStateAt(catalog, p, deps.clock.nowMs());
  };

  r.get(
    '/api/v1/cdrs/:id/explanation',
    {
      schema: {
        tags: ['charging'],
        summary: 'Why a CDR cost what it cost: structured breakdown and one sentence in zh-CN and en',
        security: [{ cookieAuth: [] }],
        params: Type.Object(
          { id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' }) },
          { additionalProperties: false },
        ),
        response: { 200: ExplanationBody, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const rs = await deps.ch.client.query({
        query: `SELECT ${STORED_RATED_COLUMNS}
                FROM ${deps.ch.db}.cdr_rated WHERE cdr_id = {id:String} LIMIT 1`,
        query_params: { id: request.params.id },
        format: 'JSONEachRow',
      });
      const row = (await rs.json<Record<string, unknown>>())[0];
      if (!row) throw new NotFoundError(`no rated CDR ${request.params.id}`);
      const stored = storedFromRow(row);
      if (!stored) throw new UnavailableError(`stored CDR has type ${str(row.type)}`);
      const msisdn = stored.msisdn;
      assertMayRead(request, msisdn);
      const e = explainCharge(catalog, stored);
      // The balance after this charge is a fact of the line's state then: its ledger entry has it.
      const ledger = await deps.ch.client.query({
        query: `SELECT balance_after_fen FROM ${deps.ch.db}.ledger
                WHERE msisdn = {msisdn:String} AND key = {key:String} LIMIT 1`,
        query_params: { msisdn, key: `cdr:${stored.cdrId}` },
        format: 'JSONEachRow',
      });
      const entry = (await ledger.json<{ balance_after_fen: unknown }>())[0];
      return {
        cdrId: str(row.cdr_id),
        msisdn: sessionOf(request).role === 'customer' ? msisdn : maskMsisdn(msisdn),
        chargeFen: num(row.charge_fen),
        planId: str(row.plan_id),
        planVersion: num(row.plan_version),
        sentence: e.sentence,
        breakdown: shownBreakdown(e.breakdown, entry ? num(entry.balance_after_fen) : null),
        windowNames: Object.fromEntries(
          e.breakdown.segments.map((g) => [
            g.window,
            catalog.windows.nameById.get(g.window) ?? { 'zh-CN': g.window, en: g.window },
          ]),
        ),
        consistent: e.consistent,
        storedExplanation: str(row.explanation),
      };
    },
  );

  r.get(
    '/api/v1/subscribers/:msisdn/balance',
    {
      schema: {
        tags: ['charging'],
        summary: 'Balance (fen), allowances left and validity of a line, as charging last saved it',
        security: [{ cookieAuth: [] }],
        params: Type.Object({ msisdn: E164 }, { additionalProperties: false }),
        response: { 200: BalanceBody, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const { msisdn } = request.params;
      assertMayRead(request, msisdn);
      const saved = await readBalance(await balancesKv(), deps.config.CDR_PARTITIONS, msisdn);
      const s = saved ?? (await openingState(msisdn));
      if (!s) throw new NotFoundError(`no line ${maskMsisdn(msisdn)} is provisioned for charging`);
      const left = (b: { totalUnits: number; usedUnits: number }) => ({
        totalUnits: b.totalUnits,
        usedUnits: b.usedUnits,
        leftUnits: Math.max(0, b.totalUnits - b.usedUnits),
      });
      return {
        msisdn,
        planId: s.planId,
        // the plan's name as the catalog the API loaded has it (absent for a plan it does not know)
        ...(catalog.plans.has(s.planId) ? { planName: catalog.plans.get(s.planId)!.name } : {}),
        ...(s.nextPlanId ? { nextPlanId: s.nextPlanId } : {}),
        ...(s.nextPlanId && catalog.plans.has(s.nextPlanId)
          ? { nextPlanName: catalog.plans.get(s.nextPlanId)!.name }
          : {}),
        payment: s.payment,
        balanceFen: s.balanceFen,
        creditLimitFen: s.creditLimitFen,
        periodStartMs: s.periodStartMs,
        periodEndMs: s.periodEndMs,
        barred: s.barred,
        barReason: s.barReason,
        ...(s.closedAtMs !== undefined ? { closedAtMs: s.closedAtMs } : {}),
        usageCharged: saved !== null,
        allowances: {
          voiceSec: left(s.allowances.voice),
          sms: left(s.allowances.sms),
          dataBytes: left(s.allowances.data),
        },
      };
    },
  );

  r.get(
    '/api/v1/charging/reconciliation',
    {
      schema: {
        tags: ['charging'],
        summary: 'Run the reconciliation check: Σ ledger debits = Σ rated charges; every ledger adds up',
        security: [{ cookieAuth: [] }],
        response: { 200: ReconciliationBody, 401: ErrorBody, 403: ErrorBody },
      },
      config: { roles: ['noc', 'supervisor', 'admin'] },
    },
    async () => {
      const upto = await sinkWatermark(deps.nats);
      return reconcile(deps.ch, await allStates(deps.nats.js), deps.clock.nowMs(), upto);
    },
  );
}
