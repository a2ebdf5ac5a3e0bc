import { DEFAULT_KEEP_NUMBER_FEE_FEN } from '../../domain/catalog/index.ts';
import { stableId } from '../../domain/index.ts';
import { type NotificationKind, type RatingNotification } from '../../domain/rating/index.ts';

/**
 * What a customer is told when charging crosses a threshold (提醒短信), in zh-CN and en. Pure:
 * the text depends only on the notification. Kinds not listed here are not sent to customers.
 */

type Locale = 'zh-CN' | 'en';
const SERVICE: Record<string, { 'zh-CN': string; en: string }> = {
  voice: { 'zh-CN': '通话', en: 'voice' },
  sms: { 'zh-CN': '短信', en: 'SMS' },
  data: { 'zh-CN': '流量', en: 'data' },
};

const yuan = (fen: unknown) => (typeof fen === 'number' ? (fen / 100).toFixed(2) : '?');
const date = (ms: unknown) =>
  typeof ms === 'number' ? new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10) : '?';
/** The last day (Beijing) a period ending at the exclusive instant `endMs` covers. */
const lastDay = (endMs: unknown) => date(typeof endMs === 'number' ? endMs - 1 : endMs);

/** The plan's name as the notification carries it (charging puts both languages in). */
const planName = (n: RatingNotification, l: Locale) =>
  String((l === 'zh-CN' ? n.params.planNameZh : n.params.planNameEn) ?? n.params.planId ?? '');

/** Why charging refused a plan change or a pack, in the customer's words. */
const REFUSAL: Record<string, { 'zh-CN': string; en: string }> = {
  INSUFFICIENT_BALANCE: {
    'zh-CN': '余额不足，请充值后再试',
    en: 'the balance does not cover it; top up and try again',
  },
  NO_PERIOD: { 'zh-CN': '套餐已到期，请先续费', en: 'the plan has expired; renew it first' },
  CREDIT_LIMIT: {
    'zh-CN': '将超出信用额度，请先缴费',
    en: 'it would pass your credit limit; pay your bill first',
  },
  PAID_AHEAD: { 'zh-CN': '已预缴后续周期，生效后方可变更', en: 'periods are paid ahead on the current plan' },
  PAYMENT_TYPE_CHANGE: {
    'zh-CN': '停机保号中，复机后才能改变付费方式',
    en: 'the line is suspended (number kept): resume it before changing how it pays',
  },
  SAME_PLAN: { 'zh-CN': '已是该套餐', en: 'the line is already on that plan' },
};

/** A kind's text; null when this notification has nothing to tell the customer. */
const texts: Partial<Record<NotificationKind, (n: RatingNotification, l: Locale) => string | null>> = {
  allowance_80: (n, l) => {
    const s = SERVICE[n.service ?? ''] ?? { 'zh-CN': '套餐', en: 'plan' };
    return l === 'zh-CN'
      ? `您本期套餐内${s['zh-CN']}已使用80%，周期至 ${lastDay(n.params.periodEndMs)}。`
      : `You have used 80% of this period's ${s.en} allowance (period ends ${lastDay(n.params.periodEndMs)}).`;
  },
  allowance_100: (n, l) => {
    const s = SERVICE[n.service ?? ''] ?? { 'zh-CN': '套餐', en: 'plan' };
    return l === 'zh-CN'
      ? `您本期套餐内${s['zh-CN']}已用完，超出部分按标准资费计费。`
      : `Your ${s.en} allowance for this period is used up; further use is charged at standard rates.`;
  },
  low_balance: (n, l) =>
    l === 'zh-CN'
      ? `您的余额仅剩 ${yuan(n.params.balanceFen)} 元，请及时充值。`
      : `Your balance is down to ${yuan(n.params.balanceFen)} yuan. Please top up.`,
  balance_exhausted: (_n, l) =>
    l === 'zh-CN'
      ? '您的余额已用完，请充值以恢复使用。'
      : 'Your balance is used up. Top up to keep using the line.',
  credit_limit_reached: (n, l) =>
    l === 'zh-CN'
      ? `您的欠费 ${yuan(n.params.owedFen)} 元已达信用额度 ${yuan(n.params.limitFen)} 元，请尽快缴费。`
      : `You owe ${yuan(n.params.owedFen)} yuan, your credit limit of ${yuan(n.params.limitFen)} yuan. Please pay your bill.`,
  line_barred: (n, l) => {
    if (n.params.reason === 'lost')
      return l === 'zh-CN'
        ? '您的号码已挂失停机。找回或补卡后，请本人携带证件到营业厅办理解挂。'
        : 'Your line is barred as reported lost. To restore it, come to a shop with your ID.';
    if (n.params.reason === 'suspended')
      return l === 'zh-CN'
        ? `您的号码已办理停机保号，号码为您保留，停机期间每月收取保号费 ${yuan(n.params.feeFen ?? DEFAULT_KEEP_NUMBER_FEE_FEN)} 元。需要使用时可随时申请复机。`
        : `Your line is suspended and your number kept for you, at ${yuan(n.params.feeFen ?? DEFAULT_KEEP_NUMBER_FEE_FEN)} yuan a month. Ask to resume it any time.`;
    return l === 'zh-CN'
      ? `您的号码已停机（${n.params.reason === 'credit_limit' ? '超出信用额度' : '余额不足'}），缴费后自动恢复。`
      : `Your line is barred (${n.params.reason === 'credit_limit' ? 'credit limit reached' : 'no balance'}); paying restores it.`;
  },
  line_unbarred: (n, l) =>
    n.params.reason === 'suspended'
      ? l === 'zh-CN'
        ? '您的号码已复机，恢复使用，套餐同时恢复。'
        : 'Your line is resumed and works again, on your plan.'
      : n.params.reason === 'lost'
        ? l === 'zh-CN'
          ? '您的号码已解挂，恢复使用。'
          : 'Your line is restored and works again.'
        : l === 'zh-CN'
          ? '您的号码已恢复使用。'
          : 'Your line works again.',
  plan_change_scheduled: (n, l) => {
    if (n.params.converted === 1)
      return l === 'zh-CN'
        ? `您的号码已转为后付费套餐「${planName(n, l)}」，即日生效：余额留作账户预存款，此后每月出账。`
        : `Your line is now postpaid on ${planName(n, l)}, from today: its balance stays as credit and a bill follows each month.`;
    const from = n.params.effectiveFromMs;
    const zhWhen = typeof from === 'number' && from > 0 ? `${date(from)} 起` : '下次续费起';
    const enWhen = typeof from === 'number' && from > 0 ? `from ${date(from)}` : 'from your next renewal';
    return l === 'zh-CN'
      ? `您的套餐变更已受理：${zhWhen}变更为「${planName(n, l)}」，本期套餐不变。`
      : `Your plan change is accepted: ${planName(n, l)} ${enWhen}; this period stays on your current plan.`;
  },
  plan_change_withdrawn: (n, l) =>
    l === 'zh-CN'
      ? `您的套餐变更已撤销，继续使用「${planName(n, l)}」。`
      : `Your plan change is withdrawn; you stay on ${planName(n, l)}.`,
  add_on_added: (n, l) => {
    const name = String((l === 'zh-CN' ? n.params.nameZh : n.params.nameEn) ?? n.params.addOnId ?? '');
    return l === 'zh-CN'
      ? `您已成功订购「${name}」，费用 ${yuan(n.params.feeFen)} 元，本期有效（至 ${lastDay(n.params.periodEndMs)}）。`
      : `You bought ${name} for ${yuan(n.params.feeFen)} yuan; it is valid this period (until ${lastDay(n.params.periodEndMs)}).`;
  },
  add_on_refused: (n, l) => {
    const name = String((l === 'zh-CN' ? n.params.nameZh : n.params.nameEn) ?? n.params.addOnId ?? '');
    const why = REFUSAL[String(n.params.code)] ?? { 'zh-CN': '暂不能办理', en: 'it cannot be done now' };
    return l === 'zh-CN'
      ? `您订购的「${name}」未成功：${why['zh-CN']}，未扣费。`
      : `Your ${name} was not added: ${why.en}. Nothing was charged.`;
  },
  plan_change_refused: (n, l) => {
    const why = REFUSAL[String(n.params.code)] ?? { 'zh-CN': '暂不能办理', en: 'it cannot be done now' };
    return l === 'zh-CN'
      ? `您的套餐变更未受理：${why['zh-CN']}，套餐不变。`
      : `Your plan change was not made: ${why.en}. Your plan stays as it is.`;
  },
  // the closure itself is told by care (销户, 携出); charging tells only the money left
  line_closed: (n, l) => {
    const refund = Number(n.params.refundFen ?? 0);
    const owed = Number(n.params.owedFen ?? 0);
    if (refund > 0)
      return l === 'zh-CN'
        ? `号码 ${n.msisdn} 已销户，账户余额 ${yuan(refund)} 元将退还给您。`
        : `Line ${n.msisdn} is closed; its balance of ${yuan(refund)} yuan will be paid back to you.`;
    if (owed > 0)
      return l === 'zh-CN'
        ? `号码 ${n.msisdn} 已销户，尚有未结费用 ${yuan(owed)} 元，请在最终账单出账后缴清。`
        : `Line ${n.msisdn} is closed with ${yuan(owed)} yuan still owed; please pay its final bill when it comes.`;
    return null;
  },
  plan_changed: (n, l) =>
    l === 'zh-CN'
      ? `您的套餐已于 ${date(n.atMs)} 变更为「${planName(n, l)}」，新周期的套餐内容已生效。`
      : `Your plan is now ${planName(n, l)} (since ${date(n.atMs)}); its allowances apply from this period.`,
};

/** Kinds that reach customers through the outbox. */
export const CUSTOMER_NOTICE_KINDS = Object.keys(texts) as NotificationKind[];

/** The customer-facing text of a charging notification, or null when this kind is not sent. */
export function noticeText(n: RatingNotification, locale: Locale): string | null {
  const t = texts[n.kind]?.(n, locale);
  return t ? t.slice(0, 1000) : null;
}

/** Outbox id of a charging notification: stable, so the same notification is queued once. */
export const noticeId = (n: Pick<RatingNotification, 'key'>) => stableId('ntf', 'charging', n.key);
