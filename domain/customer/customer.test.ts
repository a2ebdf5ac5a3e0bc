import { describe, expect, it } from 'vitest';
import {
  checkPassword,
  checkResidentId,
  diffProfile,
  levelOf,
  maskAddress,
  maskIdNumber,
  maskPhone,
  needsApproval,
  residentIdCheckChar,
  YEAR_MS,
} from './index.ts';

const TODAY = Date.UTC(2026, 10, 26);

describe('resident ID', () => {
  it('accepts the GB 11643 sample number and reads birth date and sex', () => {
    expect(checkResidentId('11010519491231002X', TODAY)).toEqual({
      ok: true,
      birthDate: '1949-12-31',
      sex: 'female',
      regionCode: '110105',
    });
    expect(checkResidentId('11010519491231002x', TODAY).ok).toBe(true);
  });
  it('rejects a wrong check digit, a shape error and impossible or future birth dates', () => {
    expect(checkResidentId('110105194912310021', TODAY)).toMatchObject({ ok: false, code: 'ID_CHECK_DIGIT' });
    expect(checkResidentId('1101051949123100', TODAY)).toMatchObject({ ok: false, code: 'ID_FORMAT' });
    const feb30 = `11010519900230123`;
    expect(checkResidentId(feb30 + residentIdCheckChar(feb30), TODAY)).toMatchObject({
      code: 'ID_BIRTH_DATE',
    });
    const future = `11010520301201123`;
    expect(checkResidentId(future + residentIdCheckChar(future), TODAY)).toMatchObject({
      code: 'ID_BIRTH_DATE',
    });
  });
});

describe('password strength', () => {
  it('accepts a mixed password and names each broken rule', () => {
    expect(checkPassword('Hall-Pass-2026', { phone: '+8613812345678' })).toEqual([]);
    expect(checkPassword('short1A')).toContain('LENGTH');
    expect(checkPassword('alllowercase')).toContain('CHAR_CLASSES');
    expect(checkPassword('Ab-12345678', { phone: '+8613912345678' })).toContain('CONTAINS_PERSONAL');
    expect(checkPassword('12345678')).toContain('TRIVIAL');
  });
});

describe('masking', () => {
  it('hides the middle of IDs and phones and the street part of addresses', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
    expect(maskPhone('+8613812345678')).toBe('+86138****5678');
    expect(
      maskAddress({ province: '北京', city: '北京', district: '朝阳', street: '建国路', number: '88' }),
    ).toEqual({
      province: '北京',
      city: '北京',
      district: '***',
      street: '***',
      number: '***',
    });
  });
});

describe('profile diff', () => {
  it('lists changed fields with masked sensitive values and flags identity changes', () => {
    const before = { name: '张三', mobile: '+8613812345678', address: { city: '北京', street: 'A路' } };
    const after = { name: '张三', mobile: '+8613912345678', address: { city: '北京', street: 'B路' } };
    const d = diffProfile(before, after);
    expect(d).toEqual([
      { field: 'address.street', before: 'A路', after: 'B路' },
      { field: 'mobile', before: '+86138****5678', after: '+86139****5678' },
    ]);
    expect(needsApproval(d)).toBe(false);
    expect(needsApproval(diffProfile({ idNumber: '1' }, { idNumber: '2' }))).toBe(true);
  });
});

describe('level and points', () => {
  it('follows the documented worked example', () => {
    const r = levelOf(234_567, TODAY - 3 * YEAR_MS - 60 * 86_400_000, TODAY);
    expect(r).toMatchObject({ points: 2645, level: 'silver', nextLevel: 'gold', pointsToNext: 355 });
  });
  it('caps tenure and has no next level at the top', () => {
    const r = levelOf(5_000_000, TODAY - 30 * YEAR_MS, TODAY);
    expect(r).toMatchObject({ tenurePoints: 1000, level: 'diamond', nextLevel: null, pointsToNext: 0 });
  });
});
