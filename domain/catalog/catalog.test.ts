import { describe, it, expect } from 'vitest';
import {
  loadCatalog,
  matchPrefix,
  localMsOfDay,
  nextLocalMonthStartMs,
  shanghaiMs,
  versionAt,
  type CatalogFile,
} from './index.ts';
import { defaultCatalogJson } from '../rating/test-fixtures.ts';

const base = (): CatalogFile => defaultCatalogJson() as CatalogFile;

function errorsOf(mutate: (c: CatalogFile) => void) {
  const c = base();
  mutate(c);
  const r = loadCatalog(c);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('loadCatalog', () => {
  it('accepts the demo catalog with its six plans', () => {
    const r = loadCatalog(base());
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect([...r.catalog.plans.keys()]).toHaveLength(6);
      expect(r.catalog.plans.get('changxiang-128')?.name['zh-CN']).toBe('畅享套餐128元');
    }
  });

  it('reports a schema error with its path', () => {
    const errs = errorsOf((c) => {
      (c.plans[0]!.versions[0] as { monthlyFeeFen: number }).monthlyFeeFen = -1;
    });
    expect(errs[0]).toMatchObject({ code: 'SCHEMA', path: '/plans/0/versions/0/monthlyFeeFen' });
  });

  it('rejects unknown properties (closed objects)', () => {
    const errs = errorsOf((c) => Object.assign(c.plans[1]!, { colour: 'red' }));
    expect(errs[0]).toMatchObject({ code: 'SCHEMA', path: '/plans/1/colour' });
  });

  it('finds a gap and an overlap in the window schedule', () => {
    expect(errorsOf((c) => (c.windowSchedule[1]!.startMinute = 430))).toContainEqual(
      expect.objectContaining({ code: 'WINDOW_GAP', path: '/windowSchedule/1/startMinute' }),
    );
    expect(errorsOf((c) => (c.windowSchedule[1]!.startMinute = 400))).toContainEqual(
      expect.objectContaining({ code: 'WINDOW_OVERLAP', path: '/windowSchedule/1/startMinute' }),
    );
    expect(errorsOf((c) => (c.windowSchedule[3]!.endMinute = 1439))).toContainEqual(
      expect.objectContaining({ code: 'WINDOW_GAP', path: '/windowSchedule' }),
    );
  });

  it('refuses a plan left unpriced for a destination or a window', () => {
    expect(errorsOf((c) => delete c.rateTables['std-2024']!.voice.byDestination['intl_eu'])).toContainEqual(
      expect.objectContaining({ code: 'UNPRICED', path: '/rateTables/std-2024/voice/byDestination/intl_eu' }),
    );
    expect(errorsOf((c) => delete c.rateTables['std-2025']!.data.priceFen['night'])).toContainEqual(
      expect.objectContaining({ code: 'UNPRICED', path: '/rateTables/std-2025/data/priceFen/night' }),
    );
    expect(
      errorsOf((c) => (c.rateTables['std-2024']!.sms.byDestination['mars'] = { priceFen: {} })),
    ).toContainEqual(
      expect.objectContaining({ code: 'UNKNOWN_KEY', path: '/rateTables/std-2024/sms/byDestination/mars' }),
    );
  });

  it('requires versions in increasing order and known references', () => {
    const errs = errorsOf((c) => {
      const vs = c.plans[0]!.versions;
      vs[1]!.effectiveFromMs = vs[0]!.effectiveFromMs;
      vs[1]!.rateTable = 'nope';
    });
    expect(errs).toContainEqual(
      expect.objectContaining({ code: 'VERSION_ORDER', path: '/plans/0/versions/1/effectiveFromMs' }),
    );
    expect(errs).toContainEqual(
      expect.objectContaining({ code: 'UNKNOWN_REF', path: '/plans/0/versions/1/rateTable' }),
    );
  });

  it('needs a catch-all prefix, unique plan ids and a credit limit on postpaid plans', () => {
    expect(errorsOf((c) => (c.prefixes = c.prefixes.filter((p) => p.prefix !== '+')))).toContainEqual(
      expect.objectContaining({ code: 'NO_CATCH_ALL', path: '/prefixes' }),
    );
    expect(errorsOf((c) => (c.plans[1]!.id = c.plans[0]!.id))).toContainEqual(
      expect.objectContaining({ code: 'DUPLICATE_ID', path: '/plans/1/id' }),
    );
    expect(errorsOf((c) => delete c.plans[0]!.versions[0]!.creditLimitFen)).toContainEqual(
      expect.objectContaining({ code: 'MISSING_FIELD', path: '/plans/0/versions/0/creditLimitFen' }),
    );
  });
});

describe('destination prefixes (longest match)', () => {
  const r = loadCatalog(base());
  if (!r.ok) throw new Error('demo catalog invalid');
  const cat = r.catalog;
  const classOf = (n: string, region = 'BJ') => {
    const p = matchPrefix(cat.trie, n, region);
    return { id: cat.destinations[p >> 5]?.id, prefix: n.slice(0, p & 31) };
  };

  it('classes mobile numbers national and landlines local to their own province', () => {
    expect(classOf('+8613912345678')).toEqual({ id: 'national', prefix: '+86' });
    expect(classOf('+861062345678', 'BJ')).toEqual({ id: 'local', prefix: '+8610' });
    expect(classOf('+861062345678', 'GD')).toEqual({ id: 'national', prefix: '+86' });
    expect(classOf('+8675512345678', 'GD')).toEqual({ id: 'local', prefix: '+86755' });
  });

  it('matches free service numbers exactly, not as prefixes', () => {
    expect(classOf('+8610086')).toEqual({ id: 'service_free', prefix: '+8610086' });
    expect(classOf('+86100861234', 'BJ')).toEqual({ id: 'local', prefix: '+8610' });
    expect(classOf('+8610010', 'SH')).toEqual({ id: 'service_free', prefix: '+8610010' });
  });

  it('classes international numbers by country code, falling back to the catch-all', () => {
    expect(classOf('+442071234567').id).toBe('intl_eu');
    expect(classOf('+12125551234').id).toBe('intl_na');
    expect(classOf('+85291234567').id).toBe('intl_hmt');
    expect(classOf('+81312345678').id).toBe('intl_asia');
    expect(classOf('+2348012345678')).toEqual({ id: 'intl_other', prefix: '+' });
  });

  it('picks the plan version in force at a time', () => {
    const plan = cat.plans.get('changxiang-128')!;
    expect(versionAt(plan, shanghaiMs(2025, 6, 30, 23, 59, 59))?.version).toBe(1);
    expect(versionAt(plan, shanghaiMs(2025, 7, 1))?.version).toBe(2);
    expect(versionAt(plan, shanghaiMs(2023, 1, 1))).toBeUndefined();
  });
});

describe('Shanghai time', () => {
  it('is UTC+8 with no DST', () => {
    expect(localMsOfDay(Date.UTC(2025, 0, 1, 16, 0, 0))).toBe(0); // 00:00 on 2 Jan in Shanghai
    expect(localMsOfDay(Date.UTC(2025, 6, 1, 0, 30, 0))).toBe(8.5 * 3_600_000);
    expect(shanghaiMs(2025, 1, 1)).toBe(Date.UTC(2024, 11, 31, 16));
  });
  it('finds the next local month start across a year end', () => {
    expect(nextLocalMonthStartMs(shanghaiMs(2025, 12, 31, 23, 59))).toBe(shanghaiMs(2026, 1, 1));
    expect(nextLocalMonthStartMs(shanghaiMs(2025, 2, 1))).toBe(shanghaiMs(2025, 3, 1));
  });
});
