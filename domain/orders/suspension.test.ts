import { describe, expect, it } from 'vitest';
import { suspensionRefusal, type SuspensionInput } from './suspension.ts';

const ok: SuspensionInput = { lineStatus: 'active', lost: false, payment: 'postpaid', balanceFen: 0 };

describe('停机保号 eligibility', () => {
  it('accepts a settled postpaid line in service, also when charging does not know its balance yet', () => {
    expect(suspensionRefusal(ok)).toBeNull();
    expect(suspensionRefusal({ ...ok, balanceFen: 1200 })).toBeNull();
    expect(suspensionRefusal({ ...ok, balanceFen: null })).toBeNull();
  });

  it('names the first reason it cannot be done', () => {
    expect(suspensionRefusal({ ...ok, lineStatus: 'closed', lost: true })?.code).toBe('LINE_NOT_ACTIVE');
    expect(suspensionRefusal({ ...ok, lost: true, payment: 'prepaid' })?.code).toBe('LINE_LOST');
    expect(suspensionRefusal({ ...ok, payment: 'prepaid', balanceFen: -5 })?.code).toBe('PREPAID');
    expect(suspensionRefusal({ ...ok, balanceFen: -12_800 })).toEqual({
      code: 'ARREARS',
      field: '/msisdn',
      message: 'the line has 128.00 yuan unsettled; it must be paid first',
    });
  });
});
