import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCareSweeps, sweepOrders } from '../../api/routes/care/order-sweep.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import {
  newMsisdn,
  registerCustomer,
  reservationSlot,
  setStock,
  startCareEnv,
  type CareEnv,
  otherApiInstance,
} from '../support/care.ts';

const DAY = 86_400_000;

interface OrderView {
  orderId: string;
  revision: number;
  status: string;
  nextStep: string | null;
  workOrder?: { workOrderId: string; status: string };
  cancelFeeFen?: number;
}

describe('care: 撤单 — an open order is withdrawn and what it holds is released (real NATS + ClickHouse)', () => {
  let env: CareEnv;
  beforeAll(async () => {
    env = await startCareEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const call = (method: 'GET' | 'POST', url: string, body?: object) => env.call('agent', method, url, body);
  const available = async (region: string, model: string) =>
    (await call('GET', `/api/v1/inventory?region=${region}`))
      .json()
      .items.find((s: { model: string }) => s.model === model).available as number;

  /** An order walked to its installation visit: plan, signed contract, reserved device, work order. */
  async function orderAtInstallation(model: string): Promise<OrderView> {
    const c = await registerCustomer(env);
    let o: OrderView = (
      await call('POST', '/api/v1/orders', {
        customerId: c.customerId,
        msisdn: newMsisdn(),
        channel: 'counter',
      })
    ).json();
    o = (
      await call('POST', `/api/v1/orders/${o.orderId}/plan`, {
        revision: o.revision,
        planId: 'changxiang-128',
        device: { model, quantity: 1 },
      })
    ).json();
    const draft = (await call('POST', `/api/v1/orders/${o.orderId}/contract`)).json();
    await call('POST', `/api/v1/contracts/${draft.contractId}/sign`, { party: 'customer', signer: '张三' });
    await call('POST', `/api/v1/contracts/${draft.contractId}/sign`, { party: 'carrier', signer: 'agent' });
    o = (await call('GET', `/api/v1/orders/${o.orderId}`)).json();
    const res = (
      await call('POST', '/api/v1/reservations', {
        customerId: c.customerId,
        region: 'sh',
        model,
        quantity: 1,
        planId: 'changxiang-128',
        slotStartMs: reservationSlot(),
        channel: 'counter',
      })
    ).json();
    o = (
      await call('POST', `/api/v1/orders/${o.orderId}/reservation`, {
        revision: o.revision,
        reservationId: res.reservationId,
      })
    ).json();
    o = (
      await call('POST', `/api/v1/orders/${o.orderId}/installation`, {
        revision: o.revision,
        technicianId: 'technician',
        location: '上海浦东世纪大道100号',
      })
    ).json();
    expect(o).toMatchObject({ nextStep: 'installation', workOrder: { status: 'assigned' } });
    return o;
  }

  it('gives the device back to stock, withdraws the visit, tells the customer; again is harmless', async () => {
    await setStock(env, 'sh', 'ONT-9', 5, 'ont');
    const o = await orderAtInstallation('ONT-9');
    expect(await available('sh', 'ONT-9')).toBe(4);
    const url = `/api/v1/orders/${o.orderId}/cancel`;
    expect(
      (await env.call('customer', 'POST', url, { revision: o.revision, reason: '客户不装了' })).statusCode,
    ).toBe(403);
    const stale = await call('POST', url, { revision: o.revision - 1, reason: '客户不装了' });
    expect(stale.json().error).toMatchObject({ code: 'REVISION_CONFLICT', field: '/revision' });
    expect((await call('POST', url, { revision: o.revision })).json().error.field).toBe('/reason');

    const done = await call('POST', url, { revision: o.revision, reason: '客户搬家，不再需要' });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({
      status: 'cancelled',
      workOrder: { status: 'cancelled' },
      cancelFeeFen: 0,
    });
    expect(await available('sh', 'ONT-9')).toBe(5);
    // the technician no longer has the visit, and cannot report a result for it
    const mine = (await env.call('technician', 'GET', '/api/v1/work-orders')).json().workOrders;
    expect(mine.map((w: { workOrderId: string }) => w.workOrderId)).not.toContain(o.workOrder!.workOrderId);
    // a step on a cancelled order is refused
    const step = await call('POST', `/api/v1/orders/${o.orderId}/installation`, {
      revision: done.json().revision,
      technicianId: 'technician',
      location: '上海',
    });
    expect(step.statusCode).toBe(409);
    // again (a retry after a lost answer): the same order, nothing more given back
    const again = await call('POST', url, { revision: o.revision, reason: '客户搬家，不再需要' });
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('cancelled');
    expect(again.json().cancelFeeFen).toBeUndefined();
    expect(await available('sh', 'ONT-9')).toBe(5);
    const notes = (
      await call(
        'GET',
        `/api/v1/customers/${(await call('GET', `/api/v1/orders/${o.orderId}`)).json().customerId}/notifications`,
      )
    ).json().notifications;
    expect(notes.map((n: { template: string }) => n.template)).toEqual(
      expect.arrayContaining(['order_cancelled', 'reservation_cancelled']),
    );
  });

  it('an order nobody moves on for 7 days is withdrawn by the sweep: number, device and visit go back, no fee', async () => {
    await setStock(env, 'sh', 'ONT-7', 3, 'ont');
    const idle = await orderAtInstallation('ONT-7');
    const { msisdn, customerId } = (await call('GET', `/api/v1/orders/${idle.orderId}`)).json();
    expect(await available('sh', 'ONT-7')).toBe(2);
    // a second API instance whose clock reads 8 days on: the visit's slot is long past, so a
    // withdrawal by hand would cost the visit fee
    const metrics = createMetrics({ processMetrics: false });
    const ctx = await otherApiInstance(env.nats, env.ch, { nowMs: () => Date.now() + 8 * DAY }, 4, metrics);
    try {
      // not yet idle for 7 days at the real clock: kept
      expect((await sweepOrders(ctx, Date.now(), 7)).withdrawn).not.toContain(idle.orderId);
      // the pass each API instance runs every 10 minutes: counted for the operators
      const swept = await runCareSweeps(ctx, Date.now() + 8 * DAY);
      expect(swept.orders?.withdrawn).toContain(idle.orderId);
      const counted = await metrics.registry.getSingleMetricAsString('streambss_care_sweep_actions_total');
      expect(counted).toMatch(/action="order_withdrawn"} [1-9]/);
      // a second sweep (or a second instance) finds nothing more to do for it
      expect((await sweepOrders(ctx, Date.now() + 8 * DAY, 7)).withdrawn).not.toContain(idle.orderId);
    } finally {
      ctx.close();
    }
    const o = (await call('GET', `/api/v1/orders/${idle.orderId}`)).json();
    expect(o).toMatchObject({ status: 'cancelled', workOrder: { status: 'cancelled' } });
    expect(await available('sh', 'ONT-7')).toBe(3);
    const mine = (await env.call('technician', 'GET', '/api/v1/work-orders')).json().workOrders;
    expect(mine.map((w: { workOrderId: string }) => w.workOrderId)).not.toContain(
      idle.workOrder!.workOrderId,
    );
    // the customer is told why, once, and charged nothing
    const notes = (await call('GET', `/api/v1/customers/${customerId}/notifications`)).json()
      .notifications as {
      template: string;
      channel: string;
      text: string;
    }[];
    const told = notes.filter((n) => n.template === 'order_auto_withdrawn' && n.channel === 'sms');
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('超过 7 天未办理');
    const fees = notes.filter((n) => n.template === 'reservation_cancelled' && n.channel === 'sms');
    expect(fees.map((n) => n.text)).toEqual([expect.stringContaining('费用 0.00 元')]);
    // the number is free for someone else
    const other = await registerCustomer(env);
    const taken = await call('POST', '/api/v1/orders', {
      customerId: other.customerId,
      msisdn,
      channel: 'counter',
    });
    expect(taken.statusCode, taken.body).toBe(201);
  });
});
