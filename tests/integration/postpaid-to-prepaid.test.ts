/**
 * 后转预 through the charging engine and the month-end billing run: a postpaid line that moved to a
 * prepaid plan at the start of this month still gets last month's bill, and pays its first
 * prepaid period from its balance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf, monthRange } from '../../domain/billing/index.ts';
import { encodeBatch } from '../../domain/index.ts';
import { PipelinedPublisher, subjects } from '../../infra/nats/index.ts';
import { sendPlanChange } from '../../processors/rating/index.ts';
import {
  balanceOf,
  intlCall,
  PARTITIONS,
  startChargingApi,
  type ChargingApiEnv,
} from '../support/charging-api.ts';
import { waitFor } from '../support/env.ts';

const NOW = Date.now();
const THIS_MONTH = monthRange(monthOf(NOW))!;
const LAST_MONTH = monthOf(THIS_MONTH.startMs - 1);
const ACTIVATED = monthRange(LAST_MONTH)!.startMs + 5 * 86_400_000;
const LINE = '+8613600000151';
const PREPAID_FEE = 800; // dazhongka-8

describe('后转预 and the billing run (real servers)', () => {
  let env: ChargingApiEnv;
  beforeAll(async () => {
    env = await startChargingApi({
      // a deposit: enough for last month's fee and the first prepaid period
      lines: [
        { msisdn: LINE, planId: 'changxiang-128', activatedAtMs: ACTIVATED, openingBalanceFen: 40_000 },
      ],
    });
  });
  afterAll(async () => env?.close());

  it('converts at the month boundary, buys the first prepaid period, and last month is still billed', async () => {
    const pub = new PipelinedPublisher(env.nats.nats.js);
    // asked for during last month; then a call this month brings the line across the boundary
    await sendPlanChange(pub, PARTITIONS, {
      changeId: 'pc-to-prepaid-1',
      msisdn: LINE,
      planId: 'dazhongka-8',
      atMs: ACTIVATED + 86_400_000,
    });
    await pub.flush();
    await pub.publishAll([
      {
        subject: subjects.rawCdr('MSC-SH-01'),
        data: encodeBatch('to-prepaid-1', [intlCall(1, LINE, NOW - 60_000)]),
        msgId: 'to-prepaid-1',
      },
    ]);
    const now = await waitFor(async () => {
      const b = await balanceOf(env, LINE);
      return b.payment === 'prepaid' ? b : null;
    });
    expect(now).toMatchObject({ planId: 'dazhongka-8', barred: false, creditLimitFen: 0 });
    expect(now.periodStartMs).toBe(THIS_MONTH.startMs);
    const fees = await waitFor(async () => {
      const rs = await env.chEnv.ch.client.query({
        query: `SELECT plan_id, amount_fen FROM streambss.ledger FINAL
                WHERE msisdn = {m:String} AND kind = 'fee' ORDER BY at`,
        query_params: { m: LINE },
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{ plan_id: string; amount_fen: number }>();
      return rows.length >= 2 ? rows : null;
    });
    expect(fees.at(-1)).toEqual({ plan_id: 'dazhongka-8', amount_fen: PREPAID_FEE });

    // the month-end run issues last month's bill although the line is prepaid now
    const closed = await env.call('admin', 'POST', '/api/v1/bills/close', { period: LAST_MONTH });
    expect(closed.json()).toMatchObject({ period: LAST_MONTH, lines: 1, issued: 1, notBilled: 0 });
    const bills = (
      await env.call('agent', 'GET', `/api/v1/subscribers/${encodeURIComponent(LINE)}/bills`)
    ).json().bills as { periodStartMs: number; planId: string; lines: { code: string }[] }[];
    expect(bills).toHaveLength(1);
    expect(bills[0]).toMatchObject({ periodStartMs: ACTIVATED, planId: 'changxiang-128' });
    expect(bills[0]!.lines[0]).toMatchObject({ code: 'monthly_fee' });
  });
});
