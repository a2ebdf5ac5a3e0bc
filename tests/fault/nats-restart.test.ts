import { describe, expect, it } from 'vitest';
import { runNatsRestart } from '../chaos/nats-restart.ts';

// The real roles as child processes (ingest+rating in one, the sink in another) while the
// nats-server is SIGKILLed and restarted on the same port and store; publishers retry with the
// same message ids. Short version of `npm run chaos -- --scenario nats-restart`.
describe('nats-server killed and restarted while CDRs stream through ingest → rating → sink', () => {
  it('every stage moves again after each restart; nothing lost, nothing charged or stored twice', async () => {
    const f = await runNatsRestart({
      seed: 3,
      lines: 150,
      partitions: 2,
      processes: ['ingest,processor', 'sink'],
      ratePerSec: 500,
      streamMs: 12_000,
      killEveryMs: 5000,
      recoveryTimeoutMs: 60_000,
      ackWaitSec: 5,
    });
    const summary = JSON.stringify(f, null, 1);
    expect(f.restarts, summary).toBeGreaterThanOrEqual(1);
    for (const r of f.recoveries) expect(r.recoveryMs, summary).not.toBeNull();
    expect(f.feed.retriedRounds, 'the publisher saw the outage and retried').toBeGreaterThan(0);
    expect(f.uniqueCdrs).toBe(f.feed.cdrs);
    expect(
      {
        lost: f.lost,
        lostInClickHouse: f.lostInClickHouse,
        chargedTwice: f.chargedTwice,
        duplicateRows: f.duplicateRows,
        duplicateLedgerRows: f.duplicateLedgerRows,
        deadLettered: f.deadLettered,
      },
      summary,
    ).toEqual({
      lost: 0,
      lostInClickHouse: 0,
      chargedTwice: 0,
      duplicateRows: 0,
      duplicateLedgerRows: 0,
      deadLettered: 0,
    });
    expect(f.chargeFenClickHouse).toBe(f.chargeFenStream);
  }, 240_000);
});
