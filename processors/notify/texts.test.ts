import { describe, expect, it } from 'vitest';
import type { RatingNotification } from '../../domain/rating/index.ts';
import { CUSTOMER_NOTICE_KINDS, noticeId, noticeText } from './texts.ts';

const n = (over: Partial<RatingNotification>): RatingNotification => ({
  key: 'allowance_80:+8613800138000:1740758400000:data',
  kind: 'allowance_80',
  msisdn: '+8613800138000',
  atMs: 1741000000000,
  service: 'data',
  params: { used: 8, total: 10, periodEndMs: 1743436800000 },
  ...over,
});

describe('charging notice texts', () => {
  it('says which allowance crossed 80 % and when the period ends, in both languages', () => {
    // the period ends at 2025-04-01 00:00 Beijing (exclusive): its last day is 03-31 ("至" and
    // "ends" name the last day; the text once said 04-01, a day the period does not cover)
    expect(noticeText(n({}), 'zh-CN')).toBe('您本期套餐内流量已使用80%，周期至 2025-03-31。');
    expect(noticeText(n({}), 'en')).toContain("80% of this period's data allowance (period ends 2025-03-31)");
  });

  it('shows money in yuan from integer fen', () => {
    const low = n({
      key: 'low_balance:cdr:x',
      kind: 'low_balance',
      params: { balanceFen: 493, balanceYuan: '4.93' },
    });
    expect(noticeText(low, 'zh-CN')).toBe('您的余额仅剩 4.93 元，请及时充值。');
    const limit = n({ key: 'c', kind: 'credit_limit_reached', params: { owedFen: 20050, limitFen: 20000 } });
    expect(noticeText(limit, 'en')).toContain('You owe 200.50 yuan, your credit limit of 200.00 yuan');
  });

  it('tells a barred line why, and sends nothing for kinds customers are not told here', () => {
    expect(noticeText(n({ kind: 'line_barred', params: { reason: 'credit_limit' } }), 'zh-CN')).toContain(
      '超出信用额度',
    );
    expect(noticeText(n({ kind: 'period_renewed' }), 'zh-CN')).toBeNull();
    // a closed line: the money left or owed, or nothing when the account is square
    const closed = (params: Record<string, number | string>) =>
      n({ kind: 'line_closed', msisdn: '+8613800000042', params: { reason: 'unsubscribe', ...params } });
    expect(noticeText(closed({ refundFen: 3550, owedFen: 0 }), 'zh-CN')).toBe(
      '号码 +8613800000042 已销户，账户余额 35.50 元将退还给您。',
    );
    expect(noticeText(closed({ refundFen: 0, owedFen: 12800 }), 'en')).toContain('128.00 yuan still owed');
    expect(noticeText(closed({ refundFen: 0, owedFen: 0 }), 'zh-CN')).toBeNull();
    expect(CUSTOMER_NOTICE_KINDS).toEqual(
      expect.arrayContaining(['allowance_80', 'allowance_100', 'low_balance', 'line_barred']),
    );
  });

  it('tells a plan change: when the new plan starts (Beijing day), a withdrawal, and the switch', () => {
    const names = { planId: 'shangwu-288', planNameZh: '商务套餐288', planNameEn: 'Business 288' };
    const scheduled = n({
      key: 'plan_change:pc-1',
      kind: 'plan_change_scheduled',
      params: { ...names, fromPlanId: 'changxiang-128', effectiveFromMs: 1743436800000 },
    });
    expect(noticeText(scheduled, 'zh-CN')).toBe(
      '您的套餐变更已受理：2025-04-01 起变更为「商务套餐288」，本期套餐不变。',
    );
    expect(noticeText(scheduled, 'en')).toContain('Business 288 from 2025-04-01');
    const atRenewal = n({ kind: 'plan_change_scheduled', params: { ...names, effectiveFromMs: 0 } });
    expect(noticeText(atRenewal, 'zh-CN')).toContain('下次续费起');
    expect(noticeText(n({ kind: 'plan_change_withdrawn', params: names }), 'en')).toBe(
      'Your plan change is withdrawn; you stay on Business 288.',
    );
    expect(noticeText(n({ kind: 'plan_changed', atMs: 1743436800000, params: names }), 'zh-CN')).toContain(
      '已于 2025-04-01 变更为「商务套餐288」',
    );
  });

  it('confirms an add-on pack with its fee and the last day it is valid', () => {
    const bought = n({
      key: 'addon:ao-1',
      kind: 'add_on_added',
      params: {
        nameZh: '流量加油包1GB',
        nameEn: 'Data top-up 1 GB',
        feeFen: 1000,
        periodEndMs: 1743436800000,
      },
    });
    expect(noticeText(bought, 'zh-CN')).toBe(
      '您已成功订购「流量加油包1GB」，费用 10.00 元，本期有效（至 2025-03-31）。',
    );
    expect(noticeText(bought, 'en')).toContain('Data top-up 1 GB for 10.00 yuan');
  });

  it('says why a pack or a plan change was refused, and that nothing was charged or changed', () => {
    const pack = n({
      key: 'addon:ao-2',
      kind: 'add_on_refused',
      params: { nameZh: '流量加油包1GB', nameEn: 'Data top-up 1 GB', code: 'INSUFFICIENT_BALANCE' },
    });
    expect(noticeText(pack, 'zh-CN')).toBe(
      '您订购的「流量加油包1GB」未成功：余额不足，请充值后再试，未扣费。',
    );
    const plan = n({ key: 'plan_change:pc-2', kind: 'plan_change_refused', params: { code: 'PAID_AHEAD' } });
    expect(noticeText(plan, 'en')).toBe(
      'Your plan change was not made: periods are paid ahead on the current plan. Your plan stays as it is.',
    );
  });

  it('tells a lost line how to restore it, and any line when it works again', () => {
    expect(noticeText(n({ kind: 'line_barred', params: { reason: 'lost' } }), 'zh-CN')).toContain('办理解挂');
    expect(noticeText(n({ kind: 'line_unbarred', params: { reason: 'lost' } }), 'zh-CN')).toBe(
      '您的号码已解挂，恢复使用。',
    );
    expect(noticeText(n({ kind: 'line_unbarred', params: { reason: 'balance' } }), 'en')).toBe(
      'Your line works again.',
    );
  });

  it('tells a line converted to postpaid at once that it is, not that its period stays', () => {
    const converted = n({
      kind: 'plan_change_scheduled',
      params: { planNameZh: '畅享套餐128元', planNameEn: 'Changxiang 128', effectiveFromMs: 1, converted: 1 },
    });
    expect(noticeText(converted, 'zh-CN')).not.toContain('本期套餐不变');
    expect(noticeText(converted, 'en')).toBe(
      'Your line is now postpaid on Changxiang 128, from today: its balance stays as credit and a bill follows each month.',
    );
  });

  it('tells a suspended line what keeping the number costs, and that it is back on its plan when resumed', () => {
    expect(noticeText(n({ kind: 'line_barred', params: { reason: 'suspended' } }), 'zh-CN')).toBe(
      '您的号码已办理停机保号，号码为您保留，停机期间每月收取保号费 5.00 元。需要使用时可随时申请复机。',
    );
    expect(noticeText(n({ kind: 'line_unbarred', params: { reason: 'suspended' } }), 'en')).toBe(
      'Your line is resumed and works again, on your plan.',
    );
  });

  it('gives one notification one outbox id matching the care id pattern', () => {
    expect(noticeId(n({}))).toBe(noticeId(n({ atMs: 1 })));
    expect(noticeId(n({}))).not.toBe(noticeId(n({ key: 'allowance_100:x' })));
    expect(noticeId(n({}))).toMatch(/^ntf-[A-Za-z0-9_-]{1,40}$/);
  });
});
