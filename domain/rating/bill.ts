import type { CompiledCatalog } from '../catalog/index.ts';
import { RatingError } from './errors.ts';
import { dueAtMs } from './payment.ts';
import { planOf, rollTo, type Effects } from './period.ts';
import type { LedgerEntry, PeriodCharges, RatingNotification, SubscriberState } from './types.ts';

export type BillLineCode =
  | 'monthly_fee'
  | 'keep_number_fee'
  | 'discount'
  | 'voice_overage'
  | 'sms_overage'
  | 'data_overage'
  | 'add_on';

export interface BillLine {
  code: BillLineCode;
  name: { 'zh-CN': string; en: string };
  /** Discounts are negative. */
  amountFen: number;
}

export interface Bill {
  /** Stable: `bill:<msisdn>:<periodStartMs>`; closing the same period twice yields the same id. */
  billId: string;
  msisdn: string;
  planId: string;
  planVersion: number;
  periodStartMs: number;
  periodEndMs: number;
  issuedAtMs: number;
  dueAtMs: number;
  lines: BillLine[];
  totalFen: number;
  /** What the account still owes for this and earlier periods at issue time (0 if in credit). */
  amountDueFen: number;
  /** 补收账单: the bill of the same period this one adds late charges to. */
  supplements?: string;
}

export interface BillResult {
  bill: Bill;
  newState: SubscriberState;
  /** Fee entries of periods started while bringing the state up to `atMs` (usually none). */
  ledger: LedgerEntry[];
  notifications: RatingNotification[];
}

const NAMES: Record<BillLineCode, { 'zh-CN': string; en: string }> = {
  monthly_fee: { 'zh-CN': '套餐月费', en: 'Monthly fee' },
  keep_number_fee: { 'zh-CN': '停机保号费', en: 'Number-keeping fee (suspended)' },
  discount: { 'zh-CN': '优惠减免', en: 'Discount' },
  voice_overage: { 'zh-CN': '语音超出费', en: 'Voice overage' },
  sms_overage: { 'zh-CN': '短信超出费', en: 'SMS overage' },
  data_overage: { 'zh-CN': '流量超出费', en: 'Data overage' },
  add_on: { 'zh-CN': '叠加包', en: 'Add-on packs' },
};

export function billLines(c: PeriodCharges): BillLine[] {
  const fee = c.keepNumber ? 'keep_number_fee' : 'monthly_fee';
  const lines: BillLine[] = [{ code: fee, name: NAMES[fee], amountFen: c.feeFen }];
  if (c.discountFen > 0) lines.push({ code: 'discount', name: NAMES.discount, amountFen: -c.discountFen });
  if (c.voiceFen > 0) lines.push({ code: 'voice_overage', name: NAMES.voice_overage, amountFen: c.voiceFen });
  if (c.smsFen > 0) lines.push({ code: 'sms_overage', name: NAMES.sms_overage, amountFen: c.smsFen });
  if (c.dataFen > 0) lines.push({ code: 'data_overage', name: NAMES.data_overage, amountFen: c.dataFen });
  if ((c.addOnFen ?? 0) > 0) lines.push({ code: 'add_on', name: NAMES.add_on, amountFen: c.addOnFen ?? 0 });
  return lines;
}

/**
 * Issues the bill of a postpaid period that has ended (the state is first brought up to `atMs`,
 * which closes any period ended by then). The charges were already debited from the balance as
 * they happened, so the bill moves no money: it removes the period from `closedPeriods`.
 */
export function closeBill(
  catalog: CompiledCatalog,
  state: SubscriberState,
  periodStartMs: number,
  atMs: number,
): BillResult {
  const plan = planOf(catalog, state.planId);
  // a prepaid line (after 后转预) still has the bills of the postpaid months it kept
  if (plan.payment !== 'postpaid' && !state.closedPeriods.some((p) => p.startMs === periodStartMs))
    throw new RatingError('NOT_POSTPAID', `plan ${plan.id} is prepaid: no bills`, '/planId');
  const fx: Effects = { state, ledger: [], notifications: [] };
  rollTo(catalog, state, atMs, fx);
  const s = fx.state;
  const period = s.closedPeriods.find((p) => p.startMs === periodStartMs);
  if (!period) {
    if (s.periodStartMs === periodStartMs)
      throw new RatingError(
        'PERIOD_OPEN',
        `period starting ${periodStartMs} is still open until ${s.periodEndMs}`,
        '/periodStartMs',
      );
    throw new RatingError(
      'BILL_NOT_FOUND',
      `no unbilled period starts at ${periodStartMs}`,
      '/periodStartMs',
    );
  }
  const lines = billLines(period.charges);
  const totalFen = lines.reduce((a, l) => a + l.amountFen, 0);
  const c = s.charges;
  // a postpaid period under way is billed later; a prepaid one (after 后转预) was paid when it began
  const openPeriodFen =
    s.payment === 'postpaid'
      ? c.feeFen - c.discountFen + c.voiceFen + c.smsFen + c.dataFen + (c.addOnFen ?? 0)
      : 0;
  const bill: Bill = {
    billId: `bill:${s.msisdn}:${period.startMs}`,
    msisdn: s.msisdn,
    planId: period.planId ?? s.planId,
    planVersion: period.planVersion,
    periodStartMs: period.startMs,
    periodEndMs: period.endMs,
    issuedAtMs: atMs,
    dueAtMs: dueAtMs(period.endMs, catalog.dueDays),
    lines,
    totalFen,
    amountDueFen: Math.max(0, -s.balanceFen - openPeriodFen),
  };
  const newState = { ...s, closedPeriods: s.closedPeriods.filter((p) => p !== period) };
  return { bill, newState, ledger: fx.ledger, notifications: fx.notifications };
}
