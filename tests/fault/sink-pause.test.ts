import { describe, expect, it } from 'vitest';
import { runSinkPause } from '../chaos/sink-pause.ts';

// Embedded ClickHouse lives in the sink process: freezing that process (SIGSTOP) is ClickHouse
// and the sink unavailable at once, while ingest and rating keep taking traffic. Short version of
// `npm run chaos -- --scenario sink-pause` (30 s there).
describe('sink frozen while traffic continues, then thawed', () => {
  it('dead-letters nothing and catches up completely: one row per CDR', async () => {
    const f = await runSinkPause({
      seed: 4,
      lines: 150,
      partitions: 2,
      processes: ['ingest,processor', 'sink'],
      ratePerSec: 500,
      warmupMs: 3000,
      pauseMs: 8000,
      afterMs: 3000,
    });
    const summary = JSON.stringify(f, null, 1);
    expect(f.backlogAtResume, 'rated output piled up while the sink was frozen').toBeGreaterThan(0);
    expect(f.catchUpMs, summary).not.toBeNull();
    expect(f.deadLettered, summary).toBe(0);
    expect(f.uniqueCdrs).toBe(f.feed.cdrs);
    expect(
      { lost: f.lostInClickHouse, duplicateRows: f.duplicateRows, ledgerDuplicates: f.duplicateLedgerRows },
      summary,
    ).toEqual({ lost: 0, duplicateRows: 0, ledgerDuplicates: 0 });
    expect(f.chargeFenClickHouse).toBe(f.chargeFenStream);
  }, 240_000);
});
