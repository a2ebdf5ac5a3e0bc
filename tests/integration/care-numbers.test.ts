/**
 * Numbers for new lines: a number that is a line already, open or closed, is refused before an
 * order or a payment is taken (there is no number recycling: a closed number's charging account
 * is closed for good, and a new owner would inherit it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import {
  newMsisdn,
  registerCustomer,
  startCareEnv,
  type CareEnv,
  preopenLine,
  otherApiInstance,
  writeLineRecord,
} from '../support/care.ts';
import { waitFor } from '../support/env.ts';
import { sweepOrders } from '../../api/routes/care/order-sweep.ts';

describe('care: which numbers a new line can take (real NATS + ClickHouse)', () => {
  let env: CareEnv;
  beforeAll(async () => {
    env = await startCareEnv();
  });
  afterAll(async () => {
    await env?.close();
  });
  const preopen = (customerId: string, msisdn: string, payerAccount?: string, attempt?: number) =>
    preopenLine(env, customerId, msisdn, payerAccount, attempt);

  it('refuses a new line on a number that is a line already, open or closed, naming the field', async () => {
    const c = await registerCustomer(env);
    const [open, closed] = [newMsisdn(), newMsisdn()];
    await writeLineRecord(env.nats, { msisdn: open, customerId: 'cus-someone-else' });
    await writeLineRecord(env.nats, {
      msisdn: closed,
      customerId: 'cus-someone-else',
      status: 'closed',
      closedAtMs: Date.now() - 3_600_000,
    });
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

  it('a pre-opening holds the number while it pays: held on a timeout, freed when declined', async () => {
    const [a, b] = [await registerCustomer(env), await registerCustomer(env)];
    const msisdn = newMsisdn();
    const order = (requestId: string) =>
      env.call('agent', 'POST', '/api/v1/orders', {
        customerId: b.customerId,
        msisdn,
        channel: 'counter',
        requestId,
      });
    // the gateway does not answer: the customer will retry, so the number stays theirs
    const timedOut = await preopen(a.customerId, msisdn, 'buyer9999');
    expect(timedOut.json().error.code).toBe('PAYMENT_TIMEOUT');
    const refused = await order('num-pre-b1');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'DUPLICATE', field: '/msisdn' });
    expect(refused.json().error.message).toMatch(/taken by order pre-/);
    // declined on the retry: the number is free again
    const declined = await preopen(a.customerId, msisdn, 'buyer0000', 2);
    expect(declined.json().error.code).toBe('PAYMENT_FAILED');
    expect((await order('num-pre-b2')).statusCode).toBe(201);
    // and now the order holds it against the pre-opening
    expect((await preopen(a.customerId, msisdn, 'buyer5678', 3)).statusCode).toBe(409);
  });

  it('a pre-opening and an order for the same free number at once: exactly one gets it', async () => {
    const [a, b] = [await registerCustomer(env), await registerCustomer(env)];
    for (let i = 0; i < 5; i++) {
      const msisdn = newMsisdn();
      const both = await Promise.all([
        preopen(a.customerId, msisdn),
        env.call('agent', 'POST', '/api/v1/orders', { customerId: b.customerId, msisdn, channel: 'counter' }),
      ]);
      expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    }
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

  /** An order brought to its activation step (the steps before it done, as the API would leave them). */
  async function orderAtActivation(customerId: string, msisdn: string): Promise<Record<string, unknown>> {
    const o = await env.call('agent', 'POST', '/api/v1/orders', { customerId, msisdn, channel: 'counter' });
    expect(o.statusCode, o.body).toBe(201);
    const orders = await new Kvm(env.nats.nc).open('care_orders');
    const key = `ord.${o.json().orderId}`;
    const rec = JSON.parse(new TextDecoder().decode((await orders.get(key))!.value));
    for (const step of ['customer_info', 'plan_selection', 'contract', 'reservation', 'installation'])
      rec.steps[step] = { status: 'done', atMs: Date.now(), attempts: 1 };
    rec.planId = 'liuliangwang-39';
    await orders.put(key, JSON.stringify(rec));
    return rec;
  }
  let devSeq = 0;
  const deviceOk = (orderId: string, msisdn: string, step: string) => {
    const e = {
      eventId: `num-dev-${++devSeq}`,
      step,
      orderId,
      msisdn,
      iccid: '8986001234567890999',
      imsi: '460001234567999',
      imei: '356938035643809',
      result: 'ok',
      atMs: Date.now(),
    };
    return env.nats.js.publish(`device.${step}`, JSON.stringify(e), { msgID: e.eventId });
  };
  const STEPS = ['sim_activation', 'network_attach', 'device_verification'];

  it('an order whose number got a line meanwhile fails its activation instead of writing over it', async () => {
    const c = await registerCustomer(env);
    const msisdn = newMsisdn();
    const rec = await orderAtActivation(c.customerId, msisdn);
    const lines = await new Kvm(env.nats.nc).open('care_lines');
    const theirs = await writeLineRecord(env.nats, { msisdn, customerId: 'cus-someone-else' });
    for (const step of STEPS) await deviceOk(rec.orderId as string, msisdn, step);
    const o = await waitFor(async () => {
      const x = (await env.call('agent', 'GET', `/api/v1/orders/${rec.orderId as string}`)).json();
      return x.steps.activation.status === 'pending' ? null : x;
    });
    expect(o.steps.activation).toMatchObject({ status: 'failed' });
    expect(o.steps.activation.reason).toContain('number_taken');
    const line = JSON.parse(new TextDecoder().decode((await lines.get(msisdn.slice(1)))!.value));
    expect(line).toEqual(theirs);
  });

  it('a completed order whose line was never written (a crash in between) opens it on the next device event', async () => {
    const c = await registerCustomer(env);
    const msisdn = newMsisdn();
    const rec = await orderAtActivation(c.customerId, msisdn);
    const orders = await new Kvm(env.nats.nc).open('care_orders');
    const atMs = Date.now() - 5_000;
    const steps = rec.steps as Record<string, unknown>;
    await orders.put(
      `ord.${rec.orderId as string}`,
      JSON.stringify({
        ...rec,
        status: 'completed',
        steps: { ...steps, activation: { status: 'done', atMs, ref: '8986001234567890999', attempts: 1 } },
      }),
    );
    // the device event redelivered after the crash, twice
    await deviceOk(rec.orderId as string, msisdn, 'device_verification');
    await deviceOk(rec.orderId as string, msisdn, 'device_verification');
    const line = await waitFor(async () => {
      const r = await env.call('agent', 'GET', `/api/v1/lines/${encodeURIComponent(msisdn)}`);
      return r.statusCode === 200 ? r.json() : null;
    });
    expect(line).toMatchObject({ msisdn, customerId: c.customerId, status: 'active', openedAtMs: atMs });
    // the customer is told once
    const told = await waitFor(async () => {
      const r = await env.call('agent', 'GET', `/api/v1/customers/${c.customerId}/notifications`);
      const items = (r.json().notifications ?? []) as { template: string; channel: string }[];
      const done = items.filter((n) => n.template === 'activation_done' && n.channel === 'sms');
      return done.length ? done : null;
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(told).toHaveLength(1);
  });

  it('a completed order whose line was written but never provisioned for charging gets it on the next device event', async () => {
    const c = await registerCustomer(env);
    const msisdn = newMsisdn();
    const rec = await orderAtActivation(c.customerId, msisdn);
    const atMs = Date.now() - 5_000;
    const iccid = '8986001234567890999';
    const steps = rec.steps as Record<string, unknown>;
    const orders = await new Kvm(env.nats.nc).open('care_orders');
    await orders.put(
      `ord.${rec.orderId as string}`,
      JSON.stringify({
        ...rec,
        status: 'completed',
        steps: { ...steps, activation: { status: 'done', atMs, ref: iccid, attempts: 1 } },
      }),
    );
    // the line as the activation wrote it, then the process stopped
    await writeLineRecord(env.nats, {
      msisdn,
      customerId: c.customerId,
      planId: 'liuliangwang-39',
      openedAtMs: atMs,
      sim: { iccid, sinceMs: atMs },
    });
    const balance = () =>
      env.call('agent', 'GET', `/api/v1/subscribers/${encodeURIComponent(msisdn)}/balance`);
    expect((await balance()).statusCode).toBe(404);
    await deviceOk(rec.orderId as string, msisdn, 'device_verification');
    const known = await waitFor(async () => {
      const r = await balance();
      return r.statusCode === 200 ? r.json() : null;
    });
    expect(known).toMatchObject({ planId: 'liuliangwang-39' });
  });

  it('the order sweep prunes claims that hold nothing any more, and keeps those of live orders', async () => {
    const c = await registerCustomer(env);
    const [opened, ordered] = [newMsisdn(), newMsisdn()];
    expect((await preopen(c.customerId, opened)).statusCode).toBe(201);
    const order = await env.call('agent', 'POST', '/api/v1/orders', {
      customerId: c.customerId,
      msisdn: ordered,
      channel: 'counter',
    });
    expect(order.statusCode).toBe(201);
    const orders = await new Kvm(env.nats.nc).open('care_orders');
    const claimed = async (m: string) => (await orders.get(`num.${m.slice(1)}`))?.operation === 'PUT';
    expect([await claimed(opened), await claimed(ordered)]).toEqual([true, true]);
    const ctx = await otherApiInstance(env.nats, env.ch);
    try {
      const r = await sweepOrders(ctx, Date.now(), 7);
      expect(r.withdrawn).toEqual([]);
      expect(r.pruned).toBeGreaterThanOrEqual(1);
    } finally {
      ctx.close();
    }
    // the pre-opened number has its line (which refuses it by itself); the order still holds its own
    expect([await claimed(opened), await claimed(ordered)]).toEqual([false, true]);
    expect(
      (
        await env.call('agent', 'POST', '/api/v1/orders', {
          customerId: c.customerId,
          msisdn: opened,
          channel: 'counter',
        })
      ).statusCode,
    ).toBe(409);
  });
});
