import type { Cdr } from '../../domain/index.ts';

/** Fields every sample CDR shares. */
export const sampleCommon = {
  neId: 'MSC-GD-01',
  recordSeq: 7,
  msisdn: '+8613800000001',
  imsi: '460000000000001',
  cellId: 'GD-SZ-0001-1',
  startMs: 1_790_000_000_000,
  roaming: false,
  cdrId: 'cdr-abc',
  region: 'GD',
};

/** One normalised CDR of each type, with and without every optional field (for wire-format tests). */
export const sampleCdrs = [
  { ...sampleCommon, type: 'voice', direction: 'mo', calledNumber: '+8613900000002', durationSec: 66 },
  {
    ...sampleCommon,
    type: 'voice',
    imei: '860000000000001',
    termination: 'dropped',
    direction: 'mt',
    calledNumber: '+8613900000002',
    durationSec: 0,
  },
  { ...sampleCommon, type: 'sms', direction: 'mo', calledNumber: '+8613900000003', roaming: true },
  { ...sampleCommon, type: 'data', apn: 'cmnet', durationSec: 300, bytesUp: 0, bytesDown: 1_000_000 },
] as Cdr[];
