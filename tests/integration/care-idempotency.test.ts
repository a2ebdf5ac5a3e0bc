import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newMsisdn,
  registerCustomer,
  reservationSlot as slot,
  setStock,
  startCareEnv,
  type CareEnv,
} from '../support/care.ts';
import { waitFor } from '../support/env.ts';

/** Idempotency keys (requestId) on the care routes that create things: a retry never creates twice. */
describe('care: orders and reservations sent twice (real NATS + ClickHouse)', () => {
  let env: CareEnv;
  beforeAll(async () => {
    env = await startCareEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const customer = () => registerCustomer(env);
  const stock = (region: string, model: string, available: number, kind = 'cpe') =>
    setStock(env, region, model, available, kind);

  it('opens one order for a request sent twice (requestId), and refuses the key for other details', async () => {
    const c = await customer();
    const msisdn = newMsisdn();
    const body = { customerId: c.customerId, msisdn, channel: 'counter', requestId: 'dbl-click-0001' };
    const first = await env.call('agent', 'POST', '/api/v1/orders', body);
    const again = await env.call('agent', 'POST', '/api/v1/orders', body);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().orderId).toBe(first.json().orderId);
    expect(again.json().nextStep).toBe('plan_selection');
    const other = await env.call('agent', 'POST', '/api/v1/orders', { ...body, msisdn: newMsisdn() });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toMatchObject({ code: 'DUPLICATE', field: '/requestId' });
    // Without a key every request is a new order, as before, each on its own number: the number
    // is held by the first order that takes it, so a keyless double click opens no second order.
    const { requestId: _, ...plain } = body;
    const second = newMsisdn();
    const a = (await env.call('agent', 'POST', '/api/v1/orders', { ...plain, msisdn: second })).json();
    const b = (await env.call('agent', 'POST', '/api/v1/orders', { ...plain, msisdn: newMsisdn() })).json();
    expect(a.orderId).not.toBe(b.orderId);
    const twice = await env.call('agent', 'POST', '/api/v1/orders', { ...plain, msisdn: second });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toContain(a.orderId);
    const list = await waitFor(async () => {
      const r = (await env.call('agent', 'GET', `/api/v1/customers/${c.customerId}/orders`)).json();
      return r.orders.length >= 3 ? r : null;
    });
    expect(list?.orders.filter((o: { orderId: string }) => o.orderId === first.json().orderId)).toHaveLength(
      1,
    );
    expect(list?.orders).toHaveLength(3);
  });

  it('reserves once for a request sent twice or twice at once (requestId), stock taken once', async () => {
    const c = await customer();
    await stock('gz', 'CPE-KEY', 5);
    const body = {
      customerId: c.customerId,
      region: 'gz',
      model: 'CPE-KEY',
      quantity: 1,
      planId: 'changxiang-128',
      slotStartMs: slot(),
      channel: 'counter',
    };
    const send = (requestId: string, extra: object = {}) =>
      env.call('agent', 'POST', '/api/v1/reservations', { ...body, requestId, ...extra });
    const first = await send('res-retry-0001');
    const again = await send('res-retry-0001');
    expect([first.statusCode, again.statusCode]).toEqual([201, 201]);
    expect(again.json().reservationId).toBe(first.json().reservationId);
    // Two copies racing: one reservation, and the loser gives back what it took.
    const twins = await Promise.all([send('res-twins-0001'), send('res-twins-0001')]);
    expect(twins.map((r) => r.statusCode)).toEqual([201, 201]);
    expect(twins[0]!.json().reservationId).toBe(twins[1]!.json().reservationId);
    expect((await env.call('agent', 'GET', '/api/v1/inventory/gz/CPE-KEY')).json()).toMatchObject({
      available: 3,
      reserved: 2,
    });
    const other = await send('res-retry-0001', { quantity: 2 });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toMatchObject({ code: 'DUPLICATE', field: '/requestId' });
  });
});
