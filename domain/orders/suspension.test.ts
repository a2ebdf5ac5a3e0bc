import { describe, expect, it } from 'vitest';
import { plannedResumeMs, suspensionEndMs, suspensionRefusal, type SuspensionInput } from './suspension.ts';

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
    expect(suspensionRefusal({ ...ok, toPrepaidPending: true, balanceFen: -5 })?.code).toBe(
      'TO_PREPAID_PENDING',
    );
    expect(suspensionRefusal({ ...ok, toPrepaidPending: false })).toBeNull();
    expect(suspensionRefusal({ ...ok, balanceFen: -12_800 })).toEqual({
      code: 'ARREARS',
      field: '/msisdn',
      message: 'the line has 128.00 yuan unsettled; it must be paid first',
    });
  });
});

describe('停机保号 duration (预约复机)', () => {
  const since = Date.UTC(2026, 10, 1);
  const DAY = 86_400_000;
  it('ends at the date asked for, or at the maximum when none is asked for', () => {
    expect(plannedResumeMs(since, since + 30 * DAY)).toEqual({ untilMs: since + 30 * DAY });
    expect(plannedResumeMs(since, undefined)).toEqual({ untilMs: since + 365 * DAY });
    expect(plannedResumeMs(since, undefined, 180)).toEqual({ untilMs: since + 180 * DAY });
    expect(plannedResumeMs(since, since + 180 * DAY, 180)).toEqual({ untilMs: since + 180 * DAY });
  });

  it('refuses a date within the hour or past the maximum, naming the field', () => {
    expect(plannedResumeMs(since, since + 59 * 60_000)).toMatchObject({
      code: 'RESUME_DATE',
      field: '/resumeAtMs',
    });
    const late = plannedResumeMs(since, since + 180 * DAY + 1, 180);
    expect(late).toMatchObject({ code: 'RESUME_DATE', field: '/resumeAtMs' });
    expect('message' in late && late.message).toContain('180 days at most');
  });

  it('a suspension recorded before the maximum existed ends at it', () => {
    expect(suspensionEndMs({ sinceMs: since })).toBe(since + 365 * DAY);
    expect(suspensionEndMs({ sinceMs: since, untilMs: since + DAY })).toBe(since + DAY);
  });
});
