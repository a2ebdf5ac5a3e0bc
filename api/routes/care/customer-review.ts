import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { diffProfile } from '../../../domain/customer/index.ts';
import { ApiError, ForbiddenError, NotFoundError } from '../../errors.ts';
import { staff, who, type CareContext } from './context.ts';
import { CustomerId, customerKey, idKey, loadCustomer, view } from './customer-view.ts';
import { maskIdNumber } from '../../../domain/customer/index.ts';
import { actorOf } from './recorder.ts';
import type { CustomerRecord } from './records.ts';

const Params = Type.Object({ customerId: CustomerId }, { additionalProperties: false });

/** Supervisor review of identity changes, and the customer's audit trail. */
export function customerReviewRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { clock } = ctx.deps;

  r.post(
    '/api/v1/customers/:customerId/identity-change/decision',
    {
      schema: {
        tags: ['care'],
        summary: "Supervisor's approval or rejection of a pending identity change",
        params: Params,
        body: Type.Object(
          {
            approve: Type.Boolean(),
            revision: Type.Integer({ minimum: 1 }),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: ['supervisor', 'admin'] },
    },
    async (request) => {
      const session = who(request);
      const cur = await ctx.customers.must(customerKey(request.params.customerId));
      const p = cur.value.pendingIdentityChange;
      if (!p) throw new NotFoundError('no identity change is pending');
      if (cur.revision !== request.body.revision)
        throw new ApiError('REVISION_CONFLICT', 'changed since you read it', '/revision');
      const { pendingIdentityChange: _drop, ...rest } = cur.value;
      void _drop;
      const now = clock.nowMs();
      let next: CustomerRecord = { ...rest, updatedAtMs: now };
      const approve = request.body.approve;
      // four eyes: whoever asked for the change may withdraw it (reject) but not approve it
      if (approve && p.requestedBy === session.username)
        throw new ForbiddenError(
          'an identity change must be approved by someone other than who asked for it',
        );
      if (approve) {
        const claimed = await ctx.index.create(idKey(p.idType, p.idNumber), {
          customerId: cur.value.customerId,
        });
        if (claimed === null)
          throw new ApiError('DUPLICATE', 'another customer already holds that identity number', '/idNumber');
        next = { ...next, idType: p.idType, idNumber: p.idNumber };
      }
      const rev = await ctx.customers.update(customerKey(cur.value.customerId), next, cur.revision);
      if (approve) await ctx.index.kv.delete(idKey(cur.value.idType, cur.value.idNumber));
      await ctx.recorder.audit(
        actorOf(session),
        approve ? 'customer.identity_change_approved' : 'customer.identity_change_rejected',
        'customer',
        cur.value.customerId,
        {
          customerId: cur.value.customerId,
          changes: approve
            ? diffProfile(
                { idType: cur.value.idType, idNumber: cur.value.idNumber },
                { idType: p.idType, idNumber: p.idNumber },
              )
            : [],
          ...(request.body.note ? { reason: request.body.note } : {}),
        },
      );
      await ctx.notice(next, 'identity_change_decided', {
        decision: approve
          ? next.locale === 'en'
            ? 'approved'
            : '批准'
          : next.locale === 'en'
            ? 'rejected'
            : '驳回',
      });
      return view(next, rev, false);
    },
  );

  r.get(
    '/api/v1/identity-changes',
    {
      schema: {
        tags: ['care'],
        summary: 'Identity changes waiting for a supervisor (待审批的证件变更), oldest first',
      },
      config: { roles: ['supervisor', 'admin'] },
    },
    async () => {
      // candidates from the audit trail (the customers whose latest identity entry is a
      // request), then each checked against its record, which is what the decision acts on
      const rs = await ctx.deps.ch.client.query({
        query: `SELECT customer_id FROM ${ctx.deps.ch.db}.care_audit FINAL
                WHERE action IN ('customer.identity_change_requested', 'customer.identity_change_approved',
                                 'customer.identity_change_rejected')
                GROUP BY customer_id
                HAVING argMax(action, at) = 'customer.identity_change_requested'
                ORDER BY max(at) LIMIT 500`,
        format: 'JSONEachRow',
      });
      const ids = (await rs.json<{ customer_id: string }>()).map((x) => x.customer_id);
      const records = await Promise.all(ids.map((id) => ctx.customers.get(customerKey(id))));
      const items = records.flatMap((c) => {
        const p = c?.value.pendingIdentityChange;
        if (!c || !p) return [];
        return [
          {
            customerId: c.value.customerId,
            name: c.value.name,
            revision: c.revision,
            current: { idType: c.value.idType, idNumber: maskIdNumber(c.value.idNumber) },
            requested: { idType: p.idType, idNumber: maskIdNumber(p.idNumber) },
            requestedBy: p.requestedBy,
            atMs: p.atMs,
            reason: p.reason,
          },
        ];
      });
      return { items: items.sort((a, b) => a.atMs - b.atMs) };
    },
  );

  r.get(
    '/api/v1/customers/:customerId/audit',
    {
      schema: {
        tags: ['care'],
        summary: "The customer's audit trail, newest first (from ClickHouse)",
        params: Params,
      },
      config: { roles: staff },
    },
    async (request) => {
      const rs = await ctx.deps.ch.client.query({
        query: `SELECT event_id, toUnixTimestamp64Milli(at) AS at_ms, actor, actor_role, action, entity, entity_id, changes, reason
                FROM ${ctx.deps.ch.db}.care_audit FINAL WHERE customer_id = {id:String} ORDER BY at DESC, event_id DESC LIMIT 500`,
        query_params: { id: request.params.customerId },
        format: 'JSONEachRow',
      });
      const rows = await rs.json<Record<string, unknown>>();
      return {
        entries: rows.map((x) => ({
          eventId: String(x.event_id),
          atMs: Number(x.at_ms),
          actor: String(x.actor),
          role: String(x.actor_role),
          action: String(x.action),
          entity: String(x.entity),
          entityId: String(x.entity_id),
          changes: JSON.parse(String(x.changes)) as unknown,
          reason: String(x.reason),
        })),
      };
    },
  );

  r.get(
    '/api/v1/customers/:customerId/orders',
    {
      schema: {
        tags: ['care'],
        summary: "The customer's orders with their latest state (from ClickHouse), to resume open ones",
        params: Params,
      },
      config: { roles: [...staff, 'customer'] },
    },
    async (request) => {
      await loadCustomer(ctx, who(request), request.params.customerId);
      const rs = await ctx.deps.ch.client.query({
        query: `SELECT order_id, any(kind) AS kind, argMax(to_state, at) AS state,
                  toUnixTimestamp64Milli(min(at)) AS opened_ms, toUnixTimestamp64Milli(max(at)) AS updated_ms
                FROM ${ctx.deps.ch.db}.care_order_history FINAL WHERE customer_id = {id:String}
                GROUP BY order_id ORDER BY updated_ms DESC LIMIT 200`,
        query_params: { id: request.params.customerId },
        format: 'JSONEachRow',
      });
      const rows = await rs.json<Record<string, unknown>>();
      return {
        orders: rows.map((x) => ({
          orderId: String(x.order_id),
          kind: String(x.kind),
          state: String(x.state),
          openedAtMs: Number(x.opened_ms),
          updatedAtMs: Number(x.updated_ms),
        })),
      };
    },
  );
}
