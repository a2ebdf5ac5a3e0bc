import { describe, expect, it } from 'vitest';
import { normaliseCdr, toE164 } from './normalize.ts';

const NOW = Date.UTC(2026, 10, 26, 4, 0, 0);
const voice = {
  type: 'voice',
  neId: 'MSC-GD-01',
  recordSeq: 17,
  msisdn: '13800138000',
  imsi: '460001234567890',
  cellId: 'GD-GZ-0012-1',
  startMs: NOW - 60_000,
  roaming: false,
  direction: 'mo',
  calledNumber: '075512345678',
  durationSec: 192,
};

describe('toE164', () => {
  it('normalises domestic formats', () => {
    expect(toE164('13800138000')).toBe('+8613800138000');
    expect(toE164('8613800138000')).toBe('+8613800138000');
    expect(toE164('10010')).toBe('+8610010');
    expect(toE164('075512345678')).toBe('+8675512345678');
    expect(toE164('01012345678')).toBe('+861012345678');
  });
  it('checks international numbers against numbering metadata', () => {
    expect(toE164('0014155552671')).toBe('+14155552671');
    expect(toE164('+442071838750')).toBe('+442071838750');
    expect(toE164('+999')).toBeNull();
    expect(toE164('12')).toBeNull();
  });
});

describe('normaliseCdr', () => {
  it('derives a stable id, E.164 numbers and the region', () => {
    const a = normaliseCdr(voice, NOW);
    const b = normaliseCdr({ ...voice }, NOW);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.cdr.cdrId).toBe(b.cdr.cdrId);
    expect(a.cdr).toMatchObject({ msisdn: '+8613800138000', calledNumber: '+8675512345678', region: 'GD' });
    const other = normaliseCdr({ ...voice, recordSeq: 18 }, NOW);
    expect(other.ok && other.cdr.cdrId).not.toBe(a.cdr.cdrId);
  });
  it('names the field at fault', () => {
    expect(normaliseCdr({ ...voice, durationSec: -1 }, NOW)).toMatchObject({
      ok: false,
      rejection: { code: 'schema', field: '/durationSec' },
    });
    expect(normaliseCdr({ ...voice, cellId: 'XX-XX-0001-1' }, NOW)).toMatchObject({
      ok: false,
      rejection: { code: 'unknown_cell', field: '/cellId' },
    });
    expect(normaliseCdr({ ...voice, startMs: NOW + 3_600_000 }, NOW)).toMatchObject({
      ok: false,
      rejection: { code: 'future_time', field: '/startMs' },
    });
    expect(normaliseCdr({ ...voice, calledNumber: '999' }, NOW)).toMatchObject({
      ok: false,
      rejection: { code: 'bad_number', field: '/calledNumber' },
    });
  });
});
