import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextLocalMonthStartMs } from '../../domain/catalog/index.ts';
import { newSubscriber } from '../../domain/rating/index.ts';
import { newCustomerBody } from '../support/care.ts';
import {
  balanceOf,
  catalog,
  noticesOf,
  PARTITIONS,
  recordCareLine,
  startChargingApi,
  type ChargingApiEnv,
} from '../support/charging-api.ts';
import { PipelinedPublisher } from '../../infra/nats/index.ts';
import { sendAddOn } from '../../processors/rating/index.ts';
import { waitFor } from '../support/env.ts';

const NOW = Date.now();
const DAY = 86_400_000;
const POSTPAID = '+8613600000301';
/** Prepaid, activated 31 days ago: its 30-day period is over (expired, waiting for a renewal). */
const EXPIRED = '+8613600000302';
/** Prepaid, expired too, barred with 3.00 owed: it converts to postpaid (预转后). */
const CONVERTING = '+8613600000303';
const url = (msisdn: string, rest = '/plan-change') => `/api/v1/lines/${encodeURIComponent(msisdn)}${rest}`;

interface Choice {
  planId: string;
  role: string;
  action: string | null;
  refusal: { code: string } | null;
}

describe('line changes through the API and the charging engine: plan change (套餐变更), add-on packs (叠加包) (real servers)', () => {
  let env: ChargingApiEnv;
  const call: ChargingApiEnv['call'] = (...a) => env.call(...a);
  let customerId = '';
  const balance = (msisdn: string) => balanceOf(env, msisdn);
  const notices = (template: string) => noticesOf(env, customerId, template);

  beforeAll(async () => {
    const fee = newSubscriber(catalog, { msisdn: EXPIRED, planId: 'dazhongka-8', activatedAtMs: NOW }).state;
    env = await startChargingApi({
      lines: [
        { msisdn: POSTPAID, planId: 'changxiang-128', activatedAtMs: NOW - 3_600_000 },
        // the first fee is covered: the line expired with 0.00 left
        {
          msisdn: EXPIRED,
          planId: 'dazhongka-8',
          activatedAtMs: NOW - 31 * DAY,
          openingBalanceFen: -fee.balanceFen,
        },
        {
          msisdn: CONVERTING,
          planId: 'dazhongka-8',
          activatedAtMs: NOW - 31 * DAY,
          openingBalanceFen: -fee.balanceFen - 300,
        },
      ],
      notices: true,
      payments: true,
    });
    customerId = (await call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '王五' }))).json()
      .customer.customerId;
    for (const [msisdn, planId, openedAtMs] of [
      [POSTPAID, 'changxiang-128', NOW - 3_600_000],
      [EXPIRED, 'dazhongka-8', NOW - 31 * DAY],
      [CONVERTING, 'dazhongka-8', NOW - 31 * DAY],
    ] as const)
      await recordCareLine(env, { msisdn, customerId, planId, openedAtMs });
  });
  afterAll(async () => env?.close());

  it('schedules a change for the next month, once per request, tells the customer, and withdraws it', async () => {
    const review = (await call('agent', 'GET', url(POSTPAID))).json();
    const nextMonth = nextLocalMonthStartMs(NOW);
    expect(review).toMatchObject({ planId: 'changxiang-128', pending: null, effectiveFromMs: nextMonth });
    const byId = Object.fromEntries((review.choices as Choice[]).map((c) => [c.planId, c]));
    expect(byId['shangwu-288']).toMatchObject({ action: 'change', refusal: null });
    expect(byId['changxiang-128']).toMatchObject({ role: 'current', refusal: { code: 'CURRENT_PLAN' } });
    // 后转预 waits until what the line owes (this month's fee) is settled
    expect(byId['dazhongka-8']).toMatchObject({
      action: null,
      toPrepaid: true,
      refusal: { code: 'ARREARS' },
    });

    const body = {
      planId: 'shangwu-288',
      channel: 'counter',
      reason: '客户需要更多流量',
      requestId: 'plan-req-0001',
    };
    const first = await call('agent', 'POST', url(POSTPAID), body);
    expect(first.statusCode).toBe(202);
    expect(first.json().planChange).toMatchObject({
      action: 'change',
      planId: 'shangwu-288',
      fromPlanId: 'changxiang-128',
      effectiveFromMs: nextMonth,
      requestedBy: 'agent',
    });
    // the answer was lost and the agent asks again: the same change, not a second one
    const retry = await call('agent', 'POST', url(POSTPAID), body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().planChange.changeId).toBe(first.json().planChange.changeId);
    const refused = await call('agent', 'POST', url(POSTPAID), { planId: 'dazhongka-8', channel: 'counter' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'NOT_ELIGIBLE', field: '/planId' });
    const unknown = await call('agent', 'POST', url(POSTPAID), {
      planId: 'no-such-plan',
      channel: 'counter',
    });
    expect(unknown.json().error).toMatchObject({ code: 'NOT_FOUND', field: '/planId' });

    // charging holds it: the balance says what the line moves to
    const held = await waitFor(async () => {
      const b = await balance(POSTPAID);
      return b.nextPlanId === 'shangwu-288' ? b : null;
    });
    expect(held).toMatchObject({ planId: 'changxiang-128', nextPlanName: { 'zh-CN': '商务套餐288元' } });
    const told = await waitFor(async () => {
      const n = await notices('charging.plan_change_scheduled');
      return n.length && n.every((x) => x.state === 'sent') ? n : null;
    });
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('变更为「商务套餐288元」，本期套餐不变');
    const changeId = first.json().planChange.changeId;
    expect(
      (await call('agent', 'GET', url(POSTPAID, `/outcomes/plan-change/${changeId}`))).json(),
    ).toMatchObject({
      state: 'applied',
      text: told[0]!.text,
    });

    const pending = (await call('agent', 'GET', url(POSTPAID))).json();
    expect(pending.pending).toMatchObject({ planId: 'shangwu-288' });
    const current = (pending.choices as Choice[]).find((c) => c.planId === 'changxiang-128');
    expect(current).toMatchObject({ action: 'withdraw', refusal: null });
    const lines = (await call('agent', 'GET', `/api/v1/customers/${customerId}/lines`)).json().lines;
    expect(lines.find((l: { planId: string }) => l.planId === 'changxiang-128')).toMatchObject({
      nextPlanId: 'shangwu-288',
      nextPlanFromMs: nextMonth,
      nextPlanName: { 'zh-CN': '商务套餐288元', en: 'Business 288' },
    });

    const withdraw = await call('agent', 'POST', url(POSTPAID), {
      planId: 'changxiang-128',
      channel: 'counter',
    });
    expect(withdraw.statusCode).toBe(202);
    expect(withdraw.json().planChange.action).toBe('withdraw');
    await waitFor(async () => ((await balance(POSTPAID)).nextPlanId === undefined ? true : null));
    await waitFor(async () => ((await notices('charging.plan_change_withdrawn')).length === 1 ? true : null));
    // the audit trail says who asked and why
    const audit = await waitFor(async () => {
      const rs = await env.chEnv.ch.client.query({
        query: `SELECT action, reason FROM streambss.care_audit FINAL WHERE action LIKE 'line.plan_change%' ORDER BY at`,
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{ action: string; reason: string }>();
      return rows.length >= 2 ? rows : null;
    });
    expect(audit.map((a) => a.action)).toEqual(['line.plan_change_requested', 'line.plan_change_withdrawn']);
    expect(audit[0]!.reason).toBe('客户需要更多流量');
  });

  it('an expired prepaid line takes the new plan with its renewal, at once', async () => {
    const change = await call('agent', 'POST', url(EXPIRED), {
      planId: 'liuliangwang-39',
      channel: 'counter',
    });
    expect(change.statusCode).toBe(202);
    expect(change.json().planChange.effectiveFromMs).toBeNull();
    await waitFor(async () => ((await balance(EXPIRED)).nextPlanId === 'liuliangwang-39' ? true : null));

    const renewal = await call(
      'agent',
      'POST',
      `/api/v1/subscribers/${encodeURIComponent(EXPIRED)}/renewals`,
      {
        requestId: 'renew-plan-0001',
        amountFen: 3900,
        method: 'cash',
        channel: 'counter',
      },
    );
    expect(renewal.statusCode).toBe(201);
    const b = await waitFor(async () => {
      const s = await balance(EXPIRED);
      return s.planId === 'liuliangwang-39' ? s : null;
    });
    // the new plan's fee bought the period that started with the payment, and its allowance
    expect(b).toMatchObject({ balanceFen: 0, allowances: { dataBytes: { totalUnits: 20 * 1024 ** 3 } } });
    expect(b.nextPlanId).toBeUndefined();
    expect(b.periodEndMs - b.periodStartMs).toBe(30 * DAY);
    const review = (await call('agent', 'GET', url(EXPIRED))).json();
    expect(review).toMatchObject({ planId: 'liuliangwang-39', pending: null });
    await waitFor(async () => ((await notices('charging.plan_changed')).length === 1 ? true : null));
  });

  it('预转后: an expired prepaid line moves to a postpaid plan at once, its debt carried, its bar lifted', async () => {
    const review = (await call('agent', 'GET', url(CONVERTING))).json();
    const byId = Object.fromEntries(
      (review.choices as (Choice & { conversion: boolean })[]).map((c) => [c.planId, c]),
    );
    expect(byId['changxiang-128']).toMatchObject({ action: 'change', conversion: true, refusal: null });
    expect(byId['liuliangwang-39']).toMatchObject({ action: 'change', conversion: false });
    const before = await balance(CONVERTING);
    expect(before).toMatchObject({ payment: 'prepaid', balanceFen: -300 });
    const change = await call('agent', 'POST', url(CONVERTING), {
      planId: 'changxiang-128',
      channel: 'counter',
      requestId: 'convert-req-0001',
    });
    expect(change.statusCode).toBe(202);
    // no renewal to wait for: from now
    expect(change.json().planChange.effectiveFromMs).toBeGreaterThanOrEqual(NOW);
    const after = await waitFor(async () => {
      const b = await balance(CONVERTING);
      return b.payment === 'postpaid' ? b : null;
    });
    expect(after).toMatchObject({ planId: 'changxiang-128', barred: false, balanceFen: -300 - 12_800 });
    expect(after.creditLimitFen).toBeGreaterThan(13_100);
    expect((await call('agent', 'GET', url(CONVERTING))).json()).toMatchObject({
      planId: 'changxiang-128',
      pending: null,
    });
    const told = await waitFor(async () => {
      const n = (await notices('charging.plan_change_scheduled')).filter((x) => x.text.includes('后付费'));
      return n.length ? n : null;
    });
    expect(told.map((n) => n.text)).toEqual([
      '您的号码已转为后付费套餐「畅享套餐128元」，即日生效：余额留作账户预存款，此后每月出账。',
    ]);
    // and back (后转预): once what it owes is settled, from its next period
    const owing = (await call('agent', 'GET', url(CONVERTING))).json().choices as Choice[];
    expect(owing.find((c) => c.planId === 'dazhongka-8')?.refusal?.code).toBe('ARREARS');
    const settle = await call(
      'agent',
      'POST',
      `/api/v1/subscribers/${encodeURIComponent(CONVERTING)}/renewals`,
      {
        requestId: 'convert-settle-0001',
        amountFen: 13_100,
        method: 'cash',
        channel: 'counter',
      },
    );
    expect(settle.statusCode, settle.body).toBe(201);
    await waitFor(async () => ((await balance(CONVERTING)).balanceFen >= 0 ? true : null));
    const back = (await call('agent', 'GET', url(CONVERTING))).json();
    expect(back.choices.find((c: Choice) => c.planId === 'dazhongka-8')).toMatchObject({
      action: 'change',
      toPrepaid: true,
      refusal: null,
    });
    const toPrepaid = await call('agent', 'POST', url(CONVERTING), {
      planId: 'dazhongka-8',
      channel: 'counter',
      requestId: 'convert-req-0002',
    });
    expect(toPrepaid.statusCode, toPrepaid.body).toBe(202);
    const periodEndMs = (await balance(CONVERTING)).periodEndMs;
    expect(toPrepaid.json().planChange.effectiveFromMs).toBe(periodEndMs);
    await waitFor(async () => ((await balance(CONVERTING)).nextPlanId === 'dazhongka-8' ? true : null));
    // a suspension asked for now would hold the conversion back until 复机: refused, with the way out
    const suspend = await call('agent', 'POST', url(CONVERTING, '/suspension'), {
      channel: 'counter',
      requestId: 'convert-susp-0003',
    });
    expect(suspend.statusCode, suspend.body).toBe(422);
    expect(suspend.json().error).toMatchObject({ code: 'NOT_ELIGIBLE', field: '/msisdn' });
    expect(suspend.json().error.message).toMatch(
      /withdraw the change first to suspend \(TO_PREPAID_PENDING\)$/,
    );
  });

  it('sells an add-on pack once per request: its units on this period, its fee on the ledger, the customer told', async () => {
    const packs = (await call('customer', 'GET', '/api/v1/add-ons')).json().addOns as { id: string }[];
    expect(packs.map((p) => p.id)).toContain('jiayou-data-1g');
    const before = await balance(POSTPAID);
    const body = { addOnId: 'jiayou-data-1g', channel: 'counter', requestId: 'addon-req-0001' };
    const first = await call('agent', 'POST', url(POSTPAID, '/add-ons'), body);
    expect(first.statusCode).toBe(202);
    const again = await call('agent', 'POST', url(POSTPAID, '/add-ons'), body);
    expect(again.json().purchaseId).toBe(first.json().purchaseId);
    const unknown = await call('agent', 'POST', url(POSTPAID, '/add-ons'), { ...body, addOnId: 'nope' });
    expect(unknown.statusCode).toBe(404);

    const after = await waitFor(async () => {
      const b = await balance(POSTPAID);
      return b.allowances.dataBytes.totalUnits > before.allowances.dataBytes.totalUnits ? b : null;
    });
    expect(after.allowances.dataBytes.totalUnits - before.allowances.dataBytes.totalUnits).toBe(1024 ** 3);
    expect(before.balanceFen - after.balanceFen).toBe(1000);
    const rows = await waitFor(async () => {
      const rs = await env.chEnv.ch.client.query({
        query: `SELECT kind, amount_fen FROM streambss.ledger FINAL WHERE key = {k:String}`,
        query_params: { k: `addon:${first.json().purchaseId}` },
        format: 'JSONEachRow',
      });
      const r = await rs.json<{ kind: string; amount_fen: number }>();
      return r.length ? r : null;
    });
    expect(rows).toEqual([{ kind: 'fee', amount_fen: 1000 }]);
    const told = await waitFor(async () => {
      const n = await notices('charging.add_on_added');
      return n.length ? n : null;
    });
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('您已成功订购「流量加油包1GB」，费用 10.00 元');
    // the screen that sent it reads the outcome back by the purchase id
    const outcome = await call('agent', 'GET', url(POSTPAID, `/outcomes/add-on/${first.json().purchaseId}`));
    expect(outcome.json()).toMatchObject({ state: 'applied', text: told[0]!.text });
    expect((await call('agent', 'GET', url(POSTPAID, '/outcomes/add-on/ao-never-sent'))).json()).toEqual({
      state: 'pending',
    });
    // another customer's line: not theirs to read
    expect((await call('customer', 'GET', url(POSTPAID, '/outcomes/add-on/ao-never-sent'))).statusCode).toBe(
      403,
    );
  });

  it('a pack charging refuses (the race with the saved state) is told to the customer, and charges nothing', async () => {
    // as if the API's check had passed on a state saved a moment before: sent straight to charging
    const pub = new PipelinedPublisher(env.nats.nats.js, 4);
    await sendAddOn(pub, PARTITIONS, {
      purchaseId: 'ao-refused-1',
      msisdn: POSTPAID,
      addOnId: 'jiayou-data-5g',
      name: { 'zh-CN': '流量加油包5GB', en: 'Data top-up 5 GB' },
      service: 'data',
      units: 5 * 1024 ** 3,
      feeFen: 5_000_000,
      atMs: Date.now(),
    });
    const told = await waitFor(async () => {
      const n = await notices('charging.add_on_refused');
      return n.length ? n : null;
    });
    expect(told[0]!.text).toBe('您订购的「流量加油包5GB」未成功：将超出信用额度，请先缴费，未扣费。');
    expect((await call('agent', 'GET', url(POSTPAID, '/outcomes/add-on/ao-refused-1'))).json()).toMatchObject(
      {
        state: 'refused',
        text: told[0]!.text,
      },
    );
    const rs = await env.chEnv.ch.client.query({
      query: `SELECT count() AS n FROM streambss.ledger FINAL WHERE key = 'addon:ao-refused-1'`,
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ n: 0 }]);
    const dead = await env.nats.nats.jsm.streams.info('DLQ', { subjects_filter: 'dlq.rating.>' });
    expect(dead?.state.subjects?.['dlq.rating.credit_limit'] ?? 0).toBe(0);
  });
});
