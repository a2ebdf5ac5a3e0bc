import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm, type KV } from '@nats-io/kv';
import { openCareContext, type CareContext } from '../../api/routes/care/index.ts';
import { endLostHold, sweepStockHolds } from '../../api/routes/care/reservation-stock.ts';
import { randomIds, stableId, systemClock } from '../../domain/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import {
  registerCustomer,
  reservationSlot as slot,
  setStock,
  startCareEnv,
  type CareEnv,
} from '../support/care.ts';

/**
 * Stock and reservations are two KV records: a care process killed between the two writes used to
 * leave stock taken with no reservation (or a cancelled reservation still holding stock). These
 * tests leave the stores exactly as such a crash does, then show how it is finished: by the
 * retry of the same request, or by the sweep every API instance runs.
 */
describe('care: stock and reservations after a crash between their two writes (real NATS)', () => {
  let env: CareEnv;
  let ctx: CareContext;
  let inventory: KV;
  const metrics = createMetrics();
  const settled = async (how: string) =>
    (await metrics.stockHoldsSettled.get()).values.find((v) => v.labels.how === how)?.value ?? 0;
  const enc = new TextEncoder();
  beforeAll(async () => {
    env = await startCareEnv();
    ctx = await openCareContext({
      config: { CDR_PARTITIONS: 4 },
      nats: env.nats,
      ch: env.ch,
      clock: systemClock,
      ids: randomIds,
      log: createLogger('silent'),
      metrics,
    });
    inventory = await new Kvm(env.nats.nc).open('inventory');
  });
  afterAll(async () => {
    ctx?.close();
    await env?.close();
  });

  const stockOf = async (model: string) =>
    (await env.call('agent', 'GET', `/api/v1/inventory/gz/${model}`)).json();
  /** A new customer reserves 2 of a model stocked with 5. */
  const reserveFresh = async (model: string, requestId: string) => {
    const c = await registerCustomer(env);
    await setStock(env, 'gz', model, 5);
    return env.call('agent', 'POST', '/api/v1/reservations', request(c.customerId, model, requestId));
  };
  /** Stock as given, and no hold left over. */
  const expectSettled = async (model: string, available: number, reserved: number) => {
    const s = await stockOf(model);
    expect(s).toMatchObject({ available, reserved });
    expect(s.holds).toBeUndefined();
  };
  /** What a request killed right after its stock write leaves behind. */
  const leaveHold = async (model: string, hold: object, available: number, reserved: number) => {
    const cur = await stockOf(model);
    await inventory.put(
      `gz.${model}`,
      enc.encode(JSON.stringify({ ...cur, available, reserved, holds: [hold] })),
    );
  };
  const request = (customerId: string, model: string, requestId: string) => ({
    customerId,
    region: 'gz',
    model,
    quantity: 2,
    planId: 'changxiang-128',
    slotStartMs: slot(),
    channel: 'counter',
    requestId,
  });

  it('a retry of a request that died after taking stock reserves without taking again', async () => {
    const c = await registerCustomer(env);
    await setStock(env, 'gz', 'CPE-CRASH', 5);
    const body = request(c.customerId, 'CPE-CRASH', 'crash-retry-0001');
    const id = stableId('res', c.customerId, body.requestId);
    await leaveHold('CPE-CRASH', { id, op: 'take', qty: 2, atMs: Date.now() }, 3, 2);
    const retry = await env.call('agent', 'POST', '/api/v1/reservations', body);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toMatchObject({ reservationId: id, status: 'reserved' });
    await expectSettled('CPE-CRASH', 3, 2);
  });

  it('the sweep gives back stock whose request died for good, and a late retry learns so', async () => {
    const c = await registerCustomer(env);
    await setStock(env, 'gz', 'CPE-LOST', 5);
    const body = request(c.customerId, 'CPE-LOST', 'crash-lost-0001');
    const id = stableId('res', c.customerId, body.requestId);
    const { customerId, planId, channel, slotStartMs } = body;
    const old = Date.now() - 10 * 60_000;
    await leaveHold(
      'CPE-LOST',
      { id, op: 'take', qty: 2, atMs: old, reservation: { customerId, planId, channel, slotStartMs } },
      3,
      2,
    );
    // a young hold belongs to a request that may still be running: left alone
    const young = await sweepStockHolds(ctx, old + 60_000);
    expect(young.settled).toEqual({});
    const swept = await sweepStockHolds(ctx, Date.now());
    expect(swept.settled).toMatchObject({ abandon: 1 });
    expect(await settled('abandon'), 'streambss_stock_holds_settled_total{how="abandon"}').toBe(1);
    await expectSettled('CPE-LOST', 5, 0);
    expect((await env.call('agent', 'GET', `/api/v1/reservations/${id}`)).json().status).toBe('abandoned');
    const late = await env.call('agent', 'POST', '/api/v1/reservations', body);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toMatch(/abandoned/);
    expect(await stockOf('CPE-LOST')).toMatchObject({ available: 5, reserved: 0 });
    // a second sweep finds nothing to do
    expect((await sweepStockHolds(ctx, Date.now())).settled).toEqual({});
  });

  it('the sweep finishes a cancellation that gave stock back but died before the record said so', async () => {
    const made = await reserveFresh('CPE-CANCEL', 'cancel-0001');
    expect(made.statusCode).toBe(201);
    const id = made.json().reservationId;
    expect(await stockOf('CPE-CANCEL')).toMatchObject({ available: 3, reserved: 2 });
    await leaveHold('CPE-CANCEL', { id, op: 'return', qty: 2, atMs: Date.now() - 10 * 60_000 }, 5, 0);
    expect((await env.call('agent', 'GET', `/api/v1/reservations/${id}`)).json().status).toBe('reserved');
    const swept = await sweepStockHolds(ctx, Date.now());
    expect(swept.settled).toMatchObject({ 'finish-cancel': 1 });
    expect((await env.call('agent', 'GET', `/api/v1/reservations/${id}`)).json()).toMatchObject({
      status: 'cancelled',
      cancelFeeFen: 0,
    });
    await expectSettled('CPE-CANCEL', 5, 0);
  });

  it('a cancel sent twice at once gives the stock back once', async () => {
    const made = await reserveFresh('CPE-TWICE', 'twice-0001');
    const id = made.json().reservationId;
    const both = await Promise.all(
      [1, 2].map(() => env.call('agent', 'POST', `/api/v1/reservations/${id}/cancel`)),
    );
    expect(both.map((r) => r.statusCode).sort()).toContain(200);
    await expectSettled('CPE-TWICE', 5, 0);
  });

  it('a twin that cancelled on our return keeps it when we lose the record write (no undo)', async () => {
    const made = await reserveFresh('CPE-SHARED', 'shared-0001');
    const id = made.json().reservationId;
    // twin A gave the stock back and is still running; twin B finds A's hold and cancels on it
    await leaveHold('CPE-SHARED', { id, op: 'return', qty: 2, atMs: Date.now(), token: 'hold-twin-a' }, 5, 0);
    const b = await env.call('agent', 'POST', `/api/v1/reservations/${id}/cancel`);
    expect(b.statusCode).toBe(200);
    expect(b.json()).toMatchObject({ status: 'cancelled', holdToken: 'hold-twin-a' });
    // A's record write lost; A's hold may still be there (B's drop not yet done)
    await leaveHold('CPE-SHARED', { id, op: 'return', qty: 2, atMs: Date.now(), token: 'hold-twin-a' }, 5, 0);
    const winner = (await env.call('agent', 'GET', `/api/v1/reservations/${id}`)).json();
    const where = { region: 'gz', model: 'CPE-SHARED', reservationId: id };
    expect(await endLostHold(ctx, where, { applied: true, token: 'hold-twin-a' }, winner)).toBe('drop');
    await expectSettled('CPE-SHARED', 5, 0);
    // a stale retry that returned again on a hold of its own takes that one back
    await leaveHold('CPE-SHARED', { id, op: 'return', qty: 2, atMs: Date.now(), token: 'hold-late' }, 7, 0);
    expect(await endLostHold(ctx, where, { applied: true, token: 'hold-late' }, winner)).toBe('undo');
    await expectSettled('CPE-SHARED', 5, 2);
  });
});
