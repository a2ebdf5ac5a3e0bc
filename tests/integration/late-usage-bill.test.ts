/**
 * 补收账单 through the charging engine and the month-end billing run: a postpaid line closed
 * (销户) last month gets its final bill; a call it made before the closure, reported after that
 * bill, is charged to the closed period and billed on a supplementary bill, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf, monthRange } from '../../domain/billing/index.ts';
import { encodeBatch } from '../../domain/index.ts';
import { PipelinedPublisher, subjects } from '../../infra/nats/index.ts';
import { sendLineClosure } from '../../processors/rating/index.ts';
import {
  balanceOf,
  intlCall,
  PARTITIONS,
  startChargingApi,
  type ChargingApiEnv,
} from '../support/charging-api.ts';
import { waitFor } from '../support/env.ts';

const THIS_MONTH = monthRange(monthOf(Date.now()))!;
const LAST_MONTH = monthOf(THIS_MONTH.startMs - 1);
const ACTIVATED = monthRange(LAST_MONTH)!.startMs + 2 * 86_400_000;
const CLOSED_AT = ACTIVATED + 10 * 86_400_000;
const LINE = '+8613600000152';

interface BillView {
  billId: string;
  supplements?: string;
  periodStartMs: number;
  totalFen: number;
  dueAtMs: number;
  issuedAtMs: number;
  lines: { code: string; amountFen: number }[];
}

describe('补收账单: late usage after the final bill (real servers)', () => {
  let env: ChargingApiEnv;
  beforeAll(async () => {
    env = await startChargingApi({
      lines: [{ msisdn: LINE, planId: 'changxiang-128', activatedAtMs: ACTIVATED, openingBalanceFen: 0 }],
    });
  });
  afterAll(async () => env?.close());

  const close = async () => {
    const r = await env.call('admin', 'POST', '/api/v1/bills/close', { period: LAST_MONTH });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { issued: number; existing: number; supplementary: number };
  };
  const bills = async (who: 'agent' | 'admin' = 'admin') =>
    (await env.call(who, 'GET', `/api/v1/subscribers/${encodeURIComponent(LINE)}/bills`)).json()
      .bills as BillView[];
  const publishCall = (n: number, atMs: number) =>
    new PipelinedPublisher(env.nats.nats.js).publishAll([
      {
        subject: subjects.rawCdr('MSC-SH-01'),
        data: encodeBatch(`late-${n}`, [intlCall(n, LINE, atMs)]),
        msgId: `late-${n}`,
      },
    ]);

  it('bills a call reported after the final bill on a 补收账单, once, with the late charge only', async () => {
    const pub = new PipelinedPublisher(env.nats.nats.js);
    await sendLineClosure(pub, PARTITIONS, {
      closureId: 'late-close-1',
      msisdn: LINE,
      reason: 'unsubscribe',
      atMs: CLOSED_AT,
    });
    await pub.flush();
    await waitFor(async () => ((await balanceOf(env, LINE)).barReason === 'closed' ? true : null));
    expect(await close()).toMatchObject({ issued: 1, supplementary: 0 });
    const [final] = await bills();
    expect(final).toMatchObject({ periodStartMs: ACTIVATED });
    expect(final?.supplements).toBeUndefined();
    const owedAtBill = (await balanceOf(env, LINE)).balanceFen;

    // a call of two days before the closure, reported now
    await publishCall(1, CLOSED_AT - 2 * 86_400_000);
    const after = await waitFor(async () => {
      const b = await balanceOf(env, LINE);
      return b.balanceFen < owedAtBill ? b : null;
    });
    const lateFen = owedAtBill - after.balanceFen;
    const run = await close();
    expect(run).toMatchObject({ issued: 1, existing: 1, supplementary: 1 });
    const listed = await bills();
    expect(listed).toHaveLength(2);
    expect(listed[0]).toEqual(final);
    expect(listed[1]).toMatchObject({
      billId: `${final!.billId}:late:1`,
      supplements: final!.billId,
      periodStartMs: ACTIVATED,
      totalFen: lateFen,
      lines: [expect.objectContaining({ code: 'voice_overage', amountFen: lateFen })],
    });
    expect(listed[1]!.dueAtMs).toBeGreaterThan(listed[1]!.issuedAtMs);
    // staff see the numbers masked in both ids
    const masked = (await bills('agent'))[1]!;
    expect(masked.billId).not.toContain(LINE);
    expect(masked.supplements).toBe((await bills('agent'))[0]!.billId);

    // the month closed again: nothing new
    expect(await close()).toMatchObject({ issued: 0, existing: 1, supplementary: 0 });
    expect(await bills()).toHaveLength(2);
  });
});
