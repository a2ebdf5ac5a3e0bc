import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { compile, formatYuan } from '../../../domain/index.ts';
import { maskIdNumber } from '../../../domain/customer/index.ts';
import { ApiError, NotFoundError } from '../../errors.ts';
import { staff, staffAndCustomer, who, type CareContext } from './context.ts';
import { loadCustomer } from './customer-view.ts';
import { orderKey, orderRepo, orderView, saveStep, transition } from './order-store.ts';
import { planOf } from './plans.ts';
import { actorOf } from './recorder.ts';
import { Repo } from './store.ts';
import { renderContractPdf } from './pdf.ts';

export const CARRIER = 'StreamBSS 电信 / StreamBSS Telecom';
export const TERM_MONTHS = 12;
const TERMS = [
  '合约期内按月收取套餐费 / The monthly fee is charged every month of the term',
  '合约期内退订需结清欠费并归还设备 / Cancelling within the term needs a settled balance and returned devices',
  '个人信息按法律保护 / Personal data is protected as the law requires',
];

const Signature = Type.Object({
  party: Type.Union([Type.Literal('customer'), Type.Literal('carrier')]),
  signer: Type.String({ maxLength: 100 }),
  atMs: Type.Integer(),
});
const ContractRecord = Type.Object({
  contractId: Type.String({ maxLength: 64 }),
  orderId: Type.String({ maxLength: 64 }),
  customerId: Type.String({ maxLength: 64 }),
  status: Type.Union([Type.Literal('draft'), Type.Literal('archived')]),
  planId: Type.String({ maxLength: 64 }),
  devices: Type.Array(Type.Object({ model: Type.String(), quantity: Type.Integer() }), { maxItems: 10 }),
  termMonths: Type.Integer(),
  terms: Type.Array(Type.String({ maxLength: 300 }), { maxItems: 20 }),
  signatures: Type.Array(Signature, { maxItems: 2 }),
  createdAtMs: Type.Integer(),
  sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  sizeBytes: Type.Optional(Type.Integer()),
  archivedAtMs: Type.Optional(Type.Integer()),
});
type ContractRecord = Static<typeof ContractRecord>;
const key = (id: string) => `k.${id}`;
const pdfKey = (id: string) => `pdf.${id}`;
const Params = Type.Object(
  { contractId: Type.String({ pattern: '^ctr-[A-Za-z0-9_-]{1,40}$' }) },
  { additionalProperties: false },
);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Contract signing (合同签订): generated from the order, reviewed, signed by both parties, then
 * archived as a PDF whose SHA-256 is kept in the record and in the (append-only) audit trail.
 */
export function contractRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const repo = new Repo(ctx.contracts.kv, compile(ContractRecord), 'contract');
  const orders = orderRepo(ctx);
  const { clock, ids } = ctx.deps;

  r.post(
    '/api/v1/orders/:orderId/contract',
    {
      schema: {
        tags: ['care'],
        summary: 'Step 4: generate the contract from the order for review',
        params: Type.Object(
          { orderId: Type.String({ pattern: '^ord-[A-Za-z0-9_-]{1,40}$' }) },
          { additionalProperties: false },
        ),
      },
      config: { roles: staff },
    },
    async (request, reply) => {
      const o = await orders.must(orderKey(request.params.orderId));
      if (o.value.status !== 'open')
        throw new ApiError('INVALID_STATE', `the order is ${o.value.status}`, '/status');
      if (o.value.steps.plan_selection.status !== 'done' || !o.value.planId)
        throw new ApiError('INVALID_STATE', 'choose the plan first', '/steps/plan_selection');
      if (o.value.contractId) {
        const existing = await repo.must(key(o.value.contractId));
        return reply.code(200).send(existing.value);
      }
      const rec: ContractRecord = {
        contractId: ids.next('ctr'),
        orderId: o.value.orderId,
        customerId: o.value.customerId,
        status: 'draft',
        planId: o.value.planId,
        devices: o.value.device ? [o.value.device] : [],
        termMonths: TERM_MONTHS,
        terms: TERMS,
        signatures: [],
        createdAtMs: clock.nowMs(),
      };
      await repo.create(key(rec.contractId), rec);
      await orders.update(orderKey(o.value.orderId), { ...o.value, contractId: rec.contractId }, o.revision);
      await ctx.recorder.audit(actorOf(who(request)), 'contract.generated', 'contract', rec.contractId, {
        customerId: rec.customerId,
      });
      return reply.code(201).send(rec);
    },
  );

  r.get(
    '/api/v1/contracts/:contractId',
    {
      schema: {
        tags: ['care'],
        summary: 'A contract (draft for review, or archived with its hash)',
        params: Params,
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const c = await repo.must(key(request.params.contractId));
      await loadCustomer(ctx, who(request), c.value.customerId);
      return c.value;
    },
  );

  r.post(
    '/api/v1/contracts/:contractId/sign',
    {
      schema: {
        tags: ['care'],
        summary: 'Sign as customer or carrier; when both have signed the PDF is archived and step 4 is done',
        params: Params,
        body: Type.Object(
          {
            party: Type.Union([Type.Literal('customer'), Type.Literal('carrier')]),
            signer: Type.String({ minLength: 1, maxLength: 100 }),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const session = who(request);
      const cur = await repo.must(key(request.params.contractId));
      const customer = await loadCustomer(ctx, session, cur.value.customerId);
      const { party, signer } = request.body;
      if (party === 'carrier' && session.role === 'customer')
        throw new ApiError('FORBIDDEN', 'only staff sign for the carrier');
      if (cur.value.status !== 'draft')
        throw new ApiError('INVALID_STATE', 'the contract is already archived');
      if (cur.value.signatures.some((s) => s.party === party))
        throw new ApiError('INVALID_STATE', `${party} has already signed`, '/party');
      const now = clock.nowMs();
      let next: ContractRecord = {
        ...cur.value,
        signatures: [...cur.value.signatures, { party, signer, atMs: now }],
      };
      let pdf: Buffer | null = null;
      if (next.signatures.length === 2) {
        const plan = planOf(ctx, next.planId);
        pdf = await renderContractPdf({
          contractId: next.contractId,
          orderId: next.orderId,
          customerName: customer.value.name,
          customerIdMasked: maskIdNumber(customer.value.idNumber),
          carrier: CARRIER,
          planName: `${plan.name['zh-CN']} ${plan.name.en}`,
          monthlyFee: formatYuan(plan.monthlyFeeFen),
          termMonths: next.termMonths,
          terms: next.terms,
          devices: next.devices,
          signatures: next.signatures.map((s) => ({
            party: s.party,
            signer: s.signer,
            atIso: new Date(s.atMs).toISOString(),
          })),
          createdAtMs: next.createdAtMs,
        });
        await ctx.contracts.kv.put(pdfKey(next.contractId), pdf);
        next = { ...next, status: 'archived', sha256: sha256(pdf), sizeBytes: pdf.length, archivedAtMs: now };
      }
      await repo.update(key(next.contractId), next, cur.revision);
      await ctx.recorder.audit(
        actorOf(session),
        pdf ? 'contract.archived' : 'contract.signed',
        'contract',
        next.contractId,
        {
          customerId: next.customerId,
          changes: [
            { field: `signature.${party}`, before: null, after: signer },
            ...(next.sha256 ? [{ field: 'sha256', before: null, after: next.sha256 }] : []),
          ],
        },
      );
      if (pdf) {
        const o = await orders.must(orderKey(next.orderId));
        const done = transition(o.value, 'contract', { ok: true, ref: next.contractId }, now);
        const rev = await saveStep(ctx, orders, o, done, 'contract', actorOf(session));
        return { contract: next, order: orderView(ctx, done, rev) };
      }
      return { contract: next };
    },
  );

  r.get(
    '/api/v1/contracts/:contractId/pdf',
    {
      schema: {
        tags: ['care'],
        summary: 'The archived PDF; X-Content-SHA256 carries the archived hash',
        params: Params,
      },
      config: { roles: staffAndCustomer },
    },
    async (request, reply) => {
      const c = await repo.must(key(request.params.contractId));
      await loadCustomer(ctx, who(request), c.value.customerId);
      const e = await ctx.contracts.kv.get(pdfKey(c.value.contractId));
      if (!e || c.value.status !== 'archived') throw new NotFoundError('the contract is not archived yet');
      return reply
        .type('application/pdf')
        .header('x-content-sha256', c.value.sha256 ?? '')
        .send(Buffer.from(e.value));
    },
  );

  r.get(
    '/api/v1/contracts/:contractId/verify',
    {
      schema: {
        tags: ['care'],
        summary: 'Recomputes the archived PDF hash and compares it with the record and the audit trail',
        params: Params,
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const c = await repo.must(key(request.params.contractId));
      await loadCustomer(ctx, who(request), c.value.customerId);
      const e = await ctx.contracts.kv.get(pdfKey(c.value.contractId));
      if (!e || !c.value.sha256) throw new NotFoundError('the contract is not archived yet');
      const rs = await ctx.deps.ch.client.query({
        query: `SELECT changes FROM ${ctx.deps.ch.db}.care_audit WHERE entity_id = {id:String} AND action = 'contract.archived' LIMIT 1`,
        query_params: { id: c.value.contractId },
        format: 'JSONEachRow',
      });
      const row = (await rs.json<{ changes: string }>())[0];
      const audited = row
        ? ((JSON.parse(row.changes) as { field: string; after: string | null }[]).find(
            (x) => x.field === 'sha256',
          )?.after ?? null)
        : null;
      const computed = sha256(e.value);
      return {
        contractId: c.value.contractId,
        intact: computed === c.value.sha256 && (audited === null || audited === c.value.sha256),
        computedSha256: computed,
        recordedSha256: c.value.sha256,
        auditedSha256: audited,
      };
    },
  );
}
