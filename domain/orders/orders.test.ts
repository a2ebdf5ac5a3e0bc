import { describe, expect, it } from 'vitest';
import {
  cancellationFeeFen,
  checkSlot,
  compatible,
  completeStep,
  failStep,
  newAcceptanceOrder,
  nextStep,
  reviewUnsubscribe,
  suggestPlan,
  takeStock,
  type PlanSummary,
} from './index.ts';

const T0 = Date.UTC(2026, 10, 26, 0, 0); // 08:00 China time

describe('business acceptance state machine', () => {
  it('walks 1→3→4→5→6→7 in order and completes after activation', () => {
    let o = newAcceptanceOrder('o1', 'c1', T0);
    expect(nextStep(o)).toBe('customer_info');
    expect(() => completeStep(o, 'contract', 'k1', T0)).toThrow(/cannot run before customer_info/);
    for (const [s, ref] of [
      ['customer_info', 'c1'],
      ['plan_selection', 'p'],
      ['contract', 'k'],
      ['reservation', 'r'],
      ['installation', 'w'],
    ] as const)
      o = completeStep(o, s, ref, T0);
    expect(nextStep(o)).toBe('activation');
    o = failStep(o, 'activation', 'imei_blacklisted', T0);
    expect(o.steps.activation).toMatchObject({ status: 'failed', reason: 'imei_blacklisted', attempts: 1 });
    expect(o.status).toBe('open');
    o = completeStep(o, 'activation', 'sim', T0 + 1);
    expect(o.status).toBe('completed');
    expect(o.steps.activation.attempts).toBe(2);
    expect(() => failStep(o, 'activation', 'x', T0)).toThrow(/completed/);
  });
});

const plan = (id: string, feeYuan: number, voiceMin: number, dataGb: number, sms: number): PlanSummary => ({
  planId: id,
  name: { 'zh-CN': id, en: id },
  type: 'combo',
  payment: 'prepaid',
  monthlyFeeFen: feeYuan * 100,
  voiceSec: voiceMin * 60,
  dataBytes: dataGb * 1024 ** 3,
  smsCount: sms,
});

describe('plan suggestion', () => {
  const plans = [
    plan('big', 288, 2000, 100, 500),
    plan('mid', 128, 500, 30, 100),
    plan('small', 39, 0, 10, 0),
  ];
  it('suggests the cheapest plan that covers the expected usage', () => {
    expect(suggestPlan(plans, { voiceMin: 300, dataMb: 20_000, sms: 10 })?.planId).toBe('mid');
    expect(suggestPlan(plans, { voiceMin: 0, dataMb: 5_000, sms: 0 })?.planId).toBe('small');
  });
  it('falls back to the closest plan, marked as not fitting, when none covers it', () => {
    const s = suggestPlan(plans, { voiceMin: 5000, dataMb: 1000, sms: 0 });
    expect(s).toMatchObject({ planId: 'big', fits: false, shortfall: { voiceMin: 3000 } });
  });
});

describe('reservation rules', () => {
  it('accepts even-hour slots in business hours between 1 hour and 30 days ahead', () => {
    const tomorrow10 = T0 + 86_400_000 + 2 * 3_600_000;
    expect(checkSlot(tomorrow10, T0)).toBeNull();
    expect(checkSlot(tomorrow10 + 60_000, T0)).toBe('SLOT_NOT_ALIGNED');
    expect(checkSlot(T0 + 2 * 3_600_000, T0 + 2 * 3_600_000 - 1000)).toBe('SLOT_TOO_SOON');
    expect(checkSlot(tomorrow10 + 40 * 86_400_000, T0)).toBe('SLOT_TOO_FAR');
  });
  it('never takes stock below zero and checks plan compatibility', () => {
    expect(takeStock({ available: 1, reserved: 0 }, 1)).toEqual({ available: 0, reserved: 1 });
    expect(takeStock({ available: 0, reserved: 1 }, 1)).toBeNull();
    expect(compatible('data', 'phone')).toBe(false);
    expect(compatible('combo', 'phone')).toBe(true);
  });
  it('cancels free before the slot only', () => {
    expect(cancellationFeeFen(T0 + 1000, T0)).toBe(0);
    expect(cancellationFeeFen(T0, T0)).toBe(3000);
  });
});

describe('unsubscribe review', () => {
  it('is eligible with nothing owed, no term left and no devices out', () => {
    expect(
      reviewUnsubscribe({
        lineStatus: 'active',
        balanceFen: 0,
        contractEndMs: T0 - 1,
        devicesOutstanding: [],
        nowMs: T0,
      }),
    ).toEqual({ eligible: true, reasons: [] });
  });
  it('names every blocking reason in both languages', () => {
    const r = reviewUnsubscribe({
      lineStatus: 'active',
      balanceFen: -1234,
      contractEndMs: Date.UTC(2027, 0, 31),
      devicesOutstanding: ['CPE-1'],
      nowMs: T0,
    });
    expect(r.eligible).toBe(false);
    expect(r.reasons.map((x) => x.code)).toEqual([
      'OUTSTANDING_BALANCE',
      'CONTRACT_TERM',
      'DEVICES_NOT_RETURNED',
    ]);
    expect(r.reasons[0]?.text['zh-CN']).toContain('12.34');
    expect(r.reasons[1]?.text.en).toContain('2027-01-31');
  });
  it('dates the contract end in Beijing time', () => {
    // 2027-01-31 20:00 UTC is 2027-02-01 04:00 in Beijing: the customer's contract says 02-01
    const r = reviewUnsubscribe({
      lineStatus: 'active',
      balanceFen: 0,
      contractEndMs: Date.UTC(2027, 0, 31, 20),
      devicesOutstanding: [],
      nowMs: T0,
    });
    expect(r.reasons[0]?.text['zh-CN']).toBe('合约期至 2027-02-01，未到期');
  });
});
