import { describe, expect, it } from 'vitest';
import type { Cdr } from '../../domain/index.ts';
import { rateFlat } from './decide.ts';

const base = {
  cdrId: 'cdr-1',
  neId: 'MSC-GD-01',
  recordSeq: 1,
  msisdn: '+8613800138000',
  imsi: '460001234567890',
  cellId: 'GD-GZ-0001-1',
  region: 'GD',
  startMs: Date.UTC(2026, 0, 1),
  roaming: false,
};

describe('flat placeholder rating', () => {
  it('charges started minutes, messages and MiB in integer fen', () => {
    const voice: Cdr = { ...base, type: 'voice', direction: 'mo', calledNumber: '+8610010', durationSec: 61 };
    expect(rateFlat(voice).chargeFen).toBe(30);
    const sms: Cdr = { ...base, type: 'sms', direction: 'mo', calledNumber: '+8610010' };
    expect(rateFlat(sms).chargeFen).toBe(10);
    const data: Cdr = {
      ...base,
      type: 'data',
      apn: 'cmnet',
      durationSec: 10,
      bytesUp: 1,
      bytesDown: 1_048_576,
    };
    expect(rateFlat(data).chargeFen).toBe(6);
  });
  it('is deterministic: rated time is the event time', () => {
    const sms: Cdr = { ...base, type: 'sms', direction: 'mo', calledNumber: '+8610010' };
    expect(rateFlat(sms)).toEqual(rateFlat(sms));
    expect(rateFlat(sms).ratedAtMs).toBe(base.startMs);
  });
});
