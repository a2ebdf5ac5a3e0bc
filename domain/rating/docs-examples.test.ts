import { describe, it, expect } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import { rate } from './rate.ts';
import { sentences } from './explain.ts';
import { data, defaultCatalog, subscriber, voice } from './test-fixtures.ts';

// The three worked examples of docs/charging.md §6, rated by the code: the docs and the code agree.
const cat = defaultCatalog();
const GiB = 1_073_741_824;

describe('docs/charging.md worked examples', () => {
  it('Example 1: a 畅享套餐 call across 19:00, partly covered by the allowance', () => {
    const s = subscriber(cat, 'changxiang-128', { used: { voice: 29_910 } });
    const r = rate(cat, s, voice(shanghaiMs(2025, 3, 3, 18, 58, 30), 200));
    const b = r.rated.breakdown;
    expect(
      b.segments.map((g) => [
        g.window,
        g.rawUnits,
        g.billedUnits,
        g.allowanceUnits,
        g.chargedUnits,
        g.priceFen,
      ]),
    ).toEqual([
      ['peak', 90, 90, 90, 0, 15],
      ['offpeak', 110, 114, 0, 114, 12],
    ]);
    expect(b.billedUnits).toBe(204);
    expect(b.exactFen).toBe('1368/60');
    expect(r.rated.chargeFen).toBe(23);
    expect(sentences(r.rated.breakdown, cat.windows.nameById)['zh-CN']).toBe(
      '通话 3分20秒，国内，高峰时段、低谷时段，套餐内分钟抵扣 1分30秒，收费 0.23元',
    );
    expect(r.notifications.map((n) => n.kind)).toEqual(['allowance_100']);
  });

  it('Example 2: a 流量王 session from 06:40 with free night data and no allowance left', () => {
    const s = subscriber(cat, 'liuliangwang-39', { openingBalanceFen: 10_000, used: { data: 25 * GiB } });
    const r = rate(cat, s, data(shanghaiMs(2025, 3, 3, 6, 40, 0), 2400, 100_000_000));
    const b = r.rated.breakdown;
    expect(
      b.segments.map((g) => [g.window, g.rawUnits, g.billedUnits, g.freeUnits, g.chargedUnits, g.priceFen]),
    ).toEqual([
      ['night', 50_000_000, 50_000_000, 50_000_000, 0, 300],
      ['peak', 50_000_000, 50_000_768, 0, 50_000_768, 500],
    ]);
    expect(b.exactFen).toBe(`25000384000/${GiB}`);
    expect(r.rated.chargeFen).toBe(23);
    expect(r.newState.balanceFen).toBe(10_000 - 3900 - 23);
  });

  it('Example 3: a 大众卡 prepaid overage call rounded half up, crossing the low-balance level', () => {
    const s = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 800 + 510, used: { voice: 1800 } });
    const r = rate(cat, s, voice(shanghaiMs(2025, 3, 3, 10, 0, 0), 61));
    expect(r.rated).toMatchObject({ billableUnits: 66, chargeFen: 17, balanceAfterFen: 493 });
    expect(r.rated.breakdown.exactFen).toBe('990/60');
    expect(r.notifications).toEqual([
      expect.objectContaining({ kind: 'low_balance', key: `low_balance:cdr:${r.rated.cdr.cdrId}` }),
    ]);
    expect(sentences(r.rated.breakdown, cat.windows.nameById).en).toBe(
      'Call 1 min 1 s, national, peak, charged 0.17 yuan',
    );
  });
});
