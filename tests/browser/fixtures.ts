/** Data the browser tests put into a running system the way its own parts would. */
import { encodeBatch } from '../../domain/events/envelope.ts';
import { connectNats, subjects } from '../../infra/nats/index.ts';
import type { Bill } from '../../domain/rating/index.ts';
import { openBillsBucket, storeOnce, supplementKey } from '../../processors/billing/index.ts';

/** October's bill for the demo line, as the month-end bill run stores it. */
export async function storeDemoOctoberBill(natsUrl: string): Promise<void> {
  const nats = await connectNats(natsUrl, 'ui-test-bills');
  const startMs = Date.UTC(2026, 8, 30, 16); // 2026-10-01 00:00 Beijing
  const endMs = Date.UTC(2026, 9, 31, 16);
  const kv = await openBillsBucket(nats.nc);
  const october: Bill = {
    billId: `bill:+8613800000042:${startMs}`,
    msisdn: '+8613800000042',
    planId: 'changxiang-128',
    planVersion: 1,
    periodStartMs: startMs,
    periodEndMs: endMs,
    issuedAtMs: endMs + 3_600_000,
    dueAtMs: endMs + 15 * 86_400_000,
    lines: [
      { code: 'monthly_fee', name: { 'zh-CN': '套餐月费', en: 'Monthly fee' }, amountFen: 12800 },
      { code: 'discount', name: { 'zh-CN': '优惠', en: 'Discount' }, amountFen: -2000 },
      { code: 'data_overage', name: { 'zh-CN': '超出流量', en: 'Data overage' }, amountFen: 345 },
    ],
    totalFen: 11145,
    amountDueFen: 11145,
  };
  await storeOnce(kv, october);
  // and a call of October reported after that bill (迟到话单), on its 补收账单
  const late: Bill = {
    ...october,
    billId: `${october.billId}:late:1`,
    supplements: october.billId,
    issuedAtMs: endMs + 5 * 86_400_000,
    dueAtMs: endMs + 20 * 86_400_000,
    lines: [{ code: 'voice_overage', name: { 'zh-CN': '语音超出费', en: 'Voice overage' }, amountFen: 230 }],
    totalFen: 230,
    amountDueFen: 230,
  };
  await storeOnce(kv, late, supplementKey(october, 1));
  await nats.nc.close();
}

/** Raw CDRs as one batch from their network element (`batchId` doubles as the message id). */
export async function publishRawCdrs(
  natsUrl: string,
  batchId: string,
  cdrs: ({ neId: string } & Record<string, unknown>)[],
): Promise<void> {
  const nats = await connectNats(natsUrl, `ui-test-${batchId}`);
  await nats.js.publish(subjects.rawCdr(cdrs[0]?.neId ?? 'unknown'), encodeBatch(batchId, cdrs), {
    msgID: batchId,
  });
  await nats.nc.close();
}
