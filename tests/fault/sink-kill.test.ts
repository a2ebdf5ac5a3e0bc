import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, type RatedCdr } from '../../domain/index.ts';
import { applyTopology, PipelinedPublisher, subjects } from '../../infra/nats/index.ts';
import { rateFlat } from '../../processors/flatrate/index.ts';
import { sinks } from '../../processors/sink/index.ts';
import { startTestNats } from '../support/env.ts';

function runChild(
  env: Record<string, string>,
): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fault/fixtures/sink-child.ts'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    });
  });
}

describe('sink killed between insert and ack (kill -9, real nats-server and ClickHouse)', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  const chDir = mkdtempSync(join(tmpdir(), 'sbss-sinkkill-'));
  beforeAll(async () => {
    nats = await startTestNats();
    // Short ack wait so a killed sink's unacked batches come back quickly.
    // The child runs every sink (runSinks), so every sink's consumer must exist.
    await applyTopology(nats.nats.nc, nats.nats.jsm, [
      { stream: 'RATED', durable: 'sink-cdr-rated', maxAckPending: 4000, ackWaitSec: 1 },
      ...sinks.map((s) => s.consumer).filter((c) => c.durable !== 'sink-cdr-rated'),
    ]);
  });
  afterAll(async () => {
    await nats?.close();
    rmSync(chDir, { recursive: true, force: true });
  });

  it('redelivery after each kill adds no duplicate rows', async () => {
    const MESSAGES = 400;
    const PER = 25;
    const pub = new PipelinedPublisher(nats.nats.js);
    for (let m = 0; m < MESSAGES; m++) {
      const rated: RatedCdr[] = Array.from({ length: PER }, (_, i) =>
        rateFlat({
          type: 'sms',
          cdrId: `cdr-${m}-${i}`,
          neId: 'SMSC-GD-01',
          recordSeq: m * PER + i,
          msisdn: `+86138${String(m).padStart(8, '0')}`,
          imsi: '460001234567890',
          cellId: 'GD-GZ-0001-1',
          region: 'GD',
          startMs: Date.UTC(2026, 10, 1) + m * 1000 + i,
          roaming: false,
          direction: 'mo',
          calledNumber: '+8610086',
        }),
      );
      await pub.publish({
        subject: subjects.rated(m % 4),
        data: encodeBatch(`b-${m}`, rated),
        msgId: `b-${m}`,
      });
    }
    await pub.flush();

    const env = { NATS_URL: nats.server.url, CH_DIR: chDir };
    let kills = 0;
    for (const after of [1, 2, 1, 3, 2]) {
      const r = await runChild({ ...env, KILL_AFTER_INSERTS: String(after) });
      if (r.signal === 'SIGKILL') kills++;
      else throw new Error(`child did not die as planned: ${r.code} ${r.out}`);
      await new Promise((res) => setTimeout(res, 1200)); // let the ack wait lapse
    }
    expect(kills).toBe(5);
    const final = await runChild(env);
    expect(final.code, final.out).toBe(0);
    const line = final.out.trim().split('\n').at(-1)!;
    const { counts, skipped } = JSON.parse(line) as { counts: { n: string; u: string }; skipped: string };
    expect(Number(counts.n)).toBe(MESSAGES * PER);
    expect(Number(counts.u)).toBe(MESSAGES * PER);
    // The sink did see redeliveries of batches it had already inserted, and skipped them.
    expect(skipped).toMatch(/streambss_sink_skipped_redeliveries_total\{table="cdr_rated"\} [1-9]/);
  });
});
