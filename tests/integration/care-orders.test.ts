import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import {
  newMsisdn,
  registerCustomer,
  reservationSlot as slot,
  setStock,
  startCareEnv,
  type CareEnv,
} from '../support/care.ts';
import { waitFor } from '../support/env.ts';

describe('care: plan selection, reservation, business acceptance 1→3→4→5→6→7 (real NATS + ClickHouse)', () => {
  let env: CareEnv;
  let seq = 0;
  beforeAll(async () => {
    env = await startCareEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const customer = () => registerCustomer(env);
  const stock = (region: string, model: string, available: number, kind = 'cpe') =>
    setStock(env, region, model, available, kind);
  const reserve = (
    customerId: string,
    region: string,
    model: string,
    planId = 'changxiang-128',
    quantity = 1,
  ) =>
    env.call('agent', 'POST', '/api/v1/reservations', {
      customerId,
      region,
      model,
      quantity,
      planId,
      slotStartMs: slot(),
      channel: 'counter',
    });

  it('suggests the cheapest plan that covers the expected usage', async () => {
    const res = await env.call('customer', 'POST', '/api/v1/plans/compare', {
      voiceMin: 300,
      dataMb: 20_000,
      sms: 50,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.suggestion).toMatchObject({ planId: 'changxiang-128', fits: true });
    expect(body.plans.length).toBeGreaterThan(3);
    const bad = await env.call('customer', 'POST', '/api/v1/plans/compare', {
      voiceMin: -1,
      dataMb: 0,
      sms: 0,
    });
    expect(bad.json().error.field).toBe('/voiceMin');
  });

  it('refuses a reservation when out of stock, and lets exactly one of two concurrent reservations take the last device', async () => {
    const [a, b] = [await customer(), await customer()];
    await stock('bj', 'CPE-LAST', 1);
    const [r1, r2] = await Promise.all([
      reserve(a.customerId, 'bj', 'CPE-LAST'),
      reserve(b.customerId, 'bj', 'CPE-LAST'),
    ]);
    expect([r1.statusCode, r2.statusCode].sort()).toEqual([201, 409]);
    const loser = r1.statusCode === 409 ? r1 : r2;
    expect(loser.json().error).toMatchObject({ code: 'OUT_OF_STOCK', field: '/quantity' });
    const left = (await env.call('agent', 'GET', '/api/v1/inventory/bj/CPE-LAST')).json();
    expect(left).toMatchObject({ available: 0, reserved: 1 });
    // many at once over a small stock never go below zero
    await stock('sh', 'CPE-RUSH', 3);
    const many = await Promise.all(Array.from({ length: 8 }, () => reserve(a.customerId, 'sh', 'CPE-RUSH')));
    expect(many.filter((r) => r.statusCode === 201)).toHaveLength(3);
    expect((await env.call('agent', 'GET', '/api/v1/inventory/sh/CPE-RUSH')).json()).toMatchObject({
      available: 0,
      reserved: 3,
    });
  });

  it('checks slot and plan compatibility, and cancels free before the slot with stock returned', async () => {
    const c = await customer();
    await stock('gz', 'PHONE-X', 5, 'phone');
    const wrongPlan = await reserve(c.customerId, 'gz', 'PHONE-X', 'liuliangwang-39');
    expect(wrongPlan.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: '/model' });
    const badSlot = await env.call('agent', 'POST', '/api/v1/reservations', {
      customerId: c.customerId,
      region: 'gz',
      model: 'PHONE-X',
      quantity: 1,
      planId: 'changxiang-128',
      slotStartMs: slot() + 60_000,
      channel: 'web',
    });
    expect(badSlot.json().error.field).toBe('/slotStartMs');
    const ok = await reserve(c.customerId, 'gz', 'PHONE-X');
    expect(ok.statusCode).toBe(201);
    const cancel = await env.call('agent', 'POST', `/api/v1/reservations/${ok.json().reservationId}/cancel`);
    expect(cancel.json()).toMatchObject({ status: 'cancelled', cancelFeeFen: 0 });
    expect((await env.call('agent', 'GET', '/api/v1/inventory/gz/PHONE-X')).json()).toMatchObject({
      available: 5,
      reserved: 0,
    });
    const notes = (await env.call('agent', 'GET', `/api/v1/customers/${c.customerId}/notifications`)).json()
      .notifications;
    expect(notes.map((n: { template: string }) => n.template)).toEqual(
      expect.arrayContaining(['reservation_confirmed', 'reservation_cancelled']),
    );
  });

  it('runs one order through every step, with a failed installation and a failed activation retried', async () => {
    const c = await customer();
    const msisdn = newMsisdn();
    await stock('bj', 'ONT-1', 10, 'ont');
    const created = await env.call('agent', 'POST', '/api/v1/orders', {
      customerId: c.customerId,
      msisdn,
      channel: 'counter',
    });
    expect(created.statusCode).toBe(201);
    let o = created.json();
    expect(o.steps.customer_info.status).toBe('done');
    expect(o.nextStep).toBe('plan_selection');
    const outOfOrder = await env.call('agent', 'POST', `/api/v1/orders/${o.orderId}/reservation`, {
      revision: o.revision,
      reservationId: 'res-x',
    });
    expect(outOfOrder.statusCode).toBe(404);

    o = (
      await env.call('agent', 'POST', `/api/v1/orders/${o.orderId}/plan`, {
        revision: o.revision,
        planId: 'changxiang-128',
        device: { model: 'ONT-1', quantity: 1 },
      })
    ).json();
    expect(o.nextStep).toBe('contract');
    const stale = await env.call('agent', 'POST', `/api/v1/orders/${o.orderId}/plan`, {
      revision: o.revision - 1,
      planId: 'shangwu-288',
    });
    expect(stale.json().error.code).toBe('REVISION_CONFLICT');

    // contract: generated, signed by both, archived as a PDF with its hash
    const draft = (await env.call('agent', 'POST', `/api/v1/orders/${o.orderId}/contract`)).json();
    expect(draft).toMatchObject({
      status: 'draft',
      devices: [{ model: 'ONT-1', quantity: 1 }],
      termMonths: 12,
    });
    await env.call('agent', 'POST', `/api/v1/contracts/${draft.contractId}/sign`, {
      party: 'customer',
      signer: '张三',
    });
    const signed = (
      await env.call('agent', 'POST', `/api/v1/contracts/${draft.contractId}/sign`, {
        party: 'carrier',
        signer: 'agent',
      })
    ).json();
    expect(signed.contract.status).toBe('archived');
    expect(signed.order.nextStep).toBe('reservation');
    const pdf = await env.call('agent', 'GET', `/api/v1/contracts/${draft.contractId}/pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(pdf.rawPayload).digest('hex')).toBe(signed.contract.sha256);
    const verified = await waitFor(async () => {
      const v = (await env.call('agent', 'GET', `/api/v1/contracts/${draft.contractId}/verify`)).json();
      return v.auditedSha256 ? v : null;
    });
    expect(verified).toMatchObject({ intact: true, auditedSha256: signed.contract.sha256 });

    // reservation (5)
    o = (await env.call('agent', 'GET', `/api/v1/orders/${o.orderId}`)).json();
    const res = (await reserve(c.customerId, 'bj', 'ONT-1')).json();
    o = (
      await env.call('agent', 'POST', `/api/v1/orders/${o.orderId}/reservation`, {
        revision: o.revision,
        reservationId: res.reservationId,
      })
    ).json();
    expect(o.nextStep).toBe('installation');

    // installation (6): wrong model found on site → failed with reason; second visit passes
    o = (
      await env.call('agent', 'POST', `/api/v1/orders/${o.orderId}/installation`, {
        revision: o.revision,
        technicianId: 'technician',
        location: '北京朝阳建国路88号',
      })
    ).json();
    const wo1 = o.workOrder.workOrderId;
    const mine = (await env.call('technician', 'GET', '/api/v1/work-orders')).json().workOrders;
    expect(mine).toContainEqual(
      expect.objectContaining({
        workOrderId: wo1,
        orderId: o.orderId,
        status: 'assigned',
        device: { model: 'ONT-1', quantity: 1 },
        // who to call and when the visit was booked
        customer: { name: c.name, phone: expect.stringMatching(/^\+86137\d{8}$/) },
        slotStartMs: slot(),
      }),
    );
    // whole for the technician who calls; the agent's view of the same customer is masked
    const visit = mine.find((w: { workOrderId: string }) => w.workOrderId === wo1);
    expect(`${visit.customer.phone.slice(0, 6)}****${visit.customer.phone.slice(-4)}`).toBe(c.mobile);
    const forStaff = (
      await env.call('supervisor', 'GET', '/api/v1/work-orders?technicianId=technician')
    ).json().workOrders as { workOrderId: string; customer: { phone: string } }[];
    expect(forStaff.find((w) => w.workOrderId === wo1)?.customer.phone).toBe(c.mobile);
    const fail = (
      await env.call('technician', 'POST', `/api/v1/work-orders/${wo1}/result`, {
        model: 'ONT-2',
        quantity: 1,
        connectionTest: { passed: true, downMbps: 500, latencyMs: 8 },
      })
    ).json();
    expect(fail.steps.installation).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('device mismatch'),
    });
    o = (
      await env.call('agent', 'POST', `/api/v1/orders/${o.orderId}/installation`, {
        revision: fail.revision,
        technicianId: 'technician',
        location: '北京朝阳建国路88号',
      })
    ).json();
    o = (
      await env.call('technician', 'POST', `/api/v1/work-orders/${o.workOrder.workOrderId}/result`, {
        model: 'ONT-1',
        quantity: 1,
        connectionTest: { passed: true, downMbps: 940, latencyMs: 3 },
      })
    ).json();
    expect(o.steps.installation.status).toBe('done');
    expect(o.nextStep).toBe('activation');

    // activation (7) from device events: IMEI check fails, agent retries, device passes
    const dev = (step: string, result: 'ok' | 'failed', reason?: string) => ({
      eventId: `dev-${++seq}-${step}`,
      step,
      orderId: o.orderId,
      msisdn,
      iccid: '8986001234567890123',
      imsi: '460001234567890',
      imei: '356938035643809',
      result,
      ...(reason ? { reason } : {}),
      atMs: Date.now(),
    });
    const publish = (e: object & { step: string; eventId: string }) =>
      env.nats.js.publish(`device.${e.step}`, JSON.stringify(e), { msgID: e.eventId });
    await publish(dev('sim_activation', 'ok'));
    await publish(dev('network_attach', 'ok'));
    await publish(dev('device_verification', 'failed', 'imei_blacklisted'));
    o = await waitFor(async () => {
      const x = (await env.call('agent', 'GET', `/api/v1/orders/${o.orderId}`)).json();
      return x.steps.activation.status === 'failed' ? x : null;
    });
    expect(o.steps.activation.reason).toBe('device_verification: imei_blacklisted');
    expect(o.activation.sim_activation.status).toBe('ok');
    o = (
      await env.call('agent', 'POST', `/api/v1/orders/${o.orderId}/activation/retry`, {
        revision: o.revision,
      })
    ).json();
    expect(o.activation.device_verification.status).toBe('pending');
    await publish(dev('device_verification', 'ok'));
    o = await waitFor(async () => {
      const x = (await env.call('agent', 'GET', `/api/v1/orders/${o.orderId}`)).json();
      return x.status === 'completed' ? x : null;
    });
    expect(o.steps.activation).toMatchObject({ status: 'done', attempts: 2 });
    // the notice follows the state change
    const notes = await waitFor(async () => {
      const list = (await env.call('agent', 'GET', `/api/v1/customers/${c.customerId}/notifications`)).json()
        .notifications as { template: string }[];
      return list.some((n) => n.template === 'activation_done') ? list : null;
    });
    expect((notes ?? []).map((n) => n.template)).toEqual(
      expect.arrayContaining(['activation_failed', 'activation_done', 'installation_result']),
    );
    // the line records the card it was activated with (补换卡 replaces it later)
    const line = (await env.call('agent', 'GET', `/api/v1/lines/${encodeURIComponent(msisdn)}`)).json();
    expect(line.sim).toMatchObject({ iccid: '8986001234567890123' });
    const history = await waitFor(async () => {
      const rs = await env.ch.client.query({
        query: `SELECT to_state FROM ${env.ch.db}.care_order_history FINAL WHERE order_id = {id:String} ORDER BY at, event_id`,
        query_params: { id: o.orderId },
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{ to_state: string }>();
      return rows.some((r) => r.to_state === 'activation:done') ? rows : null;
    });
    expect((history ?? []).map((r) => r.to_state)).toEqual(
      expect.arrayContaining([
        'customer_info:done',
        'installation:failed',
        'activation:failed',
        'activation:done',
      ]),
    );
  });

  it("lists a customer's orders with their latest state so an open one can be resumed", async () => {
    const c = await customer();
    const o = (
      await env.call('agent', 'POST', '/api/v1/orders', {
        customerId: c.customerId,
        msisdn: newMsisdn(),
        channel: 'app',
      })
    ).json();
    const list = await waitFor(async () => {
      const r = (await env.call('agent', 'GET', `/api/v1/customers/${c.customerId}/orders`)).json();
      return r.orders.length ? r : null;
    });
    expect(list?.orders[0]).toMatchObject({
      orderId: o.orderId,
      kind: 'new_line',
      state: 'customer_info:done',
    });
    const resumed = (await env.call('agent', 'GET', `/api/v1/orders/${o.orderId}`)).json();
    expect(resumed.nextStep).toBe('plan_selection');
  });

  it('detects a tampered contract archive', async () => {
    const c = await customer();
    let o = (
      await env.call('agent', 'POST', '/api/v1/orders', {
        customerId: c.customerId,
        msisdn: newMsisdn(),
        channel: 'counter',
      })
    ).json();
    o = (
      await env.call('agent', 'POST', `/api/v1/orders/${o.orderId}/plan`, {
        revision: o.revision,
        planId: 'yuyinbao-19',
      })
    ).json();
    const k = (await env.call('agent', 'POST', `/api/v1/orders/${o.orderId}/contract`)).json();
    await env.call('agent', 'POST', `/api/v1/contracts/${k.contractId}/sign`, {
      party: 'customer',
      signer: '张三',
    });
    await env.call('agent', 'POST', `/api/v1/contracts/${k.contractId}/sign`, {
      party: 'carrier',
      signer: 'agent',
    });
    const kv = await new Kvm(env.nats.nc).open('contracts');
    const e = await kv.get(`pdf.${k.contractId}`);
    const forged = Buffer.from(e?.value ?? new Uint8Array());
    forged[forged.length - 20] = (forged[forged.length - 20] ?? 0) ^ 0xff;
    await kv.put(`pdf.${k.contractId}`, forged);
    const v = (await env.call('agent', 'GET', `/api/v1/contracts/${k.contractId}/verify`)).json();
    expect(v.intact).toBe(false);
    expect(v.computedSha256).not.toBe(v.recordedSha256);
  });
});
