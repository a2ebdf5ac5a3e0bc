import { describe, expect, it } from 'vitest';
import {
  applySimSwap,
  ISSUED_KEPT,
  issueStock,
  SIM_HISTORY,
  simSwapRefusal,
  type SimLine,
  type SimSwapInput,
} from './sim-swap.ts';

const OLD = '8986011234567890123';
const NEW = '89860112345678901245';
const input = (over: Partial<SimSwapInput> = {}): SimSwapInput => ({
  msisdn: '+8613800000042',
  lineStatus: 'active',
  currentIccid: OLD,
  previousIccids: ['8986011234567890000'],
  newIccid: NEW,
  iccidHolder: null,
  stockKind: 'sim',
  ...over,
});

describe('SIM replacement review', () => {
  it('accepts a Chinese card of 19 or 20 digits for an active line', () => {
    expect(simSwapRefusal(input())).toBeNull();
    expect(simSwapRefusal(input({ newIccid: '8986031234567890123' }))).toBeNull();
    // a card registered to this same number already (a retried request) is fine
    expect(simSwapRefusal(input({ iccidHolder: '+8613800000042' }))).toBeNull();
  });

  it('names the field at fault for every refusal', () => {
    expect(simSwapRefusal(input({ lineStatus: 'closed' }))).toMatchObject({
      code: 'LINE_NOT_ACTIVE',
      field: '/msisdn',
    });
    for (const bad of ['898601123456789012', '8944011234567890123', '898601123456789012345'])
      expect(simSwapRefusal(input({ newIccid: bad }))).toMatchObject({
        code: 'ICCID_FORMAT',
        field: '/iccid',
      });
    expect(simSwapRefusal(input({ newIccid: OLD }))).toMatchObject({ code: 'SAME_SIM', field: '/iccid' });
    expect(
      simSwapRefusal(input({ newIccid: '8986011234567890000', iccidHolder: '+8613800000042' })),
    ).toMatchObject({
      code: 'SIM_RETIRED',
      field: '/iccid',
    });
    expect(simSwapRefusal(input({ iccidHolder: '+8613900000001' }))).toMatchObject({
      code: 'ICCID_IN_USE',
      field: '/iccid',
    });
    expect(simSwapRefusal(input({ stockKind: 'phone' }))).toMatchObject({
      code: 'NOT_A_SIM',
      field: '/model',
    });
  });
});

describe('applySimSwap', () => {
  const card = (swapId: string, iccid = NEW, sinceMs = 5_000) => ({
    iccid,
    sinceMs,
    swapId,
    cause: 'lost' as const,
  });

  it('puts the new card in, keeps the old one in the history and ends a loss report', () => {
    const line = { msisdn: '+8613800000042', sim: { iccid: OLD, sinceMs: 1_000 }, loss: { lossId: 'l1' } };
    const next = applySimSwap(line, card('sw1'));
    expect(next).toEqual({
      msisdn: '+8613800000042',
      sim: card('sw1'),
      previousSims: [{ iccid: OLD, untilMs: 5_000 }],
    });
    expect(applySimSwap(next, card('sw1'))).toBe(next);
  });

  it('starts a history only when there was a card, and keeps the newest cards', () => {
    const bare: SimLine & { msisdn: string } = { msisdn: 'x' };
    expect(applySimSwap(bare, card('sw1'))).toEqual({ msisdn: 'x', sim: card('sw1') });
    let line: Parameters<typeof applySimSwap>[0] = { sim: { iccid: OLD, sinceMs: 0 } };
    for (let i = 0; i < SIM_HISTORY + 3; i++)
      line = applySimSwap(line, card(`sw${i}`, `89860100000000000${String(i).padStart(2, '0')}`, i));
    expect(line.previousSims).toHaveLength(SIM_HISTORY);
    expect(line.previousSims?.[0]?.iccid).toBe('8986010000000000011');
  });
});

describe('issueStock', () => {
  it('hands one unit out per request id, never below zero', () => {
    const s = { available: 1, reserved: 3 };
    const once = issueStock(s, 'sw1', 10)!;
    expect(once).toEqual({ available: 0, reserved: 3, issued: [{ id: 'sw1', atMs: 10 }] });
    expect(issueStock(once, 'sw1', 20)).toBe(once);
    expect(issueStock(once, 'sw2', 20)).toBeNull();
  });

  it('keeps a bounded list of markers', () => {
    let s = { available: ISSUED_KEPT + 10, reserved: 0 } as Parameters<typeof issueStock>[0];
    for (let i = 0; i < ISSUED_KEPT + 5; i++) s = issueStock(s, `sw${i}`, i)!;
    expect(s.available).toBe(5);
    expect(s.issued).toHaveLength(ISSUED_KEPT);
    expect(s.issued?.at(-1)?.id).toBe(`sw${ISSUED_KEPT + 4}`);
  });
});
