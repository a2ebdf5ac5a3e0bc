import { describe, expect, it } from 'vitest';
import { linePlanAt, planView, STATE_GRACE_MS } from './line-plan.ts';
import type { LineRecord, PlanChangeRecord } from './records.ts';

const T0 = Date.UTC(2026, 10, 20, 2, 0);
const NEXT_MONTH = Date.UTC(2026, 10, 30, 16, 0); // 2026-12-01 00:00 Beijing
const change = (o: Partial<PlanChangeRecord> = {}): PlanChangeRecord => ({
  changeId: 'pc-1',
  action: 'change',
  planId: 'shangwu-288',
  fromPlanId: 'changxiang-128',
  effectiveFromMs: NEXT_MONTH,
  requestedAtMs: T0,
  requestedBy: 'agent',
  channel: 'counter',
  ...o,
});
const line = (planChange?: PlanChangeRecord): LineRecord => ({
  msisdn: '+8613800000042',
  customerId: 'cus-1',
  status: 'active',
  planId: 'changxiang-128',
  openedAtMs: T0 - 86_400_000,
  contractEndMs: null,
  devicesOutstanding: [],
  ...(planChange ? { planChange } : {}),
});

describe('linePlanAt (care record alone: the line list)', () => {
  it('shows a change as waiting until its start, then as the plan; a withdrawal as nothing', () => {
    expect(linePlanAt(line(change()), T0)).toMatchObject({
      planId: 'changxiang-128',
      pending: { planId: 'shangwu-288' },
    });
    expect(linePlanAt(line(change()), NEXT_MONTH)).toEqual({ planId: 'shangwu-288', pending: null });
    expect(linePlanAt(line(change({ action: 'withdraw', planId: 'changxiang-128' })), T0)).toEqual({
      planId: 'changxiang-128',
      pending: null,
    });
    // an expired prepaid line's change (start unknown) is running once charging runs it
    const atRenewal = line(change({ effectiveFromMs: null }));
    expect(linePlanAt(atRenewal, NEXT_MONTH).pending?.planId).toBe('shangwu-288');
    expect(linePlanAt(atRenewal, NEXT_MONTH, 'shangwu-288')).toEqual({
      planId: 'shangwu-288',
      pending: null,
    });
  });
});

describe('planView (the plan change screen)', () => {
  const terms = (nextPlanId: string | null) => ({
    planId: 'changxiang-128',
    nextPlanId,
    effectiveFromMs: NEXT_MONTH,
  });
  const later = T0 + STATE_GRACE_MS;

  it('just after a request: care’s record, whatever charging has saved so far', () => {
    const v = planView(line(change()), T0 + 1000, terms(null));
    expect(v.pending).toMatchObject({ planId: 'shangwu-288', request: { changeId: 'pc-1' } });
  });

  it('later: charging’s terms, so a change charging refused does not show as waiting', () => {
    expect(planView(line(change()), later, terms(null))).toEqual({ planId: 'changxiang-128', pending: null });
    const held = planView(line(change()), later, terms('shangwu-288'));
    expect(held.pending).toMatchObject({
      planId: 'shangwu-288',
      effectiveFromMs: NEXT_MONTH,
      request: { changeId: 'pc-1' },
    });
  });

  it('charging unknown: care’s record', () => {
    expect(planView(line(change()), later, null).pending?.planId).toBe('shangwu-288');
  });
});
