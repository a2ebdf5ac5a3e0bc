import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError, ValidationError } from '../../errors.ts';
import { staff, who, type CareContext } from './context.ts';
import {
  orderKey,
  orderRepo,
  orderView,
  saveStep,
  transition,
  workOrderKey,
  type OrderRecord,
} from './order-store.ts';
import { actorOf } from './recorder.ts';
import { customerKey } from './customer-view.ts';
import { maskPhone } from '../../../domain/customer/index.ts';
import { reservationKey } from './reservations.ts';

const dec = new TextDecoder();
function orderIdOf(bytes: Uint8Array | undefined): string | null {
  if (!bytes) return null;
  try {
    const v = (JSON.parse(dec.decode(bytes)) as { orderId?: unknown }).orderId;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Installation work orders (设备到场安装): a technician's list, and the on-site result. */
export function workOrderRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const repo = orderRepo(ctx);
  const { clock } = ctx.deps;

  r.get(
    '/api/v1/work-orders',
    {
      schema: {
        tags: ['care'],
        summary: "A technician's work orders (technicians see their own; staff pass technicianId)",
        querystring: Type.Object(
          { technicianId: Type.Optional(Type.String({ pattern: '^[a-z0-9._-]{1,64}$' })) },
          { additionalProperties: false },
        ),
      },
      config: { roles: ['technician', ...staff] },
    },
    async (request) => {
      const session = who(request);
      const tech = session.role === 'technician' ? session.username : request.query.technicianId;
      if (!tech) throw new ValidationError('/technicianId', 'required for staff');
      const out = [];
      // a key written while listing is named twice: visit each once
      const keys = new Set<string>();
      for await (const k of await ctx.orders.kv.keys(`tech.${tech}.>`)) keys.add(k);
      for (const k of keys) {
        const orderId = orderIdOf((await ctx.orders.kv.get(k))?.value);
        const o = orderId ? await repo.get(orderKey(orderId)) : null;
        const wo = o?.value.workOrder;
        if (!o || !wo || `tech.${tech}.${wo.workOrderId}` !== k) continue;
        // who to call before the visit and when it was booked: the technician's role needs the
        // number whole (only for the visits assigned to them; staff get it masked)
        const [customer, res] = await Promise.all([
          ctx.customers.get(customerKey(o.value.customerId)),
          o.value.reservationId ? ctx.reservations.get(reservationKey(o.value.reservationId)) : null,
        ]);
        out.push({
          workOrderId: wo.workOrderId,
          orderId: o.value.orderId,
          status: wo.status,
          location: wo.location,
          device: o.value.device ?? null,
          customer: customer
            ? {
                name: customer.value.name,
                // staff reading a technician's list see it masked, as everywhere else
                phone:
                  session.role === 'technician' ? customer.value.mobile : maskPhone(customer.value.mobile),
              }
            : null,
          slotStartMs: res?.value.slotStartMs ?? null,
        });
      }
      return { workOrders: out };
    },
  );

  r.post(
    '/api/v1/work-orders/:workOrderId/result',
    {
      schema: {
        tags: ['care'],
        summary: "The technician's on-site result: model and quantity checked, connection test recorded",
        params: Type.Object(
          { workOrderId: Type.String({ pattern: '^wo-[A-Za-z0-9_-]{1,40}$' }) },
          { additionalProperties: false },
        ),
        body: Type.Object(
          {
            model: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
            quantity: Type.Integer({ minimum: 1, maximum: 10 }),
            connectionTest: Type.Object(
              {
                passed: Type.Boolean(),
                downMbps: Type.Number({ minimum: 0, maximum: 100_000 }),
                latencyMs: Type.Number({ minimum: 0, maximum: 100_000 }),
              },
              { additionalProperties: false },
            ),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: ['technician', 'agent', 'supervisor', 'admin'] },
    },
    async (request) => {
      const orderId = orderIdOf((await ctx.orders.kv.get(workOrderKey(request.params.workOrderId)))?.value);
      if (!orderId) throw new ApiError('NOT_FOUND', 'no such work order');
      const o = await repo.must(orderKey(orderId));
      const session = who(request);
      const wo = o.value.workOrder;
      if (!wo || wo.workOrderId !== request.params.workOrderId || wo.status !== 'assigned')
        throw new ApiError('INVALID_STATE', 'this work order is not open');
      if (session.role === 'technician' && wo.technicianId !== session.username)
        throw new ApiError('FORBIDDEN', 'this work order is assigned to another technician');
      const b = request.body;
      const expected = o.value.device;
      let reason: string | null = null;
      if (expected && (expected.model !== b.model || expected.quantity !== b.quantity))
        reason = `device mismatch: expected ${expected.model} × ${expected.quantity}, found ${b.model} × ${b.quantity}`;
      else if (!b.connectionTest.passed) reason = 'connection test failed';
      const now = clock.nowMs();
      const withWo: OrderRecord = {
        ...o.value,
        workOrder: {
          ...wo,
          status: reason ? 'failed' : 'done',
          connectionTest: b.connectionTest,
          ...(b.note ? { note: b.note } : {}),
        },
      };
      const next = transition(
        withWo,
        'installation',
        reason ? { ok: false, reason } : { ok: true, ref: wo.workOrderId },
        now,
      );
      const rev = await saveStep(ctx, repo, o, next, 'installation', actorOf(session));
      if (!reason && o.value.reservationId) {
        const res = await ctx.reservations.get(reservationKey(o.value.reservationId));
        if (res)
          await ctx.reservations.update(
            reservationKey(o.value.reservationId),
            { ...res.value, status: 'installed' },
            res.revision,
          );
      }
      const customer = await ctx.customers.must(`c.${o.value.customerId}`);
      await ctx.notice(customer.value, 'installation_result', {
        workOrderId: wo.workOrderId,
        result: reason ?? (customer.value.locale === 'en' ? 'installed and connected' : '安装完成，连接正常'),
      });
      return orderView(ctx, next, rev);
    },
  );
}
