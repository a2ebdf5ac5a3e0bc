import { describe, expect, it } from 'vitest';
import type { ChAggregates } from './fixtures/ch-aggregates.ts';
import { compareAggregates, runRebuild } from '../chaos/rebuild.ts';

// Drop the ClickHouse projections and rebuild them from the streams with `streambss rebuild`:
// every aggregate identical. Short version of `npm run chaos -- --scenario rebuild`.
describe('drop the ClickHouse tables and rebuild from the streams', () => {
  it('gives identical counts, Σ charge per subscriber, ledger Σ per kind and usage_minute totals', async () => {
    const f = await runRebuild({
      seed: 6,
      lines: 150,
      partitions: 2,
      processes: ['ingest,processor,sink'],
      cdrs: 5000,
      ratePerSec: 20_000,
    });
    const summary = JSON.stringify(f, null, 1);
    expect(f.uniqueCdrs).toBe(5000);
    expect(f.before.cdrRows, summary).toBe(5000);
    expect(f.before.usageMinuteCdrs).toBe(5000);
    expect(f.before.chargeFen).toBe(f.chargeFenStream);
    expect(f.differences, summary).toEqual([]);
    expect(f.rebuild.report).toMatch(/^rebuilt cdr_rated/);
  }, 240_000);

  it('the comparison notices a changed subscriber sum or a missing usage_minute group', () => {
    const a: ChAggregates = {
      cdrRated: { rows: 2, uniqueIds: 2, chargeFen: 30 },
      ledger: { rows: 2, uniqueKeys: 2 },
      notifications: { rows: 0, uniqueKeys: 0 },
      ledgerByKind: [{ kind: 'usage', direction: 'debit', rows: 2, amountFen: 30 }],
      bySubscriber: [
        { msisdn: '+8613800000001', cdrs: 1, chargeFen: 10 },
        { msisdn: '+8613800000002', cdrs: 1, chargeFen: 20 },
      ],
      usageMinute: { groups: 1, cdrs: 2, chargeFen: 30, bytes: 0, durationSec: 0 },
      usageMinuteDigest: 'x',
      tableRows: { cdr_rated: 2 },
      duplicateExamples: [],
    };
    expect(compareAggregates(a, structuredClone(a)).diff).toEqual([]);
    const b = structuredClone(a);
    b.bySubscriber[1]!.chargeFen = 21;
    b.usageMinuteDigest = 'y';
    expect(compareAggregates(a, b).diff).toEqual(['usageMinuteDigest', 'bySubscriber (1 subscribers)']);
  });
});
