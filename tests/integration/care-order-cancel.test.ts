import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newMsisdn,
  registerCustomer,
  reservationSlot,
  setStock,
  startCareEnv,
  type CareEnv,
} from '../support/care.ts';

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
});
