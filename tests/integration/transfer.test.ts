import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomerBody } from '../support/care.ts';
import { startChargingApi, type ChargingApiEnv } from '../support/charging-api.ts';
import { waitFor } from '../support/env.ts';

const NOW = Date.now();
const POSTPAID = '+8613600000501';
const CONTRACT = '+8613600000502';
const enc = new TextEncoder();
const url = (msisdn: string) => `/api/v1/lines/${encodeURIComponent(msisdn)}/transfer`;

describe('过户: a line changes hands at the counter (real servers)', () => {
  let env: ChargingApiEnv;
  const call: ChargingApiEnv['call'] = (...a) => env.call(...a);
  let owner = '';
  let buyer = '';
  const lineNumbers = async (customerId: string) =>
    (await call('agent', 'GET', `/api/v1/customers/${customerId}/lines`)).json().lines as {
      status: string;
    }[];
  const notices = async (customerId: string, template: string) =>
    (
      (await call('agent', 'GET', `/api/v1/customers/${customerId}/notifications`)).json().notifications as {
        template: string;
        channel: string;
        text: string;
      }[]
    ).filter((n) => n.template === template && n.channel === 'sms');

  beforeAll(async () => {
    env = await startChargingApi({
      lines: [
        { msisdn: POSTPAID, planId: 'changxiang-128', activatedAtMs: NOW - 3_600_000 },
        { msisdn: CONTRACT, planId: 'changxiang-128', activatedAtMs: NOW - 3_600_000 },
      ],
      notices: true,
      payments: true,
    });
    owner = (await call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '钱七' }))).json()
      .customer.customerId;
    buyer = (await call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '孙八' }))).json()
      .customer.customerId;
    const kv = await new Kvm(env.nats.nats.nc).open('care_lines');
    const put = (key: string, v: unknown) => kv.put(key, enc.encode(JSON.stringify(v)));
    for (const [msisdn, contractEndMs] of [
      [POSTPAID, null],
      [CONTRACT, NOW + 200 * 86_400_000],
    ] as const) {
      await put(`own.${owner}.${msisdn.slice(1)}`, { customerId: owner, msisdn });
      await put(msisdn.slice(1), {
        msisdn,
        customerId: owner,
        status: 'active',
        planId: 'changxiang-128',
        openedAtMs: NOW - 3_600_000,
        contractEndMs,
        devicesOutstanding: [],
      });
    }
  });
  afterAll(async () => env?.close());

  const body = (over: Record<string, unknown> = {}) => ({
    toCustomerId: buyer,
    channel: 'counter',
    requestId: 'xfer-req-0001',
    idsChecked: true,
    ...over,
  });

  it('refuses what must be settled first, naming why, and moves nothing', async () => {
    expect((await call('customer', 'POST', url(POSTPAID), body())).statusCode).toBe(403);
    const { idsChecked: _, ...unchecked } = body();
    expect((await call('agent', 'POST', url(POSTPAID), unchecked)).json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: '/idsChecked',
    });
    const refusals = [
      [CONTRACT, body(), 'CONTRACT_TERM', '/msisdn'],
      [POSTPAID, body({ toCustomerId: owner }), 'SAME_CUSTOMER', '/toCustomerId'],
      [POSTPAID, body({ toCustomerId: 'cus-nobody' }), 'no customer', '/toCustomerId'],
      // postpaid: this period's fee is not paid yet
      [POSTPAID, body(), 'ARREARS', '/msisdn'],
    ] as const;
    for (const [msisdn, b, text, field] of refusals) {
      const res = await call('agent', 'POST', url(msisdn), b);
      expect(res.statusCode, text).toBeGreaterThanOrEqual(400);
      expect(res.json().error.field, text).toBe(field);
      expect(res.json().error.message, text).toContain(text);
    }
    expect(await lineNumbers(buyer)).toEqual([]);
  });

  it('moves a settled line to the new owner once; both are told; the old owner no longer sees it', async () => {
    const balance = async () =>
      (await call('agent', 'GET', `/api/v1/subscribers/${encodeURIComponent(POSTPAID)}/balance`)).json();
    const owed = -(await balance()).balanceFen;
    expect(owed).toBeGreaterThan(0);
    const paid = await call('agent', 'POST', `/api/v1/subscribers/${encodeURIComponent(POSTPAID)}/renewals`, {
      requestId: 'xfer-settle-0001',
      amountFen: owed,
      method: 'cash',
      channel: 'counter',
    });
    expect(paid.statusCode).toBe(201);
    await waitFor(async () => ((await balance()).balanceFen >= 0 ? true : null));

    const done = await call('agent', 'POST', url(POSTPAID), body({ reason: '赠与家人' }));
    expect(done.statusCode).toBe(201);
    expect(done.json()).toMatchObject({
      customerId: buyer,
      transfer: { fromCustomerId: owner, by: 'agent' },
    });
    const again = await call('agent', 'POST', url(POSTPAID), body());
    expect(again.statusCode).toBe(200);
    expect(again.json().transfer.transferId).toBe(done.json().transfer.transferId);

    expect((await lineNumbers(buyer)).map((l) => l.status)).toEqual(['active']);
    expect((await lineNumbers(owner)).length).toBe(1); // only the contract line is left
    const line = (await call('agent', 'GET', `/api/v1/lines/${encodeURIComponent(POSTPAID)}`)).json();
    expect(line).toMatchObject({ customerId: buyer, planId: 'changxiang-128' });
    // the balance stays with the line
    expect((await balance()).balanceFen).toBeGreaterThanOrEqual(0);

    const out = await notices(owner, 'line_transferred_out');
    const into = await notices(buyer, 'line_transferred_in');
    expect([out.length, into.length]).toEqual([1, 1]);
    expect(out[0]!.text).toContain('已于');
    expect(into[0]!.text).toContain('过户到您名下');
    const audit = await waitFor(async () => {
      const rs = await env.chEnv.ch.client.query({
        query: `SELECT action, customer_id FROM streambss.care_audit FINAL WHERE action LIKE 'line.transferred%' ORDER BY action`,
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{ action: string; customer_id: string }>();
      return rows.length >= 2 ? rows : null;
    });
    expect(audit).toEqual([
      { action: 'line.transferred_in', customer_id: buyer },
      { action: 'line.transferred_out', customer_id: owner },
    ]);
  });
});
