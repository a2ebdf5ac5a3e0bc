import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomerBody } from '../support/care.ts';
import { recordCareLine, startChargingApi, type ChargingApiEnv } from '../support/charging-api.ts';
import { waitFor } from '../support/env.ts';

const NOW = Date.now();
const LINE = '+8613600000401';
const OTHER = '+8613600000402';
const OLD_CARD = '8986011000000000401';
const NEW_CARD = '89860112345678904012';
const OTHERS_CARD = '8986011000000000402';
/** A line whose swap request is sent twice at the same instant. */
const TWIN = '+8613600000403';
const TWIN_CARD = '8986011000000000403';
const enc = new TextEncoder();
const url = (msisdn: string, rest: string) => `/api/v1/lines/${encodeURIComponent(msisdn)}${rest}`;

describe('补换卡: SIM replacement at the counter (real servers)', () => {
  let env: ChargingApiEnv;
  const call: ChargingApiEnv['call'] = (...a) => env.call(...a);
  let customerId = '';
  const stock = async () => (await call('agent', 'GET', '/api/v1/inventory/sh/SIM-5G')).json().available;
  const body = (over: Record<string, unknown>): Record<string, unknown> => ({
    iccid: NEW_CARD,
    region: 'sh',
    model: 'SIM-5G',
    cause: 'lost',
    channel: 'counter',
    requestId: 'swap-req-0001',
    idChecked: true,
    ...over,
  });
  const swap = (over: Record<string, unknown>, user = 'agent', msisdn = LINE) =>
    call(user, 'POST', url(msisdn, '/sim-swap'), body(over));
  const notices = async (template: string) =>
    (
      (await call('agent', 'GET', `/api/v1/customers/${customerId}/notifications`)).json().notifications as {
        template: string;
        channel: string;
        text: string;
      }[]
    ).filter((n) => n.template === template);

  beforeAll(async () => {
    env = await startChargingApi({
      lines: [
        { msisdn: LINE, planId: 'changxiang-128', activatedAtMs: NOW - 3_600_000 },
        { msisdn: OTHER, planId: 'changxiang-128', activatedAtMs: NOW - 3_600_000 },
        { msisdn: TWIN, planId: 'changxiang-128', activatedAtMs: NOW - 3_600_000 },
      ],
      notices: true,
    });
    customerId = (await call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '赵六' }))).json()
      .customer.customerId;
    const kv = await new Kvm(env.nats.nats.nc).open('care_lines');
    const put = (key: string, v: unknown) => kv.put(key, enc.encode(JSON.stringify(v)));
    for (const [msisdn, iccid] of [
      [LINE, OLD_CARD],
      [OTHER, OTHERS_CARD],
      [TWIN, TWIN_CARD],
    ] as const) {
      await recordCareLine(
        env,
        { msisdn, customerId, planId: 'changxiang-128', openedAtMs: NOW - 3_600_000 },
        { sim: { iccid, sinceMs: NOW - 3_600_000 } },
      );
      await put(`sim.${iccid}`, { iccid, msisdn, atMs: NOW - 3_600_000 });
    }
    for (const [model, kind, available] of [
      ['SIM-5G', 'sim', 2],
      ['PHONE-A1', 'phone', 5],
    ] as const)
      expect(
        (await call('supervisor', 'PUT', `/api/v1/inventory/sh/${model}`, { kind, available })).statusCode,
      ).toBe(200);
  });
  afterAll(async () => env?.close());

  it('refuses what would be wrong, naming the field, and takes nothing', async () => {
    expect((await swap({}, 'customer')).statusCode).toBe(403);
    const { idChecked: _, ...unchecked } = body({});
    const noId = await call('agent', 'POST', url(LINE, '/sim-swap'), unchecked);
    expect(noId.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: '/idChecked' });
    const refusals = [
      [{ iccid: '8944011234567890123' }, 422, '/iccid', 'ICCID_FORMAT'],
      [{ iccid: OTHERS_CARD }, 422, '/iccid', 'ICCID_IN_USE'],
      [{ iccid: OLD_CARD }, 422, '/iccid', 'SAME_SIM'],
      [{ model: 'PHONE-A1' }, 422, '/model', 'NOT_A_SIM'],
      [{ model: 'SIM-4G' }, 409, '/model', 'not stocked'],
    ] as const;
    for (const [body, status, field, text] of refusals) {
      const res = await swap(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json().error.field).toBe(field);
      expect(res.json().error.message).toContain(text);
    }
    expect(await stock()).toBe(2);
    expect((await call('agent', 'GET', url(LINE, ''))).json().sim.iccid).toBe(OLD_CARD);
  });

  it('moves a lost line to a new card once: one card from stock, the bar lifted, one SMS, the history kept', async () => {
    expect(
      (await call('agent', 'POST', url(LINE, '/loss'), { channel: 'phone', requestId: 'loss-0401' }))
        .statusCode,
    ).toBe(202);
    const balance = async () =>
      (await call('agent', 'GET', `/api/v1/subscribers/${encodeURIComponent(LINE)}/balance`)).json();
    await waitFor(async () => ((await balance()).barReason === 'lost' ? true : null));
    const listed = async () =>
      (
        (await call('agent', 'GET', `/api/v1/customers/${customerId}/lines`)).json().lines as {
          msisdn: string;
          lostSinceMs?: number;
          simLast4?: string;
        }[]
      ).find((l) => l.msisdn.endsWith('0401'));
    // the customer's line list says the line is lost, and which card it has
    expect(await listed()).toMatchObject({ lostSinceMs: expect.any(Number), simLast4: '0401' });

    const done = await swap({ reason: '原卡丢失' });
    expect(done.statusCode).toBe(201);
    expect(done.json()).toMatchObject({ sim: { iccid: NEW_CARD, cause: 'lost' }, restored: true });
    const again = await swap({});
    expect(again.statusCode).toBe(200);
    expect(again.json().sim.swapId).toBe(done.json().swapId);
    expect(await stock()).toBe(1);

    const line = (await call('agent', 'GET', url(LINE, ''))).json();
    expect(line.sim).toMatchObject({ iccid: NEW_CARD, cause: 'lost' });
    expect(line.previousSims).toEqual([{ iccid: OLD_CARD, untilMs: line.sim.sinceMs }]);
    expect(line.loss).toBeUndefined();
    const after = await listed();
    expect(after?.simLast4).toBe('4012');
    expect(after?.lostSinceMs).toBeUndefined();
    await waitFor(async () => ((await balance()).barred === false ? true : null));
    const sms = await waitFor(async () => {
      const n = await notices('sim_swapped');
      return n.length ? n : null;
    });
    // one SMS (and one e-mail: this customer gave an address)
    expect(sms.map((n) => n.channel).sort()).toEqual(['email', 'sms']);
    expect(sms[0]!.text).toContain('尾号 4012');
    await waitFor(async () => ((await notices('charging.line_unbarred')).length ? true : null));

    // the old card is now history, the new one is taken: neither can go to this or another line
    expect((await swap({ requestId: 'swap-req-0002' })).json().error.message).toContain('SAME_SIM');
    const back = await swap({ iccid: OLD_CARD, requestId: 'swap-req-0005' });
    expect(back.json().error).toMatchObject({ code: 'NOT_ELIGIBLE', field: '/iccid' });
    expect(back.json().error.message).toContain('SIM_RETIRED');
    const toOther = await swap({ cause: 'damaged', requestId: 'swap-req-0003' }, 'agent', OTHER);
    expect(toOther.json().error).toMatchObject({ field: '/iccid' });
    expect(toOther.json().error.message).toContain('ICCID_IN_USE');
  });

  it('a request sent twice at the same instant takes one card and tells the customer once', async () => {
    const before = await stock();
    const twin = { iccid: '89860112345678904033', cause: 'damaged', requestId: 'swap-req-0033' };
    const [a, b] = await Promise.all([swap(twin, 'agent', TWIN), swap(twin, 'agent', TWIN)]);
    expect(
      [a.statusCode, b.statusCode].every((c) => c === 200 || c === 201),
      `${a.body} ${b.body}`,
    ).toBe(true);
    expect(await stock()).toBe(before - 1);
    expect((await call('agent', 'GET', url(TWIN, ''))).json().sim.iccid).toBe(twin.iccid);
    const sms = (await notices('sim_swapped')).filter(
      (n) => n.channel === 'sms' && n.text.includes('尾号 4033'),
    );
    expect(sms).toHaveLength(1);
  });

  it('says so when the shop has no card left', async () => {
    await call('supervisor', 'PUT', '/api/v1/inventory/sh/SIM-5G', { kind: 'sim', available: 0 });
    const res = await swap(
      { iccid: '89860112345678904029', cause: 'upgrade', requestId: 'swap-req-0004' },
      'agent',
      OTHER,
    );
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'OUT_OF_STOCK', field: '/model' });
    expect((await call('agent', 'GET', url(OTHER, ''))).json().sim.iccid).toBe(OTHERS_CARD);
  });
});
