import { describe, expect, it } from 'vitest';
import { portCodeExpiresAtMs, portOutBlocks, type PortOutInput } from './port-out.ts';

const NOW = Date.UTC(2026, 10, 28, 2);
const DAY = 86_400_000;
const ok: PortOutInput = {
  lineStatus: 'active',
  lost: false,
  openedAtMs: NOW - 400 * DAY,
  contractEndMs: null,
  devicesOutstanding: 0,
  balanceFen: 0,
  nowMs: NOW,
};

describe('携号转网 eligibility', () => {
  it('lets a settled line in service for 120 days port out', () => {
    expect(portOutBlocks(ok)).toEqual([]);
    expect(portOutBlocks({ ...ok, openedAtMs: NOW - 120 * DAY, balanceFen: null })).toEqual([]);
  });

  it('names every blocking reason at once, each in both languages', () => {
    const blocks = portOutBlocks({
      ...ok,
      lost: true,
      openedAtMs: NOW - 30 * DAY,
      contractEndMs: Date.UTC(2027, 5, 30, 17),
      devicesOutstanding: 1,
      balanceFen: -12_800,
    });
    expect(blocks.map((b) => b.code)).toEqual([
      'LINE_LOST',
      'TOO_NEW',
      'CONTRACT_TERM',
      'DEVICES_OUTSTANDING',
      'ARREARS',
    ]);
    // days in Beijing time: 30 June 17:00 UTC is 1 July there
    expect(blocks[2]!.text['zh-CN']).toBe('合约期至 2027-07-01，到期后可办理');
    expect(blocks[4]!.text.en).toBe('128.00 yuan unsettled (this month included)');
    expect(blocks[1]!.text['zh-CN']).toMatch(/^入网满 120 天后可办理（\d{4}-\d{2}-\d{2} 起）$/);
  });

  it('a line not in service has only that reason', () => {
    expect(portOutBlocks({ ...ok, lineStatus: 'closed', lost: true }).map((b) => b.code)).toEqual([
      'LINE_NOT_ACTIVE',
    ]);
  });

  it('a code is good for 30 days', () => {
    expect(portCodeExpiresAtMs(NOW) - NOW).toBe(30 * DAY);
  });
});
