import { describe, it, expect } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import { validators } from '../events/index.ts';
import { compile } from '../events/validate.ts';
import { rate } from './rate.ts';
import { sentences } from './explain.ts';
import { toRatedCdr } from './wire.ts';
import { RatedUsage, SubscriberState } from './types.ts';
import { data, deepFreeze, defaultCatalog, sms, subscriber, voice } from './test-fixtures.ts';

const cat = defaultCatalog();
const GiB = 1_073_741_824;
const peak = (h = 10, m = 0, s = 0) => shanghaiMs(2025, 3, 3, h, m, s);
const validRated = compile(RatedUsage);
const validState = compile(SubscriberState);

describe('rate: voice', () => {
  it('draws the allowance first and explains it in one sentence per language', () => {
    const s = subscriber(cat, 'changxiang-128');
    const r = rate(cat, s, voice(peak(), 192));
    expect(r.rated).toMatchObject({
      chargeFen: 0,
      billableUnits: 192,
      allowanceUsed: 192,
      unit: 'sec',
      planVersion: 1,
    });
    expect(sentences(r.rated.breakdown, cat.windows.nameById)['zh-CN']).toBe(
      '通话 3分12秒，国内，高峰时段，套餐内分钟抵扣 3分12秒，收费 0.00元',
    );
    expect(sentences(r.rated.breakdown, cat.windows.nameById).en).toBe(
      'Call 3 min 12 s, national, peak, 3 min 12 s from plan allowance, charged 0.00 yuan',
    );
    expect(r.newState.allowances.voice.usedUnits).toBe(192);
    expect(r.ledger).toEqual([
      expect.objectContaining({ key: `cdr:${r.rated.cdr.cdrId}`, amountFen: 0, allowanceUnits: 192 }),
    ]);
    expect(validRated(r.rated).ok).toBe(true);
    expect(validators.ratedCdr(toRatedCdr(r.rated)).ok).toBe(true);
    expect(validState(r.newState).ok).toBe(true);
  });

  it('charges the part the allowance does not cover at the overage rate', () => {
    const s = subscriber(cat, 'changxiang-128', { used: { voice: 30_000 - 100 } });
    const r = rate(cat, s, voice(peak(), 192));
    // 100 s from allowance, 92 s × 15 fen / 60 s = 23 fen
    expect(r.rated).toMatchObject({ chargeFen: 23, allowanceUsed: 100 });
    expect(r.rated.breakdown.exactFen).toBe('1380/60');
    expect(r.newState.balanceFen).toBe(s.balanceFen - 23);
    expect(r.newState.charges.voiceFen).toBe(23);
  });

  it('applies increments then rounds money half up', () => {
    const s = subscriber(cat, 'changxiang-128', { used: { voice: 30_000 } });
    const r = rate(cat, s, voice(peak(), 61)); // 66 s × 15 / 60 = 16.5 → 17
    expect(r.rated).toMatchObject({ billableUnits: 66, chargeFen: 17 });
  });

  it('prices each window of a call that crosses a boundary', () => {
    const s = subscriber(cat, 'changxiang-128', { used: { voice: 30_000 } });
    const r = rate(cat, s, voice(peak(18, 59, 0), 120));
    expect(r.rated.breakdown.segments.map((g) => [g.window, g.chargedUnits, g.priceFen])).toEqual([
      ['peak', 60, 15],
      ['offpeak', 60, 12],
    ]);
    expect(r.rated.chargeFen).toBe(27); // (900 + 720) / 60
    expect(sentences(r.rated.breakdown, cat.windows.nameById)['zh-CN']).toContain('高峰时段、低谷时段');
  });

  it('prices local landlines at the local rate', () => {
    const s = subscriber(cat, 'changxiang-128', { used: { voice: 30_000 } });
    const r = rate(cat, s, voice(peak(), 60, '+861062345678'));
    expect(r.rated.breakdown.destination).toMatchObject({ id: 'local', matchedPrefix: '+8610' });
    expect(r.rated.chargeFen).toBe(12);
  });

  it('never uses the allowance for international calls', () => {
    const s = subscriber(cat, 'changxiang-128');
    const r = rate(cat, s, voice(peak(), 61, '+442071234567'));
    expect(r.rated).toMatchObject({ allowanceUsed: 0, billableUnits: 120, chargeFen: 798 });
    expect(r.rated.breakdown.notes).toContain('no_allowance_international');
  });

  it('charges nothing for free service numbers and incoming calls at home', () => {
    const s = subscriber(cat, 'changxiang-128');
    const a = rate(cat, s, voice(peak(), 300, '+8610086'));
    expect(a.rated).toMatchObject({ chargeFen: 0, allowanceUsed: 0, billableUnits: 0 });
    expect(a.rated.breakdown.notes).toContain('free_destination');
    const b = rate(cat, s, voice(peak(), 300, '+8613912345678', { direction: 'mt' }));
    expect(b.rated).toMatchObject({ chargeFen: 0, allowanceUsed: 0 });
    expect(sentences(b.rated.breakdown, cat.windows.nameById)['zh-CN']).toContain('接听免费');
    // A received SMS is free too, and is said to be received, not answered.
    const received = rate(cat, s, sms(peak(), '+8613912345678', { direction: 'mt' }));
    expect(received.rated.chargeFen).toBe(0);
    const said = sentences(received.rated.breakdown, cat.windows.nameById);
    expect(said['zh-CN']).toContain('接收免费');
    expect(said['zh-CN']).not.toContain('接听');
    expect(said.en).toContain('receiving is free');
  });

  it('adds the roaming surcharge and skips the allowance when roaming', () => {
    const s = subscriber(cat, 'changxiang-128');
    const out = rate(cat, s, voice(peak(), 45, '+8613912345678', { roaming: true }));
    expect(out.rated).toMatchObject({ allowanceUsed: 0, billableUnits: 60, chargeFen: 15 + 99 });
    const inc = rate(cat, s, voice(peak(), 90, '+8613912345678', { roaming: true, direction: 'mt' }));
    expect(inc.rated).toMatchObject({ billableUnits: 90, chargeFen: 149 }); // 90 × 99 / 60 = 148.5 → 149
  });

  it('uses the price of the plan version in force when the call started', () => {
    // 大众卡 bought on 20 June (30 days): the price changes on 1 July inside the same period.
    const s = subscriber(cat, 'dazhongka-8', {
      activatedAtMs: shanghaiMs(2025, 6, 20),
      openingBalanceFen: 5000,
      used: { voice: 1800 },
    });
    const before = rate(cat, s, voice(shanghaiMs(2025, 6, 30, 10), 60));
    expect(before.rated).toMatchObject({ planVersion: 1, chargeFen: 15 });
    const after = rate(cat, s, voice(shanghaiMs(2025, 7, 1, 10), 60));
    expect(after.rated).toMatchObject({ planVersion: 2, chargeFen: 10 });
  });
});

describe('rate: SMS and data', () => {
  it('takes SMS from the allowance, then charges per message', () => {
    const s = subscriber(cat, 'changxiang-128', { used: { sms: 99 } });
    const a = rate(cat, s, sms(peak()));
    expect(a.rated).toMatchObject({ chargeFen: 0, allowanceUsed: 1, unit: 'sms' });
    const b = rate(cat, a.newState, sms(peak()));
    expect(b.rated).toMatchObject({ chargeFen: 10, allowanceUsed: 0 });
    expect(rate(cat, s, sms(peak(), '+8613912345678', { direction: 'mt' })).rated.chargeFen).toBe(0);
  });

  it('rounds data up to whole KB', () => {
    const s = subscriber(cat, 'changxiang-128');
    const r = rate(cat, s, data(peak(), 10, 1500));
    expect(r.rated).toMatchObject({ billableUnits: 2048, allowanceUsed: 2048, chargeFen: 0 });
  });

  it('shares a session over windows in proportion to time, free night data first', () => {
    const s = subscriber(cat, 'liuliangwang-39', { openingBalanceFen: 10_000, used: { data: 25 * GiB } });
    const r = rate(cat, s, data(peak(6, 40, 0), 2400, 100_000_000));
    const segs = r.rated.breakdown.segments.map((g) => [
      g.window,
      g.rawUnits,
      g.billedUnits,
      g.freeUnits,
      g.chargedUnits,
    ]);
    expect(segs).toEqual([
      ['night', 50_000_000, 50_000_000, 50_000_000, 0],
      ['peak', 50_000_000, 50_000_768, 0, 50_000_768],
    ]);
    expect(r.rated.chargeFen).toBe(23); // 50 000 768 × 500 / 2^30 = 23.28
    expect(r.rated.breakdown.notes).toContain('free_night_data');
  });

  it('gives the first period of 流量王 its bonus data', () => {
    const s = subscriber(cat, 'liuliangwang-39', { openingBalanceFen: 10_000 });
    expect(s.allowances.data.totalUnits).toBe(25 * GiB);
  });

  it('charges roaming data with the surcharge and no allowance', () => {
    const s = subscriber(cat, 'changxiang-128');
    const r = rate(cat, s, data(peak(), 60, GiB, { roaming: true }));
    expect(r.rated).toMatchObject({ allowanceUsed: 0, chargeFen: 3000 });
  });
});

describe('rate: thresholds, bars and periods', () => {
  it('notifies 80 % and 100 % of an allowance once, on the crossing', () => {
    const s = subscriber(cat, 'changxiang-128', { used: { voice: 23_990 } });
    const a = rate(cat, s, voice(peak(), 60));
    expect(a.notifications.map((n) => n.kind)).toEqual(['allowance_80']);
    expect(a.notifications[0]?.key).toBe(`allowance_80:${s.msisdn}:${s.periodStartMs}:voice`);
    const b = rate(cat, a.newState, voice(peak(11), 60));
    expect(b.notifications).toEqual([]);
    const c = rate(cat, b.newState, voice(peak(12), 6000));
    expect(c.notifications.map((n) => n.kind)).toEqual(['allowance_100']);
  });

  it('warns of a low prepaid balance, then bars the line at zero', () => {
    const s = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 800 + 520, used: { voice: 1800 } });
    const a = rate(cat, s, voice(peak(), 61)); // 17 fen → 503
    expect(a.notifications).toEqual([]);
    const b = rate(cat, a.newState, voice(peak(11), 61)); // → 486
    expect(b.notifications.map((n) => n.kind)).toEqual(['low_balance']);
    const c = rate(cat, b.newState, voice(peak(12), 3600)); // 900 fen → -414
    expect(c.notifications.map((n) => n.kind)).toEqual(['balance_exhausted', 'line_barred']);
    expect(c.newState).toMatchObject({ barred: true, barReason: 'balance', balanceFen: -414 });
    expect(c.ledger.at(-1)).toMatchObject({ amountFen: 900, balanceAfterFen: -414 });
  });

  it('bars a postpaid line that reaches its credit limit', () => {
    const s = subscriber(cat, 'yuyinbao-19', { used: { voice: 12_000 } }); // owes 1900, limit 5000
    const r = rate(cat, s, voice(peak(), 60 * 207)); // 207 min × 15 = 3105 → owes 5005
    expect(r.notifications.map((n) => n.kind)).toEqual(['credit_limit_reached', 'line_barred']);
    expect(r.newState).toMatchObject({ barred: true, barReason: 'credit_limit', balanceFen: -5005 });
  });

  it('starts the next postpaid period when usage crosses the month end', () => {
    const s = subscriber(cat, 'changxiang-128', { used: { voice: 500 } });
    const r = rate(cat, s, voice(shanghaiMs(2025, 4, 1, 0, 0, 5), 60));
    expect(r.ledger.map((e) => e.key)).toEqual([
      `fee:${s.msisdn}:${shanghaiMs(2025, 4, 1)}`,
      `cdr:${r.rated.cdr.cdrId}`,
    ]);
    expect(r.newState).toMatchObject({
      periodIndex: 1,
      periodStartMs: shanghaiMs(2025, 4, 1),
      balanceFen: -6400 - 12800,
    });
    expect(r.newState.allowances.voice.usedUnits).toBe(60);
    expect(r.newState.closedPeriods).toHaveLength(1);
  });

  it('charges an expired prepaid line from its balance with no allowance', () => {
    const s = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 2000 });
    const r = rate(cat, s, voice(shanghaiMs(2025, 4, 2, 10), 60));
    expect(r.rated).toMatchObject({ allowanceUsed: 0, chargeFen: 15 });
    expect(r.rated.breakdown.notes).toContain('validity_expired');
  });

  it('is deterministic and never mutates its inputs', () => {
    const s = deepFreeze(subscriber(cat, 'changxiang-128', { used: { voice: 29_950 } }));
    const cdr = deepFreeze(data(peak(18, 0, 0), 7200, 3 * GiB));
    expect(rate(cat, s, cdr)).toEqual(rate(cat, s, cdr));
    const v = deepFreeze(voice(peak(), 200));
    expect(rate(cat, s, v)).toEqual(rate(cat, s, v));
  });

  it('refuses a CDR of another subscriber, an unknown plan, or a time before the plan existed', () => {
    const s = subscriber(cat, 'changxiang-128');
    expect(() => rate(cat, s, voice(peak(), 10, undefined, { msisdn: '+8613900000000' }))).toThrow(
      expect.objectContaining({ code: 'WRONG_SUBSCRIBER', retryable: false }),
    );
    expect(() => rate(cat, { ...s, planId: 'gone' }, voice(peak(), 10))).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_PLAN' }),
    );
    expect(() => rate(cat, s, voice(shanghaiMs(2023, 1, 1), 10))).toThrow(
      expect.objectContaining({ code: 'NO_PLAN_VERSION' }),
    );
  });
});
