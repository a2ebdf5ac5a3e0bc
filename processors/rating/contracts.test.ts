import { describe, expect, it } from 'vitest';
import type { RatedCdr } from '../../domain/index.ts';
import type { LedgerEntry } from '../../domain/rating/index.ts';
import { impliedBy, outputParts, usageEntryOf } from './contracts.ts';

const rated = {
  cdr: {
    type: 'voice',
    neId: 'MSC-GD-01',
    recordSeq: 7,
    msisdn: '+8613800138000',
    imsi: '460001234567890',
    cellId: 'GD-GZ-0012-1',
    startMs: 1_790_000_000_000,
    roaming: false,
    direction: 'mo',
    calledNumber: '+8613900139000',
    durationSec: 75,
    cdrId: 'cdr-abc',
    region: 'GD',
  },
  planId: 'dazhongka-8',
  planVersion: 2,
  chargeFen: 30,
  billableUnits: 78,
  unit: 'sec',
  allowanceUsed: 0,
  balanceAfterFen: 970,
  ratedAtMs: 1_790_000_075_000,
  explanation: '通话 1分15秒 | Call 1 min 15 s',
} as RatedCdr;

const entry: LedgerEntry = {
  key: 'cdr:cdr-abc',
  msisdn: '+8613800138000',
  kind: 'usage',
  direction: 'debit',
  amountFen: 30,
  balanceAfterFen: 970,
  atMs: 1_790_000_000_000,
  planId: 'dazhongka-8',
  planVersion: 2,
  service: 'voice',
  allowanceUnits: 0,
};

describe('usage ledger entries sent as item indexes', () => {
  it('an entry that restates its rated CDR exactly is implied by it; any difference is not', () => {
    expect(usageEntryOf(rated)).toEqual(entry);
    expect(impliedBy(entry, rated)).toBe(true);
    expect(impliedBy({ ...entry, amountFen: 31 }, rated)).toBe(false);
    expect(impliedBy({ ...entry, balanceAfterFen: 0 }, rated)).toBe(false);
    const { allowanceUnits: _, ...shorter } = entry;
    expect(impliedBy(shorter, rated)).toBe(false);
    const { balanceAfterFen: __, ...noBalance } = rated;
    expect(impliedBy(entry, noBalance as RatedCdr)).toBe(false);
  });

  it('outputParts expands indexes in order and leaves an index without a rated item as it is', () => {
    const fee = { ...entry, key: 'fee:+8613800138000:1', kind: 'fee', service: undefined };
    const parts = outputParts({ items: [rated], ledger: [fee, 0, 5], notifications: [] }, [rated]);
    expect(parts.ledger).toEqual([fee, entry, 5]);
    // Older outputs carry full entries: read as they are.
    expect(outputParts({ items: [rated], ledger: [entry] }, [rated]).ledger).toEqual([entry]);
  });
});
