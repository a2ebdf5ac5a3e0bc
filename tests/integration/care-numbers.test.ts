/**
 * Numbers for new lines: a number that is a line already, open or closed, is refused before an
 * order or a payment is taken (there is no number recycling: a closed number's charging account
 * is closed for good, and a new owner would inherit it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { newMsisdn, registerCustomer, startCareEnv, type CareEnv } from '../support/care.ts';

describe('care: which numbers a new line can take (real NATS + ClickHouse)', () => {
  let env: CareEnv;
  beforeAll(async () => {
    env = await startCareEnv();
  });
  afterAll(async () => {
    await env?.close();
  });
  /** 上网预开户 of `msisdn` for the customer, with a payment the simulated gateway accepts. */
  const preopen = (customerId: string, msisdn: string) =>
    env.call('agent', 'POST', '/api/v1/preopen', {
      customerId,
      msisdn,
      planId: 'liuliangwang-39',
      method: 'alipay',
      payerAccount: 'buyer5678',
      amountFen: 3900,
      customerDataConfirmed: true,
      attempt: 1,
      channel: 'counter',
    });

  it('refuses a new line on a number that is a line already, open or closed, naming the field', async () => {
    const c = await registerCustomer(env);
    const lines = await new Kvm(env.nats.nc).open('care_lines');
    const [open, closed] = [newMsisdn(), newMsisdn()];
    for (const [msisdn, status] of [
      [open, 'active'],
      [closed, 'closed'],
    ] as const)
      await lines.put(
        msisdn.slice(1),
        JSON.stringify({
          msisdn,
          customerId: 'cus-someone-else',
          status,
          planId: 'changxiang-128',
          openedAtMs: Date.now() - 86_400_000,
          ...(status === 'closed' ? { closedAtMs: Date.now() - 3_600_000 } : {}),
          contractEndMs: null,
          devicesOutstanding: [],
        }),
      );
    const order = (msisdn: string) =>
      env.call('agent', 'POST', '/api/v1/orders', { customerId: c.customerId, msisdn, channel: 'counter' });
    const taken = await order(open);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'DUPLICATE', field: '/msisdn' });
    const recycled = await order(closed);
    expect(recycled.statusCode).toBe(409);
    expect(recycled.json().error.message).toContain('a closed number is not given out again');
    // pre-opening refuses it the same way, before any payment is taken
    const pre = await preopen(c.customerId, closed);
    expect(pre.statusCode).toBe(409);
    expect(pre.json().error).toMatchObject({ code: 'DUPLICATE', field: '/msisdn' });
    expect((await order(newMsisdn())).statusCode).toBe(201);
  });

  it('holds a number for the first order that takes it, until that order is withdrawn', async () => {
    const [a, b] = [await registerCustomer(env), await registerCustomer(env)];
    const msisdn = newMsisdn();
    const order = (customerId: string, requestId: string) =>
      env.call('agent', 'POST', '/api/v1/orders', { customerId, msisdn, channel: 'counter', requestId });
    // two counters at once: one gets the number, the other is told who holds it
    const both = await Promise.all([order(a.customerId, 'num-hold-a1'), order(b.customerId, 'num-hold-b1')]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const won = both.find((r) => r.statusCode === 201)!.json();
    const lost = both.find((r) => r.statusCode === 409)!.json();
    expect(lost.error).toMatchObject({ code: 'DUPLICATE', field: '/msisdn' });
    expect(lost.error.message).toContain(won.orderId);
    // the holder's retried request still answers with its order
    const winner = won.customerId === a.customerId ? a : b;
    const retried = await order(winner.customerId, winner === a ? 'num-hold-a1' : 'num-hold-b1');
    expect(retried.json().orderId).toBe(won.orderId);
    // withdrawn, the order frees the number for the other customer
    const cancelled = await env.call('agent', 'POST', `/api/v1/orders/${won.orderId}/cancel`, {
      revision: retried.json().revision,
      reason: '客户改选其他号码',
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const loser = winner === a ? b : a;
    // while held, nobody pre-opens it either (the order's activation would write over that line)
    expect((await order(loser.customerId, 'num-hold-2')).statusCode).toBe(201);
    const held = await preopen(loser.customerId, msisdn);
    expect(held.statusCode).toBe(409);
    expect(held.json().error).toMatchObject({ code: 'DUPLICATE', field: '/msisdn' });
  });

  it('takes over the hold of an order withdrawn without freeing its number (a crash in between)', async () => {
    const [a, b] = [await registerCustomer(env), await registerCustomer(env)];
    const msisdn = newMsisdn();
    const first = (
      await env.call('agent', 'POST', '/api/v1/orders', {
        customerId: a.customerId,
        msisdn,
        channel: 'counter',
      })
    ).json();
    const orders = await new Kvm(env.nats.nc).open('care_orders');
    const rec = JSON.parse(new TextDecoder().decode((await orders.get(`ord.${first.orderId}`))!.value));
    await orders.put(`ord.${first.orderId}`, JSON.stringify({ ...rec, status: 'cancelled' }));
    const second = await env.call('agent', 'POST', '/api/v1/orders', {
      customerId: b.customerId,
      msisdn,
      channel: 'counter',
    });
    expect(second.statusCode, second.body).toBe(201);
  });
});
