import { describe, expect, it } from 'vitest';
import { transferRefusal, type TransferInput } from './transfer.ts';

const NOW = 1_800_000_000_000;
const input = (over: Partial<TransferInput> = {}): TransferInput => ({
  lineStatus: 'active',
  fromCustomerId: 'cus-a',
  toCustomerId: 'cus-b',
  contractEndMs: null,
  devicesOutstanding: 0,
  balanceFen: 0,
  lost: false,
  nowMs: NOW,
  ...over,
});

describe('过户 review', () => {
  it('lets a settled line without a contract change hands', () => {
    expect(transferRefusal(input())).toBeNull();
    expect(transferRefusal(input({ balanceFen: 1_250, contractEndMs: NOW - 1 }))).toBeNull();
    // charging does not know the line yet: nothing known to be owed
    expect(transferRefusal(input({ balanceFen: null }))).toBeNull();
  });

  it('gives the first reason, naming the field', () => {
    const cases: [Partial<TransferInput>, string, string][] = [
      [{ lineStatus: 'closed' }, 'LINE_NOT_ACTIVE', '/msisdn'],
      [{ toCustomerId: 'cus-a' }, 'SAME_CUSTOMER', '/toCustomerId'],
      [{ lost: true, balanceFen: -100 }, 'LINE_LOST', '/msisdn'],
      [{ contractEndMs: NOW + 1, devicesOutstanding: 1 }, 'CONTRACT_TERM', '/msisdn'],
      [{ devicesOutstanding: 2, balanceFen: -100 }, 'DEVICES_OUTSTANDING', '/msisdn'],
      [{ balanceFen: -12_805 }, 'ARREARS', '/msisdn'],
    ];
    for (const [over, code, field] of cases)
      expect(transferRefusal(input(over)), code).toMatchObject({ code, field });
    expect(transferRefusal(input({ balanceFen: -12_805 }))?.message).toContain('128.05 yuan');
  });
});
